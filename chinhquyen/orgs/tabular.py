"""Reading and writing organisation spreadsheets (CSV or Excel .xlsx), no business rules.

Files come from users, so they are checked by content (not by name or declared type), by size
and by row count before anything is parsed, and zip archives are checked for their declared
uncompressed size (an .xlsx is a zip) so a small file cannot expand into gigabytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from chinhquyen.core import uploads
from chinhquyen.core.api import DomainError
from chinhquyen.core.text import normalize_search

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_COLUMNS = 50

COLUMNS: tuple[str, ...] = (
    "ma_dinh_danh",
    "ten",
    "ten_viet_tat",
    "loai",
    "ma_don_vi_cap_tren",
    "ma_hanh_chinh",
    "hieu_luc_tu",
    "hieu_luc_den",
    "dia_chi",
    "dien_thoai",
    "email",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("ma_dinh_danh", "ten", "loai")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Signatures of common files that are certainly not CSV (checked before decoding as text).
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),
    (b"%PDF", "pdf"),
    (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf", "7z"),
    (b"MZ", "exe"),
    (b"\x7fELF", "elf"),
)


class TabularError(Exception):
    """The file as a whole cannot be read; ``message`` is Vietnamese, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Sheet:
    """Data rows keyed by normalised column name; ``line`` is the spreadsheet row number."""

    kind: str  # "csv" or "xlsx"
    columns: tuple[str, ...]
    rows: list[tuple[int, dict[str, Any]]]


def column_key(header: object) -> str:
    """'Mã định danh' / 'MA_DINH_DANH' / 'ma dinh danh' -> 'ma_dinh_danh'."""
    text = normalize_search(str(header) if header is not None else "")
    return "_".join(text.replace("-", " ").replace("_", " ").split())


def read_upload(file: IO[bytes] | Any) -> bytes:
    """Read at most MAX_FILE_BYTES + 1 bytes; refuse larger files without reading them."""
    size = getattr(file, "size", None)
    if isinstance(size, int) and size > MAX_FILE_BYTES:
        raise TabularError(_too_big())
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_FILE_BYTES + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        raise TabularError(_too_big())
    return bytes(data)


def _too_big() -> str:
    return f"Tệp quá lớn: tối đa {MAX_FILE_BYTES // (1024 * 1024)} MB."


def _not_tabular() -> str:
    return "Tệp không phải CSV hoặc Excel (.xlsx): hãy tải lên tệp .csv (UTF-8) hoặc .xlsx."


def _too_many_rows() -> str:
    return f"Tệp có quá nhiều dòng: tối đa {MAX_ROWS:,} dòng dữ liệu.".replace(",", ".")


def read_sheet(data: bytes) -> Sheet:
    """Detect the format by content and return the rows. Raises ``TabularError``."""
    if not data.strip():
        raise TabularError("Tệp rỗng, không có dữ liệu.")
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    for signature, name in _BINARY_SIGNATURES:
        if data.startswith(signature):
            if name == "xls":
                raise TabularError(
                    "Định dạng Excel cũ (.xls) không được hỗ trợ: "
                    "hãy lưu lại thành .xlsx hoặc .csv."
                )
            raise TabularError(_not_tabular())
    return _read_csv(data)


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise TabularError(_not_tabular())
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Vietnamese Windows exports: cp1258 decodes almost anything, so demand text-like bytes.
        try:
            text = data.decode("cp1258")
        except UnicodeDecodeError as err:
            raise TabularError(_not_tabular()) from err
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
        raise TabularError(_not_tabular())
    return text


def _read_csv(data: bytes) -> Sheet:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _collect("csv", reader)
    except csv.Error as err:
        raise TabularError(_not_tabular()) from err


def _read_xlsx(data: bytes) -> Sheet:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                raise TabularError(_not_tabular())
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNCOMPRESSED:
                raise TabularError("Tệp Excel quá lớn khi giải nén.")
    except zipfile.BadZipFile as err:
        raise TabularError(_not_tabular()) from err
    # Zip-slip names, sizes that lie, encrypted members, macros: refused before openpyxl reads.
    try:
        uploads.check_archive(data, kind="xlsx", max_uncompressed=MAX_XLSX_UNCOMPRESSED)
    except DomainError as err:
        raise TabularError(str(err.detail)) from err

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types for damaged files
        raise TabularError(
            "Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng."
        ) from err
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise TabularError("Tệp Excel không có trang tính nào.")
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        return _collect("xlsx", rows)
    finally:
        workbook.close()


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _collect(kind: str, rows: Iterable[Sequence[Any]]) -> Sheet:
    iterator: Iterator[Sequence[Any]] = iter(rows)
    header: list[str] | None = None
    line = 0
    for raw in iterator:
        line += 1
        if raw and not all(_blank(v) for v in raw):
            header = [column_key(v) for v in raw[:MAX_COLUMNS]]
            break
    if header is None:
        raise TabularError("Tệp rỗng, không có dữ liệu.")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise TabularError(
            "Thiếu cột bắt buộc: "
            + ", ".join(missing)
            + ". Dòng tiêu đề cần có các cột: "
            + ", ".join(COLUMNS)
            + "."
        )
    positions = {name: i for i, name in reversed(list(enumerate(header))) if name in COLUMNS}
    data: list[tuple[int, dict[str, Any]]] = []
    for raw in iterator:
        line += 1
        if not raw or all(_blank(v) for v in raw):
            continue
        if len(data) >= MAX_ROWS:
            raise TabularError(_too_many_rows())
        record = {name: (raw[i] if i < len(raw) else None) for name, i in positions.items()}
        data.append((line, record))
    return Sheet(kind=kind, columns=tuple(positions), rows=data)


# --- writing ---------------------------------------------------------------------------------


def write_xlsx(rows: Iterable[Sequence[object]], *, title: str = "Co quan don vi") -> bytes:
    """An .xlsx with the standard header row and ``rows`` (values in COLUMNS order).

    Strings are always written as text: a name such as ``=HYPERLINK(...)`` stays text (no
    formula injection) and codes such as "01" or "0912..." keep their leading zeros.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    widths = {"ten": 60, "dia_chi": 40, "loai": 30, "ma_dinh_danh": 18, "ma_don_vi_cap_tren": 18}
    for index, name in enumerate(COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = widths.get(name, 16)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value: object, *, header: bool = False) -> Cell:
        out: Cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
        if isinstance(value, str):
            out.data_type = "s"
        elif isinstance(value, dt.date):
            out.number_format = "DD/MM/YYYY"
        if header:
            out.font = bold
        return out

    sheet.append([cell(name, header=True) for name in COLUMNS])
    for values in rows:
        sheet.append([cell(value) for value in values])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
