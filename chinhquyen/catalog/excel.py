"""Excel import and export of the procedure catalogue (openpyxl).

One workbook, four sheets (column order is free: columns are found by their header):

- ``ThuTuc``: one row per procedure (identity and version fields),
- ``PhiLePhi``: fees by case, ``ThanhPhanHoSo``: required papers, ``QuyTrinh``: process steps,
  each row naming its procedure by ``Mã thủ tục``.

Import creates or updates **draft** versions (upsert by procedure code), optionally publishes
them, and is all-or-nothing: any error rolls everything back and every error is reported as
"Sheet QuyTrinh, dòng 7: ...". Procedures whose content equals the version in force (and that
have no draft) are left alone, so importing the same file twice changes nothing. Export writes
the published catalogue in force in the same format, so it round-trips.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chinhquyen.accounts.models import Role
from chinhquyen.core.api import DomainError
from chinhquyen.core.text import normalize_search
from chinhquyen.orgs.models import Organisation, OrganisationKind
from chinhquyen.orgs.validators import AGENCY_CODE_RE

from .models import (
    FeeKind,
    Field,
    OnlineLevel,
    Procedure,
    ProcedureLevel,
    ProcedureVersion,
    ResultType,
    TimeUnit,
    VersionStatus,
)
from .selectors import procedure_version_current
from .services import (
    field_upsert,
    procedure_create,
    procedure_update,
    version_create_draft,
    version_publish,
    version_save_draft,
)
from .validators import validate_xlsx_upload

SHEET_PROCEDURES = "ThuTuc"
SHEET_FEES = "PhiLePhi"
SHEET_PAPERS = "ThanhPhanHoSo"
SHEET_STEPS = "QuyTrinh"
MAX_ROWS = 5000

# (header, key, required column)
PROCEDURE_COLUMNS: list[tuple[str, str, bool]] = [
    ("Mã thủ tục", "code", True),
    ("Tên thủ tục", "name", True),
    ("Mã lĩnh vực", "field_code", True),
    ("Tên lĩnh vực", "field_name", False),
    ("Cấp thực hiện", "level", True),
    ("Mức độ trực tuyến", "online_level", True),
    ("Thời hạn giải quyết", "processing_time", True),
    ("Đơn vị thời hạn", "processing_time_unit", True),
    ("Ghi chú thời hạn", "processing_time_note", False),
    ("Cơ quan có thẩm quyền", "competent_organisations", False),
    ("Mọi UBND cấp xã", "competent_all_communes", False),
    ("Mô tả cơ quan thực hiện", "competent_description", False),
    ("Đối tượng thực hiện", "applicants", False),
    ("Loại kết quả", "result_type", False),
    ("Tên kết quả", "result_name", False),
    ("Căn cứ pháp lý", "legal_basis", False),
    ("Mô tả", "description", False),
    ("Yêu cầu, điều kiện", "conditions", False),
    ("Trình tự thực hiện", "implementing_steps", False),
    ("Không yêu cầu thành phần hồ sơ", "no_papers_required", False),
    ("Biểu mẫu (JSON Schema)", "form_schema", False),
]
FEE_COLUMNS: list[tuple[str, str, bool]] = [
    ("Mã thủ tục", "code", True),
    ("STT", "order", False),
    ("Loại", "kind", True),
    ("Trường hợp áp dụng", "case_description", False),
    ("Mức thu (đồng)", "amount", True),
    ("Ghi chú", "note", False),
]
PAPER_COLUMNS: list[tuple[str, str, bool]] = [
    ("Mã thủ tục", "code", True),
    ("STT", "order", False),
    ("Tên giấy tờ", "name", True),
    ("Bản chính", "original_count", False),
    ("Bản sao chứng thực", "certified_copy_count", False),
    ("Bản photocopy", "photocopy_count", False),
    ("Bắt buộc", "required", False),
    ("Ghi chú", "note", False),
]
STEP_COLUMNS: list[tuple[str, str, bool]] = [
    ("Mã thủ tục", "code", True),
    ("STT", "order", False),
    ("Tên bước", "name", True),
    ("Đơn vị thực hiện", "responsible_unit", False),
    ("Loại đơn vị", "responsible_unit_kind", False),
    ("Vai trò", "responsible_role", False),
    ("Thời gian (giờ làm việc)", "allotted_hours", True),
    ("Liên thông", "is_external", False),
    ("Cơ quan liên thông", "external_organisation", False),
    ("Tên cơ quan liên thông", "external_organisation_name", False),
]
SHEETS: list[tuple[str, list[tuple[str, str, bool]]]] = [
    (SHEET_PROCEDURES, PROCEDURE_COLUMNS),
    (SHEET_FEES, FEE_COLUMNS),
    (SHEET_PAPERS, PAPER_COLUMNS),
    (SHEET_STEPS, STEP_COLUMNS),
]

_TRUE = {"co", "x", "1", "true", "dung", "yes"}
_FALSE = {"khong", "0", "false", "sai", "no", ""}
_ONLINE_ALIASES = {
    "toan trinh": OnlineLevel.FULL,
    "mot phan": OnlineLevel.PARTIAL,
    "khong": OnlineLevel.NONE,
}


class ImportFailed(Exception):
    """The workbook was rejected; ``errors`` are Vietnamese lines, nothing was written."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)


