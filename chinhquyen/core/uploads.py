"""What an uploaded file really is: content checks shared by every app that accepts files.

Each app first detects the type from the first bytes (``%PDF-``, ``filetype``); this module
then looks deeper, so that a file that merely *starts* right is still refused when it is:

- a **zip bomb** or a hostile archive (DOCX and XLSX are zip files): more than
  ``MAX_ARCHIVE_MEMBERS`` members, more than ``MAX_UNCOMPRESSED_BYTES`` once inflated,
  sizes that lie (every member is inflated in bounded chunks and its CRC checked, so a
  member that inflates past its declared size is caught before it can), member names that
  climb out of a folder (``../../etc/passwd``, absolute paths, drive letters, backslashes,
  NUL), duplicate names, encrypted members, unknown compression methods or macros (also in
  the older DOC/XLS files);
- a **pixel flood** image: a PNG or JPEG declaring more than ``MAX_IMAGE_PIXELS`` pixels (the
  size is read from the header; the image is never decoded);
- a **polyglot**: an image or an Office file that also carries HTML or a PDF header, a PDF
  that is also a zip archive or starts with HTML;
- a **PDF with active content**: JavaScript (``/JS``, ``/JavaScript``, also when an
  ``/OpenAction`` or ``/AA`` runs it), ``/Launch`` actions, embedded files
  (``/EmbeddedFile(s)``), rich media or XFA forms — names are decoded (``/J#61vaScript``) and
  compressed object streams are read too.

Every refusal is a ``DomainError`` (HTTP 400) with a Vietnamese message. ``sanitize_filename``
makes the display name of an upload safe (no directories, control characters or bidirectional
overrides such as U+202E, which turns "gpj.exe" into "exe.jpg" on screen).
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from chinhquyen.core.api import DomainError

MAX_ARCHIVE_MEMBERS = 5000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_IMAGE_PIXELS = 100_000_000  # an A3 page scanned at 600 dpi is 70 million pixels
MAX_NAME_LENGTH = 150

_CHUNK = 1024 * 1024
_PDF_HEADER_WINDOW = 1024  # PDF readers accept "%PDF-" anywhere in the first kilobyte
# Markers of HTML a browser would run. They are searched in the whole of an image, so each is
# long enough (6+ bytes) never to turn up by chance in compressed pixel data.
_HTML_MARKERS = re.compile(
    rb"<\s*(?:script|iframe|object|!doctype)|<\s*(?:html|body|svg)[\s>/]"
    rb"|javascript:|\bon(?:load|error|click|mouseover)\s*=",
    re.IGNORECASE,
)
_PDF_NAME = re.compile(rb"/([^\x00\t\n\f\r ()<>\[\]{}/%]+)")
_PDF_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
# Names that give a PDF active content: scripts, program launches, files inside the file.
PDF_ACTIVE_NAMES = frozenset(
    {
        "JS",
        "JavaScript",
        "Launch",
        "EmbeddedFile",
        "EmbeddedFiles",
        "RichMedia",
        "XFA",
    }
)
_OOXML_ROOT = {"docx": "word/", "xlsx": "xl/"}
# The directory entry of a VBA project in an OLE compound file (names are UTF-16LE).
_OLE_VBA = "_VBA_PROJECT".encode("utf-16-le")
_ARCHIVE_LABELS = {"docx": "Word (.docx)", "xlsx": "Excel (.xlsx)"}
_DRIVE = re.compile(r"^[A-Za-z]:")

_BIDI_AND_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2066\u2067\u2068\u2069\ufeff"
)
_SPACES = re.compile(r"\s+")
_FORBIDDEN = re.compile(r'[<>:"|?*]')


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------


def sanitize_filename(name: str | None, *, fallback_ext: str = "bin") -> str:
    """A safe display name for an uploaded file (never used as a storage path)."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(
        ch
        for ch in text
        if ch not in _BIDI_AND_INVISIBLE and unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    )
    text = _FORBIDDEN.sub("_", text)
    text = _SPACES.sub(" ", text).strip().strip(".").strip()
    if not text:
        text = f"tep-dinh-kem.{fallback_ext}"
    if len(text) > MAX_NAME_LENGTH:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            text = stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip() + "." + ext
        else:
            text = text[:MAX_NAME_LENGTH].rstrip()
    return text


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def check_content(upload: bytes | IO[bytes] | Any, extension: str) -> None:
    """Refuse a file whose content is hostile for its detected type ``extension``
    (``"pdf"``, ``"jpg"``, ``"png"``, ``"docx"``, ``"xlsx"``, ``"doc"``, ``"xls"``).

    ``upload`` is the file's bytes or a seekable binary stream (left at position 0). The
    caller has already enforced its size limit. Raises ``DomainError`` (Vietnamese)."""
    stream = _seekable(upload)
    try:
        data = _read_all(stream)
        if extension == "pdf":
            _check_pdf(data, stream)
        elif extension in ("jpg", "png"):
            _check_image(data, extension, stream)
        elif extension in _OOXML_ROOT:
            if b"%PDF-" in data[:_PDF_HEADER_WINDOW]:
                raise _polyglot()
            check_archive(stream, kind=extension)
        else:  # doc, xls (OLE compound files) and anything else that is not an archive
            if b"%PDF-" in data[:_PDF_HEADER_WINDOW] or _is_zip(stream):
                raise _polyglot()
            if _OLE_VBA in data:  # Word's Macros/VBA, Excel's _VBA_PROJECT_CUR/VBA storages
                raise DomainError(
                    f"Tệp {extension.upper()} chứa macro, không được chấp nhận.",
                    code="archive_macro",
                )
    finally:
        stream.seek(0)


