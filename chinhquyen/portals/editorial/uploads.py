"""Uploads through the Wagtail admin are checked like every other upload of the platform.

Wagtail's image and document forms are built on the bases named by
``WAGTAILIMAGES_IMAGE_FORM_BASE`` and ``WAGTAILDOCS_DOCUMENT_FORM_BASE`` (settings): the single
upload, the multiple upload, the chooser's upload tab and the edit form all use them. Here:

- the type is read from the file's first bytes (``documents.files.detect`` and ``filetype``),
  never from its name or declared type; it must be one the setting allows
  (``WAGTAILIMAGES_EXTENSIONS`` / ``WAGTAILDOCS_EXTENSIONS``) and agree with the name's
  extension. HTML, SVG, scripts and executables are refused whatever their name;
- ``core.uploads.check_content`` then refuses polyglots, pixel floods, zip bombs, macros and
  PDFs with active content; text files (CSV, JSON open data) must be UTF-8 without markup;
- the size limit is the setting's (``WAGTAILIMAGES_MAX_UPLOAD_SIZE``,
  ``WAGTAILDOCS_MAX_UPLOAD_SIZE``);
- an image needs its alternative text (Wagtail's ``description``, WCAG 2.1 AA 1.1.1).

Every refusal is a form error in Vietnamese (Wagtail shows it next to the file field).
"""

from __future__ import annotations

import json
import re
from typing import Any

import filetype
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from chinhquyen.core import uploads
from chinhquyen.core.api import DomainError

ALT_TEXT_REQUIRED = (
    "Cần nhập mô tả ảnh (văn bản thay thế) cho người dùng trình đọc màn hình: mô tả ngắn gọn "
    "nội dung của ảnh."
)
# Markup a browser would render or run: refused in files served as text (CSV, JSON)
_MARKUP = re.compile(
    rb"<\s*(?:script|iframe|object|embed|html|body|svg|!doctype|\?xml)|javascript:",
    re.IGNORECASE,
)
_TEXT_TYPES = frozenset({"csv", "json", "txt"})
_SAME = {"jpeg": "jpg", "jpg": "jpg"}


def _extension_of(name: str) -> str:
    _stem, dot, ext = (name or "").rpartition(".")
    ext = ext.lower() if dot else ""
    return _SAME.get(ext, ext)


def _allowed(setting: str, default: list[str]) -> frozenset[str]:
    return frozenset(_SAME.get(e.lower(), e.lower()) for e in getattr(settings, setting, default))


def _detect(head: bytes) -> str | None:
    """The type of a binary file from its first bytes ("pdf", "jpg", "png", "docx"...)."""
    if head.lstrip()[:5] == b"%PDF-":
        return "pdf"
    kind = filetype.guess(head)
    if kind is None:
        return None
    return _SAME.get(kind.extension, kind.extension)


def _read(upload: Any, limit: int) -> bytes:
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > limit:
        raise forms.ValidationError(_too_large(limit), code="file_too_large")
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if not isinstance(data, bytes):
        raise forms.ValidationError("Không đọc được tệp tải lên.", code="invalid_file")
    if len(data) > limit:
        raise forms.ValidationError(_too_large(limit), code="file_too_large")
    if not data:
        raise forms.ValidationError("Tệp rỗng.", code="empty_file")
    return data


def _too_large(limit: int) -> str:
    return f"Tệp quá lớn: tối đa {filesizeformat(limit)}."


def _check_text(data: bytes, extension: str) -> None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise forms.ValidationError(
            "Tệp văn bản (CSV, JSON) phải mã hóa UTF-8.", code="invalid_text"
        ) from exc
    if "\x00" in text or _MARKUP.search(data):
        raise forms.ValidationError(
            "Tệp chứa mã HTML hoặc mã lệnh, không được chấp nhận.", code="markup_refused"
        )
    if extension == "json":
        try:
            json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError("Tệp JSON không hợp lệ.", code="invalid_json") from exc


def check_file(upload: Any, *, allowed: frozenset[str], limit: int) -> str:
    """The checked type of ``upload`` (an ``UploadedFile``); ``ValidationError`` if refused."""
    data = _read(upload, limit)
    named = _extension_of(getattr(upload, "name", ""))
    detected = _detect(data[:8192])
    if detected is None and named in _TEXT_TYPES and named in allowed:
        _check_text(data, named)
        return named
    label = ", ".join(sorted(e.upper() for e in allowed))
    if detected is None or detected not in allowed:
        raise forms.ValidationError(
            f"Loại tệp không được chấp nhận (chỉ nhận {label}; không nhận HTML, SVG, mã lệnh, "
            "tệp chạy được).",
            code="file_type_refused",
        )
    if named != detected:
        raise forms.ValidationError(
            f"Phần mở rộng của tên tệp (.{named or '?'}) không khớp nội dung tệp "
            f"({detected.upper()}).",
            code="extension_mismatch",
        )
    try:
        uploads.check_content(data, detected)
    except DomainError as exc:
        raise forms.ValidationError(str(exc.detail), code=exc.error_code) from exc
    if detected not in ("jpg", "png", "pdf") and uploads._HTML_MARKERS.search(data):
        raise forms.ValidationError(
            "Tệp chứa mã HTML hoặc mã lệnh, không được chấp nhận.", code="markup_refused"
        )
    return detected


class CheckedImageForm(BaseImageForm):
    """Wagtail's image form with the platform's upload checks and required alt text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "description" in self.fields:
            field = self.fields["description"]
            field.required = True
            field.label = "Mô tả ảnh (văn bản thay thế)"
            field.help_text = "Bắt buộc: mô tả ngắn nội dung ảnh cho người khiếm thị."
            field.error_messages["required"] = ALT_TEXT_REQUIRED

    def clean_description(self) -> str:
        value = str(self.cleaned_data.get("description") or "").strip()
        if not value:
            raise forms.ValidationError(ALT_TEXT_REQUIRED, code="alt_text_required")
        return value

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and "file" in self.changed_data:
            check_file(
                upload,
                allowed=_allowed("WAGTAILIMAGES_EXTENSIONS", ["jpg", "jpeg", "png"]),
                limit=int(getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024)),
            )
        return upload


class CheckedDocumentForm(BaseDocumentForm):
    """Wagtail's document form with the platform's upload checks."""

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and "file" in self.changed_data:
            check_file(
                upload,
                allowed=_allowed("WAGTAILDOCS_EXTENSIONS", ["pdf"]),
                limit=int(getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", 20 * 1024 * 1024)),
            )
        return upload
