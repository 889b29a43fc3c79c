"""Checking files uploaded into dossiers.

A file is judged by its content (magic bytes via ``filetype``; ``%PDF-`` for PDF), never by its
name or the Content-Type its sender claims. Allowed: PDF, JPEG, PNG, DOCX, XLSX, DOC, XLS. The
original name is kept only for display and download, sanitised: no directories, no NUL or other
control characters, no bidirectional overrides (U+202E turns "gpj.exe" into "exe.jpg" on
screen), at most ``MAX_NAME_LENGTH`` characters. Files are stored under a random name with the
extension of the detected type; downloads are always ``Content-Disposition: attachment`` with
the detected content type and ``nosniff``. Beyond the first bytes, ``core.uploads`` refuses
zip bombs and hostile archives, pixel floods, polyglots and PDFs with active content.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO, Any

import filetype
from django.core.files.base import File

from chinhquyen.core import uploads
from chinhquyen.core.api import DomainError
from chinhquyen.core.uploads import MAX_NAME_LENGTH, sanitize_filename

from . import conf

# Detected extension -> content type served on download.
ALLOWED_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
}
ALLOWED_LABEL = "PDF, JPG, PNG, DOC, DOCX, XLS, XLSX"
# Extensions a name may show for each detected type (others are replaced by the detected one).
NAME_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "pdf": ("pdf",),
    "jpg": ("jpg", "jpeg"),
    "png": ("png",),
    "docx": ("docx",),
    "xlsx": ("xlsx",),
    "doc": ("doc",),
    "xls": ("xls",),
}


@dataclass(frozen=True)
class CheckedFile:
    file: Any
    name: str  # sanitised display name, extension matching the content
    extension: str
    content_type: str
    size: int
    sha256: str


def _stream(upload: Any) -> IO[bytes]:
    stream = getattr(upload, "file", None) or upload
    if not hasattr(stream, "read"):
        raise DomainError("Không đọc được tệp tải lên.", code="invalid_file")
    return stream  # type: ignore[no-any-return]


def _digest_and_size(stream: IO[bytes]) -> tuple[str, int, bytes]:
    if hasattr(stream, "seek"):
        stream.seek(0)
    digest = hashlib.sha256()
    size = 0
    head = b""
    while True:
        chunk = stream.read(1024 * 1024)
        if not chunk:
            break
        if not isinstance(chunk, bytes):
            raise DomainError("Không đọc được tệp tải lên.", code="invalid_file")
        if len(head) < 8192:
            head += chunk[: 8192 - len(head)]
        digest.update(chunk)
        size += len(chunk)
    if hasattr(stream, "seek"):
        stream.seek(0)
    return digest.hexdigest(), size, head


def detect(head: bytes) -> str | None:
    """The allowed type detected from the first bytes, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    kind = filetype.guess(head)
    if kind is None:
        return None
    extension = "jpg" if kind.extension == "jpeg" else kind.extension
    return extension if extension in ALLOWED_TYPES else None


def check_upload(upload: Any) -> CheckedFile:
    """Validate one uploaded file; ``DomainError`` (Vietnamese, HTTP 400) when refused."""
    if upload is None:
        raise DomainError("Chưa chọn tệp.", code="file_required")
    limit = conf.max_upload_bytes()
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise _too_large(limit)
    digest, size, head = _digest_and_size(_stream(upload))
    if size == 0:
        raise DomainError("Tệp rỗng.", code="empty_file")
    if size > limit:
        raise _too_large(limit)
    extension = detect(head)
    if extension is None:
        raise DomainError(
            f"Tệp phải là một trong các định dạng {ALLOWED_LABEL} (kiểm tra theo nội dung tệp).",
            code="invalid_file_type",
        )
    uploads.check_content(_stream(upload), extension)
    name = sanitize_filename(getattr(upload, "name", ""), fallback_ext=extension)
    stem, dot, ext = name.rpartition(".")
    if not dot or ext.lower() not in NAME_EXTENSIONS[extension]:
        base = name if not dot else stem
        name = sanitize_filename(f"{base[: MAX_NAME_LENGTH - 6]}.{extension}")
    return CheckedFile(
        file=upload,
        name=name,
        extension=extension,
        content_type=ALLOWED_TYPES[extension],
        size=size,
        sha256=digest,
    )


def _too_large(limit: int) -> DomainError:
    return DomainError(
        f"Tệp vượt quá dung lượng cho phép ({limit // (1024 * 1024)} MB).",
        code="file_too_large",
    )


def storage_file(checked: CheckedFile) -> File:
    """A Django ``File`` whose name only carries the detected extension (the storage name is
    random, see ``models.attachment_path``)."""
    stream = _stream(checked.file)
    stream.seek(0)
    return File(stream, name=f"tep.{checked.extension}")