def _seekable(upload: bytes | IO[bytes] | Any) -> IO[bytes]:
    if isinstance(upload, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(upload))
    stream = getattr(upload, "file", None) or upload
    if not (hasattr(stream, "read") and hasattr(stream, "seek")):
        raise DomainError("Không đọc được tệp tải lên.", code="invalid_file")
    return stream  # type: ignore[no-any-return]


def _read_all(stream: IO[bytes]) -> bytes:
    stream.seek(0)
    data = stream.read()
    stream.seek(0)
    if not isinstance(data, bytes):
        raise DomainError("Không đọc được tệp tải lên.", code="invalid_file")
    return data


def _polyglot() -> DomainError:
    return DomainError(
        "Tệp mang đồng thời nội dung của nhiều định dạng (tệp «đa hình»), không được chấp nhận.",
        code="polyglot_file",
    )


def _damaged(label: str) -> DomainError:
    return DomainError(
        f"Không đọc được tệp {label}: tệp bị hỏng hoặc sai định dạng.", code="damaged_file"
    )


def _is_zip(stream: IO[bytes]) -> bool:
    """The file also parses as a zip archive (end record and central directory)."""
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            return bool(archive.infolist())
    except Exception:  # zipfile raises many types on what is not an archive
        return False
    finally:
        stream.seek(0)


# --------------------------------------------------------------------------------------------
# Archives (DOCX, XLSX)
# --------------------------------------------------------------------------------------------


def _unsafe_member_name(name: str) -> bool:
    if not name or "\x00" in name or "\\" in name or name.startswith("/") or _DRIVE.match(name):
        return True
    return any(part == ".." for part in name.split("/"))


def check_archive(
    upload: bytes | IO[bytes] | Any,
    *,
    kind: str | None = None,
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES,
) -> None:
    """Refuse a zip bomb or a hostile archive before anything inflates it.

    ``kind`` ``"docx"``/``"xlsx"`` also demands the parts of that Office format. Raises
    ``DomainError``."""
    label = _ARCHIVE_LABELS.get(kind or "", "nén (zip)")
    stream = _seekable(upload)
    stream.seek(0)
    try:
        archive = zipfile.ZipFile(stream)
    except Exception as exc:  # BadZipFile, but also OSError/ValueError/EOFError on garbage
        raise _damaged(label) from exc
    try:
        infos = archive.infolist()
        if len(infos) > MAX_ARCHIVE_MEMBERS:
            raise DomainError(
                f"Tệp {label} chứa quá nhiều thành phần (tối đa {MAX_ARCHIVE_MEMBERS}).",
                code="archive_too_many_members",
            )
        seen: set[str] = set()
        declared = 0
        for info in infos:
            if _unsafe_member_name(info.orig_filename) or _unsafe_member_name(info.filename):
                raise DomainError(
                    f"Tệp {label} chứa đường dẫn không an toàn (ví dụ «../»), "
                    "không được chấp nhận.",
                    code="archive_unsafe_path",
                )
            key = info.filename.casefold()
            if key in seen:
                raise DomainError(
                    f"Tệp {label} chứa thành phần trùng tên, không được chấp nhận.",
                    code="archive_duplicate_member",
                )
            seen.add(key)
            if info.flag_bits & 0x1:
                raise DomainError(
                    f"Tệp {label} được đặt mật khẩu, không kiểm tra được nội dung.",
                    code="archive_encrypted",
                )
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _damaged(label)
            if info.filename.rsplit("/", 1)[-1].lower() == "vbaproject.bin":
                raise DomainError(
                    f"Tệp {label} chứa macro, không được chấp nhận.", code="archive_macro"
                )
            declared += info.file_size
        if declared > max_uncompressed:
            raise _bomb(label, max_uncompressed)
        if kind in _OOXML_ROOT and (
            "[content_types].xml" not in seen
            or not any(name.startswith(_OOXML_ROOT[kind]) for name in seen)
        ):
            raise _damaged(label)
        # Inflate every member in bounded chunks: zipfile stops at the declared size and checks
        # the CRC, so a member whose real size exceeds what it declares fails here, cheaply.
        inflated = 0
        for info in infos:
            if info.is_dir():
                continue
            try:
                with archive.open(info) as member:
                    while chunk := member.read(_CHUNK):
                        inflated += len(chunk)
                        if inflated > max_uncompressed:
                            raise _bomb(label, max_uncompressed)
            except DomainError:
                raise
            except Exception as exc:  # CRC mismatch, truncated data, name mismatch, zlib errors
                raise _damaged(label) from exc
    finally:
        archive.close()
        stream.seek(0)


