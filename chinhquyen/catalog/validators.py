"""Validators for catalogue data: applicant form schemas and uploaded files.

Uploaded files are judged by their content (magic bytes, via ``filetype``), never by the
name or the Content-Type the browser sent, and then looked at more deeply by ``core.uploads``
(zip bombs, hostile archives, polyglots, PDFs with active content).
"""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile

from chinhquyen.core import uploads
from chinhquyen.core.api import DomainError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Detected extension -> (MIME type served on download, file-name extensions that may carry it).
PAPER_TEMPLATE_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", ("pdf",)),
    "doc": ("application/msword", ("doc",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ("docx",),
    ),
    "xls": ("application/vnd.ms-excel", ("xls",)),
    "xlsx": (XLSX_MIME, ("xlsx",)),
}
ALLOWED_TEMPLATE_LABEL = "PDF, DOC, DOCX, XLS, XLSX"


def validate_form_schema(value: object) -> None:
    """Reject a form schema that is not valid JSON Schema or not renderable (Vietnamese)."""
    from .forms_schema import schema_problems

    problems = schema_problems(value)
    if problems:
        raise ValidationError(problems, code="invalid_form_schema")


def _size_of(upload: Any) -> int | None:
    size = getattr(upload, "size", None)
    if isinstance(size, int):
        return size
    return None


def _head(upload: Any) -> bytes:
    stream: IO[bytes] | None = getattr(upload, "file", None) or upload
    if stream is None or not hasattr(stream, "read"):
        return b""
    position = stream.tell() if hasattr(stream, "tell") else 0
    if hasattr(stream, "seek"):
        stream.seek(0)
    head = stream.read(8192)
    if hasattr(stream, "seek"):
        stream.seek(position)
    return head if isinstance(head, bytes) else b""


def detect_extension(upload: Any) -> str | None:
    """The file type detected from the content (``"pdf"``, ``"docx"`` ...), or None."""
    head = _head(upload)
    if not head:
        return None
    import filetype  # not at start-up: the models import this module

    kind = filetype.guess(head)
    return kind.extension if kind else None


def check_content(upload: Any, extension: str) -> None:
    """``core.uploads.check_content`` as a form/model ``ValidationError``."""
    try:
        uploads.check_content(upload, extension)
    except DomainError as exc:
        raise ValidationError(str(exc.detail), code=exc.error_code) from exc


def check_size(upload: Any, limit: int = MAX_UPLOAD_BYTES) -> None:
    size = _size_of(upload)
    if size is None or size > limit:
        raise ValidationError(
            f"Tệp vượt quá dung lượng cho phép ({limit // (1024 * 1024)} MB).",
            code="file_too_large",
        )
    if size == 0:
        raise ValidationError("Tệp rỗng.", code="empty_file")


def validate_paper_template(value: Any) -> None:
    """A blank form template: PDF/DOC/DOCX/XLS/XLSX by content, at most 10 MB.

    Files already stored (unchanged on a later save) are not re-read.
    """
    if not value:
        return
    if isinstance(value, FieldFile):
        if getattr(value, "_committed", False):
            return  # already in storage: it was checked when it was uploaded
        value = value.file
    check_size(value)
    detected = detect_extension(value)
    if detected not in PAPER_TEMPLATE_TYPES:
        raise ValidationError(
            f"Tệp mẫu phải là một trong các định dạng {ALLOWED_TEMPLATE_LABEL} "
            "(kiểm tra theo nội dung tệp).",
            code="invalid_file_type",
        )
    name = str(getattr(value, "name", "") or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext and ext not in PAPER_TEMPLATE_TYPES[detected][1]:
        raise ValidationError(
            f"Phần mở rộng .{ext} không khớp với nội dung tệp ({detected.upper()}).",
            code="extension_mismatch",
        )
    check_content(value, detected)


def validate_xlsx_upload(value: Any) -> None:
    """An Excel workbook (.xlsx by content), at most 10 MB."""
    check_size(value)
    if detect_extension(value) != "xlsx":
        raise ValidationError(
            "Tệp phải là bảng tính Excel (.xlsx); nội dung tệp không đúng định dạng.",
            code="invalid_file_type",
        )
    check_content(value, "xlsx")
