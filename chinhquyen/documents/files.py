"""Files of documents: checked by content, stored under random names, read back for text.

A file is judged by its first bytes (``%PDF-`` for PDF, ``filetype`` for Office formats and
images), never by its name or declared content type. Incoming documents accept PDF scans and
electronic files plus Office and image attachments; drafts of outgoing documents are DOCX or
PDF. The display name is sanitised (no directories, control or bidirectional characters).
Size limit: ``DOCUMENTS_MAX_UPLOAD_MB`` (default 20). Beyond the first bytes, ``core.uploads``
refuses zip bombs and hostile archives, pixel floods, polyglots and PDFs with active content.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.files.base import ContentFile

from chinhquyen.core import uploads
from chinhquyen.core.api import DomainError
from chinhquyen.core.pdf import PdfError, pdf_page_count, pdf_text

CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "jpg": "image/jpeg",
    "png": "image/png",
}
INCOMING_TYPES = frozenset(CONTENT_TYPES)
DRAFT_TYPES = frozenset({"pdf", "docx"})
MAX_NAME_LENGTH = 150
MAX_TEXT_LENGTH = 200_000
DEFAULT_MAX_MB = 20

_INVISIBLE = re.compile("[\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_FORBIDDEN = re.compile(r'[<>:"|?*]')
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str

    @property
    def is_pdf(self) -> bool:
        return self.extension == "pdf"

    def django_file(self) -> ContentFile[bytes]:
        return ContentFile(self.content, name=f"tep.{self.extension}")


def max_bytes() -> int:
    return int(getattr(settings, "DOCUMENTS_MAX_UPLOAD_MB", DEFAULT_MAX_MB)) * 1024 * 1024


def sanitize_filename(name: str | None, extension: str) -> str:
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = _INVISIBLE.sub("", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    text = _SPACES.sub(" ", _FORBIDDEN.sub("_", text)).strip().strip(".").strip()
    stem, dot, _ext = text.rpartition(".")
    if not dot:
        stem = text
    stem = (stem.strip() or "van-ban")[: MAX_NAME_LENGTH - len(extension) - 1].rstrip()
    return f"{stem}.{extension}"


def detect(head: bytes) -> str | None:
    if head.lstrip()[:5] == b"%PDF-":
        return "pdf"
    kind = filetype.guess(head)
    if kind is None:
        return None
    extension = "jpg" if kind.extension == "jpeg" else kind.extension
    return extension if extension in CONTENT_TYPES else None


def read_upload(upload: Any) -> bytes:
    if upload is None:
        raise DomainError("Chưa chọn tệp.", code="file_required")
    if isinstance(upload, bytes):
        return upload
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > max_bytes():
        raise _too_large()
    stream = getattr(upload, "file", None) or upload
    if hasattr(stream, "seek"):
        stream.seek(0)
    data = stream.read(max_bytes() + 1) if hasattr(stream, "read") else None
    if not isinstance(data, bytes):
        raise DomainError("Không đọc được tệp tải lên.", code="invalid_file")
    return data


def check_upload(upload: Any, *, allowed: Iterable[str], name: str | None = None) -> CheckedFile:
    """Validate one upload; ``DomainError`` (Vietnamese, HTTP 400) when refused."""
    allowed_set = frozenset(allowed)
    data = read_upload(upload)
    if not data:
        raise DomainError("Tệp rỗng.", code="empty_file")
    if len(data) > max_bytes():
        raise _too_large()
    extension = detect(data[:8192])
    if extension is None or extension not in allowed_set:
        label = ", ".join(sorted(e.upper() for e in allowed_set))
        raise DomainError(
            f"Tệp phải là một trong các định dạng {label} (kiểm tra theo nội dung tệp).",
            code="invalid_file_type",
        )
    uploads.check_content(data, extension)
    if extension == "pdf":
        try:
            pdf_page_count(data)
        except PdfError as exc:
            raise DomainError("Tệp PDF bị hỏng, không đọc được.", code="invalid_pdf") from exc
    return CheckedFile(
        content=data,
        name=sanitize_filename(name or getattr(upload, "name", ""), extension),
        extension=extension,
        content_type=CONTENT_TYPES[extension],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def extract_text(pdf: bytes) -> str:
    """The text of a PDF for searching ("" for a scan without a text layer or a bad file)."""
    try:
        text = pdf_text(pdf)
    except PdfError:
        return ""
    return text.replace("\x00", "")[:MAX_TEXT_LENGTH]


def page_count(pdf: bytes) -> int | None:
    try:
        return pdf_page_count(pdf)
    except PdfError:
        return None


def read_field(field: Any) -> bytes:
    """The bytes of a stored ``FieldFile``."""
    field.open("rb")
    try:
        data: bytes = field.read()
    finally:
        field.close()
    return data


def _too_large() -> DomainError:
    return DomainError(
        f"Tệp vượt quá dung lượng cho phép ({max_bytes() // (1024 * 1024)} MB).",
        code="file_too_large",
    )