@dataclass
class _Row:
    sheet: str
    number: int
    values: dict[str, Any]


@dataclass
class _ProcedureRows:
    head: _Row
    fees: list[_Row] = field(default_factory=list)
    papers: list[_Row] = field(default_factory=list)
    steps: list[_Row] = field(default_factory=list)


def _where(sheet: str, number: int | None = None) -> str:
    return f"Sheet {sheet}, dòng {number}" if number else f"Sheet {sheet}"


# --------------------------------------------------------------------------------------------
# Cell conversions
# --------------------------------------------------------------------------------------------


class _CellError(ValueError):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()) if not isinstance(value, str) else value.strip()


def _bool(value: Any, label: str) -> bool:
    if isinstance(value, bool):
        return value
    key = normalize_search(_text(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise _CellError(f"«{label}» phải là Có hoặc Không.")


def _int(value: Any, label: str, *, minimum: int = 0) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise _CellError(f"«{label}» phải là số nguyên.")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = re.sub(r"[\s.]", "", _text(value)) if isinstance(value, str) else ""
        if not re.fullmatch(r"-?\d{1,15}", text):
            raise _CellError(f"«{label}» phải là số nguyên.")
        number = int(text)
    if number < minimum:
        raise _CellError(f"«{label}» không được nhỏ hơn {minimum}.")
    return number


def _decimal(value: Any, label: str) -> Decimal:
    if value is None or value == "":
        raise _CellError(f"Thiếu «{label}».")
    if isinstance(value, bool):
        raise _CellError(f"«{label}» phải là số.")
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise _CellError(f"«{label}» phải là số.") from None
    if not number.is_finite() or number < 0:
        raise _CellError(f"«{label}» phải là số không âm.")
    return number.quantize(Decimal("0.01"))


def _choice(value: Any, label: str, choices: Any, aliases: Mapping[str, Any] | None = None) -> Any:
    key = normalize_search(_text(value))
    if aliases and key in aliases:
        return aliases[key]
    for choice_value, choice_label in choices.choices:
        if key in (normalize_search(str(choice_value)), normalize_search(str(choice_label))):
            return choice_value
    allowed = ", ".join(str(lbl) for _, lbl in choices.choices)
    raise _CellError(f"«{label}» không hợp lệ: «{_text(value)}» (chọn một trong: {allowed}).")


class _OrgResolver:
    """Organisations by agency code, or by exact (accent-insensitive) name when unique."""

    def __init__(self) -> None:
        self._cache: dict[str, Organisation] = {}

    def __call__(self, value: Any, label: str) -> Organisation | None:
        text = _text(value)
        if not text:
            return None
        if text in self._cache:
            return self._cache[text]
        if AGENCY_CODE_RE.match(text.upper()):
            org = Organisation.objects.filter(agency_code=text.upper()).first()
            if org is None:
                raise _CellError(f"«{label}»: không có cơ quan mang mã định danh {text}.")
        else:
            matches = list(Organisation.objects.filter(search_text=normalize_search(text))[:2])
            if not matches:
                matches = [
                    o
                    for o in Organisation.objects.filter(name__iexact=text)[:2]
                    if normalize_search(o.name) == normalize_search(text)
                ]
            if not matches:
                raise _CellError(f"«{label}»: không tìm thấy cơ quan «{text}».")
            if len(matches) > 1:
                raise _CellError(
                    f"«{label}»: có nhiều cơ quan tên «{text}», hãy dùng mã định danh."
                )
            org = matches[0]
        self._cache[text] = org
        return org


def _org_ref(org: Organisation | None) -> str:
    if org is None:
        return ""
    return org.agency_code or org.name


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def _read_sheet(
    workbook: Any, sheet: str, columns: list[tuple[str, str, bool]], errors: list[str]
) -> list[_Row]:
    if sheet not in workbook.sheetnames:
        if sheet == SHEET_PROCEDURES:
            errors.append(f"Thiếu sheet {sheet}.")
        return []
    rows = workbook[sheet].iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return []
    index: dict[str, int] = {}
    wanted = {normalize_search(h): key for h, key, _ in columns}
    for position, cell in enumerate(header):
        key = wanted.get(normalize_search(_text(cell)))
        if key and key not in index:
            index[key] = position
    missing = [h for h, key, required in columns if required and key not in index]
    if missing:
        errors.append(f"{_where(sheet)}: thiếu cột {', '.join(f'«{m}»' for m in missing)}.")
        return []
    out: list[_Row] = []
    for number, raw in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            errors.append(f"{_where(sheet)}: quá {MAX_ROWS} dòng dữ liệu.")
            break
        values = {key: (raw[pos] if pos < len(raw) else None) for key, pos in index.items()}
        if all(v is None or _text(v) == "" for v in values.values()):
            continue
        out.append(_Row(sheet, number, values))
    return out


def _open_workbook(upload: Any) -> Any:
    from openpyxl import load_workbook  # loaded with the first import, not at start-up
    from openpyxl.utils.exceptions import InvalidFileException

    validate_xlsx_upload(upload)
    stream = getattr(upload, "file", None) or upload
    if hasattr(stream, "seek"):
        stream.seek(0)
    try:
        return load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValidationError("Không đọc được tệp Excel: tệp hỏng hoặc sai định dạng.") from exc


# --------------------------------------------------------------------------------------------
# Parsing rows into service arguments
# --------------------------------------------------------------------------------------------


@dataclass
class _Parsed:
    code: str
    head: _Row
    field_code: str
    field_name: str
    level: str
    data: dict[str, Any]
    competent: list[Organisation]
    fees: list[dict[str, Any]]
    papers: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    row_numbers: dict[str, list[int]] = field(default_factory=dict)


def _parse_row(
    row: _Row,
    parsers: Mapping[str, Callable[[Any], Any]],
    errors: list[str],
) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    failed = False
    for key, parse in parsers.items():
        try:
            out[key] = parse(row.values.get(key))
        except _CellError as exc:
            errors.append(f"{_where(row.sheet, row.number)}: {exc}")
            failed = True
    return None if failed else out


def _required_text(label: str, max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _text(value)
        if not text:
            raise _CellError(f"Thiếu «{label}».")
        if len(text) > max_length:
            raise _CellError(f"«{label}» dài quá {max_length} ký tự.")
        return text

    return parse


def _optional_text(label: str, max_length: int | None = None) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _text(value) if not isinstance(value, str) else value.strip()
        if max_length is not None and len(text) > max_length:
            raise _CellError(f"«{label}» dài quá {max_length} ký tự.")
        return text

    return parse


def _schema(value: Any) -> dict[str, Any]:
    text = _text(value) if not isinstance(value, str) else value.strip()
    if not text:
        return {}
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _CellError(f"«Biểu mẫu (JSON Schema)» không phải JSON hợp lệ ({exc.msg}).") from None
    if not isinstance(schema, dict):
        raise _CellError("«Biểu mẫu (JSON Schema)» phải là một đối tượng JSON.")
    return schema


def _parse_workbook(workbook: Any, errors: list[str]) -> list[_Parsed]:
    resolve = _OrgResolver()
    sheets = {name: _read_sheet(workbook, name, cols, errors) for name, cols in SHEETS}
    if errors:
        return []

    grouped: dict[str, _ProcedureRows] = {}
    for row in sheets[SHEET_PROCEDURES]:
        code = _text(row.values.get("code"))
        if not code:
            errors.append(f"{_where(row.sheet, row.number)}: thiếu «Mã thủ tục».")
            continue
        if code in grouped:
            first = grouped[code].head.number
            errors.append(
                f"{_where(row.sheet, row.number)}: mã thủ tục {code} trùng với dòng {first}."
            )
            continue
        grouped[code] = _ProcedureRows(head=row)
    for sheet, attr in ((SHEET_FEES, "fees"), (SHEET_PAPERS, "papers"), (SHEET_STEPS, "steps")):
        for row in sheets[sheet]:
            code = _text(row.values.get("code"))
            if code not in grouped:
                errors.append(
                    f"{_where(sheet, row.number)}: mã thủ tục «{code}» không có trong sheet "
                    f"{SHEET_PROCEDURES}."
                )
                continue
            getattr(grouped[code], attr).append(row)

    head_parsers: dict[str, Callable[[Any], Any]] = {
        "name": _required_text("Tên thủ tục", 500),
        "field_code": _required_text("Mã lĩnh vực", 30),
        "field_name": _optional_text("Tên lĩnh vực", 255),
        "level": lambda v: _choice(v, "Cấp thực hiện", ProcedureLevel),
        "online_level": lambda v: _choice(v, "Mức độ trực tuyến", OnlineLevel, _ONLINE_ALIASES),
        "processing_time": lambda v: _decimal(v, "Thời hạn giải quyết"),
        "processing_time_unit": lambda v: _choice(v, "Đơn vị thời hạn", TimeUnit),
        "processing_time_note": _optional_text("Ghi chú thời hạn", 500),
        "competent_organisations": lambda v: [
            org
            for part in re.split(r"[;\n]", _text(v) if not isinstance(v, str) else v)
            if part.strip()
            for org in [resolve(part.strip(), "Cơ quan có thẩm quyền")]
            if org is not None
        ],
        "competent_all_communes": lambda v: _bool(v, "Mọi UBND cấp xã"),
        "competent_description": _optional_text("Mô tả cơ quan thực hiện", 500),
        "applicants": _optional_text("Đối tượng thực hiện", 255),
        "result_type": lambda v: (
            _choice(v, "Loại kết quả", ResultType) if _text(v) else ResultType.OTHER
        ),
        "result_name": _optional_text("Tên kết quả", 500),
        "legal_basis": _optional_text("Căn cứ pháp lý"),
        "description": _optional_text("Mô tả"),
        "conditions": _optional_text("Yêu cầu, điều kiện"),
        "implementing_steps": _optional_text("Trình tự thực hiện"),
        "no_papers_required": lambda v: _bool(v, "Không yêu cầu thành phần hồ sơ"),
        "form_schema": _schema,
    }
    fee_parsers: dict[str, Callable[[Any], Any]] = {
        "order": lambda v: _int(v, "STT"),
        "kind": lambda v: _choice(v, "Loại", FeeKind),
        "case_description": _optional_text("Trường hợp áp dụng", 500),
        "amount": lambda v: _int(v, "Mức thu (đồng)"),
        "note": _optional_text("Ghi chú", 500),
    }
    paper_parsers: dict[str, Callable[[Any], Any]] = {
        "order": lambda v: _int(v, "STT"),
        "name": _required_text("Tên giấy tờ", 1000),
        "original_count": lambda v: _int(v, "Bản chính"),
        "certified_copy_count": lambda v: _int(v, "Bản sao chứng thực"),
        "photocopy_count": lambda v: _int(v, "Bản photocopy"),
        "required": lambda v: True if v is None or _text(v) == "" else _bool(v, "Bắt buộc"),
        "note": _optional_text("Ghi chú", 1000),
    }
    step_parsers: dict[str, Callable[[Any], Any]] = {
        "order": lambda v: _int(v, "STT"),
        "name": _required_text("Tên bước", 500),
        "responsible_unit": lambda v: resolve(v, "Đơn vị thực hiện"),
        "responsible_unit_kind": lambda v: (
            _choice(v, "Loại đơn vị", OrganisationKind) if _text(v) else ""
        ),
        "responsible_role": lambda v: _choice(v, "Vai trò", Role) if _text(v) else "",
        "allotted_hours": lambda v: _decimal(v, "Thời gian (giờ làm việc)"),
        "is_external": lambda v: _bool(v, "Liên thông"),
        "external_organisation": lambda v: resolve(v, "Cơ quan liên thông"),
        "external_organisation_name": _optional_text("Tên cơ quan liên thông", 255),
    }

    parsed: list[_Parsed] = []
    for code, rows in grouped.items():
        head = _parse_row(rows.head, head_parsers, errors)
        fees = [_parse_row(r, fee_parsers, errors) for r in rows.fees]
        papers = [_parse_row(r, paper_parsers, errors) for r in rows.papers]
        steps = [_parse_row(r, step_parsers, errors) for r in rows.steps]
        if head is None or None in fees or None in papers or None in steps:
            continue
        data = {
            k: v
            for k, v in head.items()
            if k not in ("field_code", "field_name", "level", "competent_organisations")
        }
        parsed.append(
            _Parsed(
                code=code,
                head=rows.head,
                field_code=head["field_code"],
                field_name=head["field_name"],
                level=head["level"],
                data=data,
                competent=head["competent_organisations"],
                fees=[f for f in fees if f is not None],
                papers=[p for p in papers if p is not None],
                steps=[s for s in steps if s is not None],
                row_numbers={
                    "fees": [r.number for r in rows.fees],
                    "papers": [r.number for r in rows.papers],
                    "steps": [r.number for r in rows.steps],
                },
            )
        )
    return parsed


# --------------------------------------------------------------------------------------------
# Comparing with what is in force (for idempotent imports)
# --------------------------------------------------------------------------------------------


def version_snapshot(version: ProcedureVersion) -> dict[str, Any]:
    """A comparable picture of a version's content (what the workbook carries)."""
    from .services import VERSION_FIELDS

    def norm(value: Any) -> Any:
        if isinstance(value, Decimal):
            return value.quantize(Decimal("0.01"))
        return value

    return {
        "field": version.procedure.field.code,
        "level": version.procedure.level,
        "data": {k: norm(getattr(version, k)) for k in sorted(VERSION_FIELDS)},
        "competent": sorted(version.competent_organisations.values_list("pk", flat=True)),
        "fees": [
            (f.order, f.kind, f.case_description, f.amount, f.note)
            for f in version.fees.order_by("order", "pk")
        ],
        "papers": [
            (
                p.order,
                p.name,
                p.original_count,
                p.certified_copy_count,
                p.photocopy_count,
                p.required,
                p.note,
            )
            for p in version.papers.order_by("order", "pk")
        ],
        "steps": [
            (
                s.order,
                s.name,
                s.responsible_unit_id,
                s.responsible_unit_kind,
                s.responsible_role,
                Decimal(s.allotted_hours).quantize(Decimal("0.01")),
                s.is_external,
                s.external_organisation_id,
                s.external_organisation_name,
            )
            for s in version.steps.order_by("order", "pk")
        ],
    }


def spec_snapshot(
    *,
    field_code: str,
    level: str,
    data: Mapping[str, Any],
    competent: list[Organisation],
    fees: Sequence[Mapping[str, Any]],
    papers: Sequence[Mapping[str, Any]],
    steps: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """The same picture built from import/demo data (rows ordered and numbered as saved)."""
    from .services import VERSION_FIELDS

    defaults = {
        name: ProcedureVersion._meta.get_field(name).get_default()  # type: ignore[union-attr]
        for name in VERSION_FIELDS
    }
    merged = {**defaults, **data}

    def norm(key: str, value: Any) -> Any:
        if key == "processing_time":
            return Decimal(str(value)).quantize(Decimal("0.01"))
        if key == "name":
            return " ".join(str(value).split())
        return value

    def numbered(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for index, row in enumerate(rows):
            item = dict(row)
            if not item.get("order"):
                item["order"] = index + 1
            out.append(item)
        return sorted(out, key=lambda r: r["order"])

    def clean(value: Any) -> str:
        return " ".join(str(value or "").split())

    return {
        "field": field_code,
        "level": level,
        "data": {k: norm(k, merged[k]) for k in sorted(VERSION_FIELDS)},
        "competent": sorted(o.pk for o in competent),
        "fees": [
            (
                f["order"],
                f.get("kind", FeeKind.FEE),
                clean(f.get("case_description")),
                f["amount"],
                clean(f.get("note")),
            )
            for f in numbered(fees)
        ],
        "papers": [
            (
                p["order"],
                clean(p["name"]),
                p.get("original_count", 0),
                p.get("certified_copy_count", 0),
                p.get("photocopy_count", 0),
                p.get("required", True),
                clean(p.get("note")),
            )
            for p in numbered(papers)
        ],
        "steps": [
            (
                s["order"],
                clean(s["name"]),
                s["responsible_unit"].pk if s.get("responsible_unit") else None,
                s.get("responsible_unit_kind", ""),
                s.get("responsible_role", ""),
                Decimal(str(s["allotted_hours"])).quantize(Decimal("0.01")),
                s.get("is_external", False),
                s["external_organisation"].pk if s.get("external_organisation") else None,
                (s.get("external_organisation_name") or "").strip(),
            )
            for s in numbered(steps)
        ],
    }


# --------------------------------------------------------------------------------------------
# Applying (shared with the demo loader)
# --------------------------------------------------------------------------------------------


def upsert_procedure(
    *,
    actor: object | None,
    code: str,
    field_code: str,
    field_name: str,
    level: str,
    data: dict[str, Any],
    competent: list[Organisation],
    fees: list[dict[str, Any]],
    papers: list[dict[str, Any]],
    steps: list[dict[str, Any]],
    publish: bool = False,
    valid_from: dt.date | None = None,
) -> str:
    """Create or update the draft of procedure ``code`` (and publish it when asked).

    Returns "created", "updated", "unchanged" (same content as the version in force and no
    draft) — raises ``ValidationError`` (keys as ``version_save_draft``) or ``DomainError``.
    """
    field_obj = Field.objects.filter(code=field_code).first()
    if field_obj is None or (field_name and field_obj.name != field_name):
        if field_obj is None and not field_name:
            raise ValidationError(
                {"version": [f"Lĩnh vực {field_code} chưa có: cần «Tên lĩnh vực»."]}
            )
        field_obj = field_upsert(actor=actor, code=field_code, name=field_name)

    procedure = Procedure.objects.filter(code=code).first()
    outcome = "updated"
    if procedure is None:
        procedure = procedure_create(
            actor=actor, code=code, field=field_obj, level=level, name=data["name"]
        )
        outcome = "created"
    else:
        draft = procedure.versions.filter(status=VersionStatus.DRAFT).first()
        current = procedure_version_current(procedure)
        wanted = spec_snapshot(
            field_code=field_code,
            level=level,
            data=data,
            competent=competent,
            fees=fees,
            papers=papers,
            steps=steps,
        )
        if draft is None and current is not None and version_snapshot(current) == wanted:
            return "unchanged"
        if procedure.field_id != field_obj.pk or procedure.level != level:
            procedure_update(
                actor=actor, procedure=procedure, data={"field": field_obj, "level": level}
            )
    draft = procedure.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        draft = version_create_draft(actor=actor, procedure=procedure)
    # Keep the blank templates of papers that keep their name.
    existing = {normalize_search(p.name): p.pk for p in draft.papers.all()}
    paper_rows = []
    for row in papers:
        item = dict(row)
        pk = existing.pop(normalize_search(item["name"]), None)
        if pk is not None:
            item["id"] = pk
        paper_rows.append(item)
    draft = version_save_draft(
        actor=actor,
        version=draft,
        data=data,
        competent_organisations=competent,
        fees=fees,
        papers=paper_rows,
        steps=steps,
    )
    if publish:
        version_publish(actor=actor, version=draft, valid_from=valid_from)
    return outcome


def _locate(error_key: str, item: _Parsed) -> str:
    """Turn a service error key (``steps.2``) into "Sheet QuyTrinh, dòng 9"."""
    collection, _, index = error_key.partition(".")
    sheets = {"fees": SHEET_FEES, "papers": SHEET_PAPERS, "steps": SHEET_STEPS}
    numbers = item.row_numbers.get(collection, [])
    if collection in sheets and index.isdigit() and int(index) < len(numbers):
        return _where(sheets[collection], numbers[int(index)])
    if collection == "steps" and numbers:
        return _where(SHEET_STEPS, numbers[0])
    return _where(SHEET_PROCEDURES, item.head.number)


def import_catalog(
    upload: Any,
    *,
    actor: object | None,
    publish: bool = False,
    valid_from: dt.date | None = None,
) -> ImportResult:
    """Import a workbook (an uploaded file or a binary stream). All or nothing.

    Raises ``ValidationError`` for a file that is not an acceptable .xlsx and ``ImportFailed``
    (with every error, Vietnamese, located by sheet and row) when any row is rejected.
    """
    workbook = _open_workbook(upload)
    errors: list[str] = []
    try:
        items = _parse_workbook(workbook, errors)
    finally:
        workbook.close()
    if errors:
        raise ImportFailed(errors)

    result = ImportResult()
    with transaction.atomic():
        for item in items:
            try:
                outcome = upsert_procedure(
                    actor=actor,
                    code=item.code,
                    field_code=item.field_code,
                    field_name=item.field_name,
                    level=item.level,
                    data=item.data,
                    competent=item.competent,
                    fees=item.fees,
                    papers=item.papers,
                    steps=item.steps,
                    publish=publish,
                    valid_from=valid_from,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for key, messages in exc.message_dict.items():
                        for message in messages:
                            errors.append(f"{_locate(key, item)}: {message}")
                else:
                    for message in exc.messages:
                        errors.append(f"{_where(SHEET_PROCEDURES, item.head.number)}: {message}")
                continue
            except DomainError as exc:
                errors.append(f"{_where(SHEET_PROCEDURES, item.head.number)}: {exc.detail}")
                continue
            getattr(result, outcome).append(item.code)
            if publish and outcome != "unchanged":
                result.published.append(item.code)
        if errors:
            raise ImportFailed(errors)
    return result


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------


def _yes(value: bool) -> str:
    return "Có" if value else "Không"


def export_catalog(*, on: dt.date | None = None) -> bytes:
    """The published catalogue in force on ``on`` (today) as an .xlsx workbook."""
    from openpyxl import Workbook  # loaded with the first export, not at start-up
    from openpyxl.styles import Alignment, Font

    from .selectors import _with_details

    versions = list(
        _with_details(ProcedureVersion.objects.valid_on(on or timezone.localdate())).order_by(
            "procedure__code"
        )
    )
    workbook = Workbook()
    sheets = {}
    for position, (name, columns) in enumerate(SHEETS):
        sheet = workbook.active if position == 0 else workbook.create_sheet()
        assert sheet is not None
        sheet.title = name
        sheet.append([header for header, _, _ in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
        sheets[name] = sheet

    for v in versions:
        p = v.procedure
        sheets[SHEET_PROCEDURES].append(
            [
                p.code,
                v.name,
                p.field.code,
                p.field.name,
                p.get_level_display(),
                v.get_online_level_display(),
                float(v.processing_time),
                v.get_processing_time_unit_display(),
                v.processing_time_note,
                "; ".join(_org_ref(o) for o in v.competent_organisations.all()),
                _yes(v.competent_all_communes),
                v.competent_description,
                v.applicants,
                v.get_result_type_display(),
                v.result_name,
                v.legal_basis,
                v.description,
                v.conditions,
                v.implementing_steps,
                _yes(v.no_papers_required),
                json.dumps(v.form_schema, ensure_ascii=False) if v.form_schema else "",
            ]
        )
        for f in v.fees.all():
            sheets[SHEET_FEES].append(
                [p.code, f.order, f.get_kind_display(), f.case_description, f.amount, f.note]
            )
        for paper in v.papers.all():
            sheets[SHEET_PAPERS].append(
                [
                    p.code,
                    paper.order,
                    paper.name,
                    paper.original_count,
                    paper.certified_copy_count,
                    paper.photocopy_count,
                    _yes(paper.required),
                    paper.note,
                ]
            )
        for s in v.steps.all():
            sheets[SHEET_STEPS].append(
                [
                    p.code,
                    s.order,
                    s.name,
                    _org_ref(s.responsible_unit),
                    s.get_responsible_unit_kind_display() if s.responsible_unit_kind else "",
                    s.get_responsible_role_display() if s.responsible_role else "",
                    float(s.allotted_hours),
                    _yes(s.is_external),
                    _org_ref(s.external_organisation),
                    s.external_organisation_name,
                ]
            )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