def _bomb(label: str, limit: int) -> DomainError:
    return DomainError(
        f"Tệp {label} khi giải nén vượt quá {limit // (1024 * 1024)} MB (nghi là «bom nén»), "
        "không được chấp nhận.",
        code="zip_bomb",
    )


# --------------------------------------------------------------------------------------------
# Images (PNG, JPEG)
# --------------------------------------------------------------------------------------------


def image_size(data: bytes, extension: str) -> tuple[int, int] | None:
    """(width, height) read from a PNG or JPEG header, or None when the header is unreadable."""
    if extension == "png":
        if len(data) < 24 or data[12:16] != b"IHDR":
            return None
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    position = 2  # after SOI
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length
            position += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image / start of scan: no frame header before it
            return None
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if position + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return int(width), int(height)
        if length < 2:
            return None
        position += 2 + length
    return None


def _check_image(data: bytes, extension: str, stream: IO[bytes]) -> None:
    label = "ảnh " + extension.upper()
    size = image_size(data, extension)
    if size is None:
        raise _damaged(label)
    width, height = size
    if width <= 0 or height <= 0:
        raise _damaged(label)
    if width * height > MAX_IMAGE_PIXELS:
        raise DomainError(
            f"Ảnh có kích thước quá lớn ({width} × {height} điểm ảnh; tối đa "
            f"{MAX_IMAGE_PIXELS // 1_000_000} triệu điểm ảnh), không được chấp nhận.",
            code="image_too_large",
        )
    if (
        _HTML_MARKERS.search(data)
        or b"%PDF-" in data[:_PDF_HEADER_WINDOW]
        or b"<?php" in data
        or _is_zip(stream)
    ):
        raise _polyglot()


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------


def _decoded_name(raw: bytes) -> str:
    return _PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")


def _outside_streams(data: bytes) -> Iterator[bytes]:
    """The file without the data of its streams (images, fonts, compressed objects): what is
    left are the objects, stream dictionaries included."""
    position = 0
    for match in _PDF_STREAM.finditer(data):
        if match.start() < position:
            continue
        yield data[position : match.start()]
        end = data.find(b"endstream", match.end())
        if end < 0:
            return
        position = end + len(b"endstream")
    yield data[position:]


def _active_name(names: set[str]) -> bool:
    return not names.isdisjoint(PDF_ACTIVE_NAMES)


def _check_pdf(data: bytes, stream: IO[bytes]) -> None:
    start = data.find(b"%PDF-")
    if _HTML_MARKERS.search(data[: max(start, 0) + _PDF_HEADER_WINDOW]) or _is_zip(stream):
        raise _polyglot()
    names: set[str] = set()
    for text in _outside_streams(data):
        names.update(_decoded_name(m.group(1)) for m in _PDF_NAME.finditer(text))
    if _active_name(names):
        raise _active_pdf()
    if "ObjStm" in names or "Encrypt" in names:
        _check_pdf_objects(data)


def _check_pdf_objects(data: bytes) -> None:
    """Objects inside compressed object streams (and encrypted files), read with pypdf."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DomainError(
                "Tệp PDF được đặt mật khẩu, không kiểm tra được nội dung; vui lòng tải lên bản "
                "không đặt mật khẩu.",
                code="pdf_encrypted",
            )
        numbers = list(reader.xref_objStm)
    except DomainError:
        raise
    except Exception as exc:  # pypdf raises many types on damaged files
        raise _damaged("PDF") from exc

    def walk(value: Any, depth: int = 0) -> bool:
        if depth > 64:
            return False
        if isinstance(value, NameObject):
            return str(value)[1:] in PDF_ACTIVE_NAMES
        if isinstance(value, DictionaryObject):
            return any(
                str(key)[1:] in PDF_ACTIVE_NAMES or walk(item, depth + 1)
                for key, item in dict.items(value)
            )
        if isinstance(value, ArrayObject):
            return any(walk(item, depth + 1) for item in list.__iter__(value))
        return False

    for number in numbers:
        try:
            value = reader.get_object(number)
        except Exception as exc:
            raise _damaged("PDF") from exc
        if walk(value):
            raise _active_pdf()


def _active_pdf() -> DomainError:
    return DomainError(
        "Tệp PDF chứa mã lệnh tự chạy (JavaScript, lệnh mở chương trình) hoặc tệp nhúng bên "
        "trong, không được chấp nhận. Vui lòng in lại thành PDF thông thường rồi tải lên.",
        code="pdf_active_content",
    )
