"""Writes to the organisation tree. Every write is keyword-only, typed, one transaction, and
attributed to its actor in the audit log.

Tree invariants kept here (and only here): ``path`` is the parent's path plus "<pk>/",
``depth`` is the number of ancestors, ``search_text`` is the normalised name/code; a unit can
never become its own ancestor; predecessor/successor links never form a cycle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError, Value
from django.db.models.functions import Concat, Substr

from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor
from chinhquyen.core.text import normalize_search

from . import tabular
from .models import Organisation, OrganisationKind
from .validators import normalize_agency_code, validate_agency_code

PATH_MAX_LENGTH = Organisation._meta.get_field("path").max_length or 255

# Fields organisation_update accepts (``parent`` moves the unit, see organisation_move).
UPDATABLE_FIELDS: frozenset[str] = frozenset(
    {
        "name",
        "short_name",
        "kind",
        "agency_code",
        "administrative_code",
        "address",
        "phone",
        "email",
        "valid_from",
        "valid_to",
        "parent",
    }
)

# Called with an organisation the actor wants to change or place something under (None: the
# root of the tree); returns whether the actor may. Callers pass an authorization predicate.
Authorize = Callable[[Organisation | None], bool]


def _place(org: Organisation, parent: Organisation | None) -> None:
    org.parent = parent
    org.depth = parent.depth + 1 if parent else 0


def _check_path_length(parent: Organisation | None) -> None:
    base = len(parent.path) if parent else 1
    # room for this node's own "<pk>/" segment (assume up to 12 digits)
    if base + 13 > PATH_MAX_LENGTH:
        raise DomainError(
            "Cây tổ chức quá sâu: không thể đặt đơn vị ở cấp này.", code="tree_too_deep"
        )


def _insert(org: Organisation, parent: Organisation | None) -> Organisation:
    """Save a new organisation and give it its path (needs the primary key)."""
    _check_path_length(parent)
    _place(org, parent)
    org.refresh_search_text()
    org.save()
    org.path = (parent.path if parent else "/") + f"{org.pk}/"
    Organisation.objects.filter(pk=org.pk).update(path=org.path)
    return org


@transaction.atomic
def organisation_create(
    *,
    actor: object | None,
    name: str,
    kind: str,
    parent: Organisation | None = None,
    agency_code: str = "",
    short_name: str = "",
    administrative_code: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    address: str = "",
    phone: str = "",
    email: str = "",
) -> Organisation:
    with audit_actor(actor):
        if parent is not None:
            parent = _locked(parent)  # its current path, and no concurrent move
        org = Organisation(
            name=name.strip(),
            kind=kind,
            agency_code=normalize_agency_code(agency_code),
            short_name=short_name.strip(),
            administrative_code=administrative_code.strip(),
            valid_from=valid_from,
            valid_to=valid_to,
            address=address.strip(),
            phone=phone.strip(),
            email=email.strip(),
        )
        _place(org, parent)
        org.refresh_search_text()
        org.full_clean(exclude=["path"])
        return _insert(org, parent)


def _locked(org: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=org.pk)


def _move(org: Organisation, new_parent: Organisation | None) -> Organisation:
    """Re-parent ``org`` (fresh, locked) and re-path its whole subtree."""
    if new_parent is not None:
        new_parent = _locked(new_parent)
        if new_parent.path.startswith(org.path):
            raise DomainError(
                "Không thể chuyển một đơn vị vào chính nó hoặc vào đơn vị cấp dưới của nó.",
                code="tree_cycle",
            )
    if org.parent_id == (new_parent.pk if new_parent else None):
        return org
    old_path = org.path
    new_path = (new_parent.path if new_parent else "/") + f"{org.pk}/"
    subtree = Organisation.objects.filter(path__startswith=old_path)
    paths = list(subtree.select_for_update().values_list("path", flat=True))  # locks them
    deepest = max((len(p) for p in paths), default=len(old_path))
    if deepest - len(old_path) + len(new_path) > PATH_MAX_LENGTH:
        raise DomainError(
            "Cây tổ chức quá sâu: không thể chuyển đơn vị đến vị trí này.", code="tree_too_deep"
        )
    delta = (new_parent.depth + 1 if new_parent else 0) - org.depth
    subtree.update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + delta,
    )
    org.refresh_from_db(fields=["path", "depth"])
    org.parent = new_parent
    org.save(update_fields=["parent", "updated_at"])  # logged by auditlog (parent change)
    return org


@transaction.atomic
def organisation_move(
    *, actor: object | None, org: Organisation, new_parent: Organisation | None
) -> Organisation:
    """Put ``org`` (with everything below it) under ``new_parent`` (None: make it a root)."""
    with audit_actor(actor):
        return _move(_locked(org), new_parent)


def _apply_fields(org: Organisation, data: Mapping[str, Any]) -> list[str]:
    changed: list[str] = []
    for name, value in data.items():
        if name == "parent":
            continue
        if isinstance(value, str):
            value = value.strip()
        if name == "agency_code":
            value = normalize_agency_code(value)
        if getattr(org, name) != value:
            setattr(org, name, value)
            changed.append(name)
    return changed


def _differs(org: Organisation, data: Mapping[str, Any]) -> bool:
    for name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(org, name) != value:
            return True
    return False


def _clean(org: Organisation) -> None:
    org.refresh_search_text()
    org.full_clean(exclude=["path", "parent"])


@transaction.atomic
def organisation_update(
    *, actor: object | None, org: Organisation, data: Mapping[str, Any]
) -> Organisation:
    """Change the given fields (see UPDATABLE_FIELDS); ``parent`` in ``data`` moves the unit."""
    unknown = set(data) - UPDATABLE_FIELDS
    if unknown:
        raise DomainError(
            "Không thể sửa các trường: " + ", ".join(sorted(unknown)) + ".", code="unknown_field"
        )
    with audit_actor(actor):
        org = _locked(org)
        changed = _apply_fields(org, data)
        if changed:
            _clean(org)
            org.save(update_fields=[*changed, "search_text", "updated_at"])
        if "parent" in data:
            org = _move(org, data["parent"])
        return org


def _close_subtree(org: Organisation, valid_to: dt.date) -> int:
    """Set ``valid_to`` on ``org`` and every descendant still valid after that date."""
    closed = 0
    subtree = Organisation.objects.select_for_update().filter(path__startswith=org.path)
    for unit in subtree.order_by("depth", "pk"):
        if unit.valid_to is not None and unit.valid_to <= valid_to:
            continue
        if unit.valid_from is not None and unit.valid_from > valid_to:
            raise DomainError(
                f"Không thể đóng: đơn vị “{unit.name}” bắt đầu hiệu lực sau ngày "
                f"{valid_to:%d/%m/%Y}.",
                code="invalid_close_date",
            )
        unit.valid_to = valid_to
        unit.save(update_fields=["valid_to", "updated_at"])
        closed += 1
    return closed


@transaction.atomic
def organisation_close(
    *, actor: object | None, org: Organisation, valid_to: dt.date, cascade: bool = True
) -> Organisation:
    """End the validity of ``org`` on ``valid_to`` (its last valid day).

    With ``cascade`` (the default) every unit below it that is still valid after that day is
    closed on the same day: a closed department cannot keep active units.
    """
    with audit_actor(actor):
        org = _locked(org)
        if org.valid_from is not None and valid_to < org.valid_from:
            raise DomainError(
                "Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực.",
                code="invalid_close_date",
            )
        if cascade:
            _close_subtree(org, valid_to)
        elif org.valid_to is None or org.valid_to > valid_to:
            org.valid_to = valid_to
            org.save(update_fields=["valid_to", "updated_at"])
        org.refresh_from_db()
        return org


def _predecessor_ids(start: Iterable[int]) -> set[int]:
    """Every organisation reachable by following predecessor links from ``start``."""
    through = Organisation.predecessors.through
    seen: set[int] = set()
    frontier = set(start)
    while frontier:
        nxt = set(
            through.objects.filter(from_organisation_id__in=frontier).values_list(
                "to_organisation_id", flat=True
            )
        )
        frontier = nxt - seen
        seen |= frontier
    return seen


def _check_lineage(successor: Organisation, predecessors: Sequence[Organisation]) -> None:
    pred_ids = {p.pk for p in predecessors}
    if successor.pk in pred_ids:
        raise DomainError("Một đơn vị không thể là tiền thân của chính nó.", code="lineage_cycle")
    if successor.pk in _predecessor_ids(pred_ids):
        raise DomainError(
            "Liên kết tiền thân tạo thành vòng lặp (đơn vị kế thừa đã là tiền thân của một "
            "đơn vị tiền thân).",
            code="lineage_cycle",
        )


@transaction.atomic
def organisation_set_predecessors(
    *, actor: object | None, org: Organisation, predecessors: Iterable[Organisation]
) -> Organisation:
    """Replace the predecessor links of ``org`` (no validity dates change)."""
    preds = list(predecessors)
    with audit_actor(actor):
        org = _locked(org)
        _check_lineage(org, preds)
        org.predecessors.set(preds)
        return org


@transaction.atomic
def organisation_merge(
    *,
    actor: object | None,
    predecessors: Sequence[Organisation],
    successor: Organisation,
    effective_date: dt.date,
    close_descendants: bool = True,
) -> Organisation:
    """``predecessors`` merge into ``successor`` from ``effective_date``.

    Each predecessor's last valid day becomes the day before ``effective_date`` (with
    ``close_descendants``, its still-valid units are closed the same day), and the successor
    links to them, so ``successor.predecessors`` and ``predecessor.successors`` both show it.
    """
    if not predecessors:
        raise DomainError("Cần chọn ít nhất một đơn vị tiền thân.", code="merge_empty")
    last_day = effective_date - dt.timedelta(days=1)
    with audit_actor(actor):
        successor = _locked(successor)
        preds = [_locked(p) for p in predecessors]
        _check_lineage(successor, preds)
        if not successor.is_active(effective_date):
            raise DomainError(
                f"Đơn vị kế thừa “{successor.name}” không có hiệu lực vào ngày "
                f"{effective_date:%d/%m/%Y}.",
                code="merge_successor_inactive",
            )
        for pred in preds:
            if successor.path.startswith(pred.path):
                raise DomainError(
                    f"Đơn vị kế thừa nằm bên trong đơn vị tiền thân “{pred.name}”: hãy chuyển "
                    "nó ra ngoài trước khi sáp nhập.",
                    code="merge_successor_inside",
                )
            if pred.valid_from is not None and pred.valid_from > last_day:
                raise DomainError(
                    f"Đơn vị “{pred.name}” bắt đầu hiệu lực sau ngày sáp nhập.",
                    code="invalid_close_date",
                )
            if close_descendants:
                _close_subtree(pred, last_day)
            elif pred.valid_to is None or pred.valid_to > last_day:
                pred.valid_to = last_day
                pred.save(update_fields=["valid_to", "updated_at"])
        successor.predecessors.add(*preds)
        return successor


@transaction.atomic
def organisation_delete(*, actor: object | None, org: Organisation) -> None:
    """Delete an organisation entered by mistake. Units with children, positions or history
    links are closed (organisation_close), not deleted."""
    with audit_actor(actor):
        org = _locked(org)
        if org.children.exists():
            raise DomainError(
                "Không thể xóa đơn vị còn đơn vị cấp dưới: hãy chuyển hoặc xóa chúng trước.",
                code="has_children",
            )
        if org.predecessors.exists() or org.successors.exists():
            raise DomainError(
                "Không thể xóa đơn vị có liên kết tiền thân/kế thừa: hãy đóng (hết hiệu lực).",
                code="has_lineage",
            )
        try:
            with transaction.atomic():
                org.delete()
        except (ProtectedError, IntegrityError) as err:
            raise DomainError(
                "Không thể xóa đơn vị đang được sử dụng (cán bộ, hồ sơ, văn bản...): hãy đóng "
                "(hết hiệu lực) thay vì xóa.",
                code="in_use",
            ) from err


# --- import / export -----------------------------------------------------------------------


@dataclass
class ImportResult:
    """Outcome of organisations_import. When ``errors`` is not empty nothing was saved."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    total_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


MAX_REPORTED_ERRORS = 200


class _ImportFailed(Exception):
    pass


def _kind_lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for value, label in OrganisationKind.choices:
        table[normalize_search(value)] = value
        table[normalize_search(str(label))] = value
    return table


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _cell_date(value: object) -> dt.date | None:
    """dd/mm/yyyy, d/m/yyyy, yyyy-mm-dd, or a spreadsheet date; raises ValueError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


@dataclass
class _Row:
    line: int
    code: str
    parent_code: str
    values: dict[str, Any]


_TEXT_COLUMNS: dict[str, str] = {
    "name": "ten",
    "short_name": "ten_viet_tat",
    "administrative_code": "ma_hanh_chinh",
    "address": "dia_chi",
    "phone": "dien_thoai",
    "email": "email",
}
# Optional columns: when absent from the file, an update keeps the existing value.
_OPTIONAL_COLUMNS: dict[str, str] = {
    "short_name": "ten_viet_tat",
    "administrative_code": "ma_hanh_chinh",
    "address": "dia_chi",
    "phone": "dien_thoai",
    "email": "email",
    "valid_from": "hieu_luc_tu",
    "valid_to": "hieu_luc_den",
}


def _max_length(attr: str) -> int | None:
    return getattr(Organisation._meta.get_field(attr), "max_length", None)


def _parse_rows(sheet: tabular.Sheet, errors: list[str]) -> tuple[list[_Row], set[str]]:
    """Check each row on its own; returns the good rows and the codes of the bad ones."""
    kinds = _kind_lookup()
    kind_labels = "; ".join(str(label) for _, label in OrganisationKind.choices)
    present = set(sheet.columns)
    rows: list[_Row] = []
    bad_codes: set[str] = set()
    seen: dict[str, int] = {}
    for line, record in sheet.rows:
        prefix = f"Dòng {line}"
        row_errors: list[str] = []
        code = _cell_text(record.get("ma_dinh_danh"))
        if not code:
            row_errors.append(f"{prefix}: thiếu mã định danh (cột ma_dinh_danh).")
        else:
            try:
                validate_agency_code(code)
            except ValidationError:
                row_errors.append(
                    f"{prefix}: mã định danh “{code}” không hợp lệ (ví dụ đúng: 000.00.01.H56)."
                )
            if code in seen:
                row_errors.append(f"{prefix}: mã định danh “{code}” trùng với dòng {seen[code]}.")
            else:
                seen[code] = line
        values: dict[str, Any] = {
            attr: _cell_text(record.get(column)) for attr, column in _TEXT_COLUMNS.items()
        }
        if not values["name"]:
            row_errors.append(f"{prefix}: thiếu tên cơ quan, đơn vị (cột ten).")
        for attr, column in _TEXT_COLUMNS.items():
            limit = _max_length(attr)
            if limit and len(values[attr]) > limit:
                row_errors.append(f"{prefix}: cột {column} dài quá {limit} ký tự.")
        kind_text = _cell_text(record.get("loai"))
        values["kind"] = kinds.get(normalize_search(kind_text))
        if values["kind"] is None:
            row_errors.append(
                f"{prefix}: loại “{kind_text}” không hợp lệ; dùng một trong: {kind_labels}."
            )
        for column, attr in (("hieu_luc_tu", "valid_from"), ("hieu_luc_den", "valid_to")):
            try:
                values[attr] = _cell_date(record.get(column))
            except ValueError:
                values[attr] = None
                row_errors.append(
                    f"{prefix}: ngày “{_cell_text(record.get(column))}” ở cột {column} không "
                    "hợp lệ (dùng dd/mm/yyyy hoặc yyyy-mm-dd)."
                )
        if values["email"]:
            try:
                validate_email(values["email"])
            except ValidationError:
                row_errors.append(
                    f"{prefix}: thư điện tử “{values['email']}” không hợp lệ (cột email)."
                )
        start, end = values["valid_from"], values["valid_to"]
        if start is not None and end is not None and end < start:
            row_errors.append(f"{prefix}: ngày hết hiệu lực trước ngày bắt đầu hiệu lực.")
        for attr, column in _OPTIONAL_COLUMNS.items():
            if column not in present:
                del values[attr]
        if row_errors:
            errors.extend(row_errors)
            if code:
                bad_codes.add(code)
            continue
        parent_code = _cell_text(record.get("ma_don_vi_cap_tren"))
        rows.append(_Row(line=line, code=code, parent_code=parent_code, values=values))
    return rows, bad_codes


def _order_rows(
    rows: list[_Row], existing: dict[str, Organisation], bad_codes: set[str], errors: list[str]
) -> list[_Row]:
    """Parents before children (a parent may appear later in the file than its children).

    Reports parent codes found neither in the file nor in the database, and cycles.
    """
    by_code = {r.code: r for r in rows}
    status: dict[str, bool] = {}  # code -> can be imported
    for row in rows:
        if not row.parent_code or row.parent_code in by_code:
            continue
        if row.parent_code in bad_codes:
            errors.append(f"Dòng {row.line}: đơn vị cấp trên “{row.parent_code}” có lỗi trong tệp.")
            status[row.code] = False
        elif row.parent_code not in existing:
            errors.append(
                f"Dòng {row.line}: không tìm thấy đơn vị cấp trên có mã “{row.parent_code}” "
                "(trong tệp hoặc trong hệ thống)."
            )
            status[row.code] = False

    ordered: list[_Row] = []
    for row in rows:
        chain: list[_Row] = []
        on_chain: set[str] = set()
        current: _Row | None = row
        verdict = True
        while current is not None:
            if current.code in status:
                verdict = status[current.code]
                break
            if current.code in on_chain:
                cycle = chain[chain.index(current) :]
                for member in cycle:
                    errors.append(
                        f"Dòng {member.line}: vòng lặp đơn vị cấp trên (mã “{member.code}” "
                        "nằm dưới chính nó)."
                    )
                    status[member.code] = False
                verdict = False
                break
            chain.append(current)
            on_chain.add(current.code)
            current = by_code.get(current.parent_code) if current.parent_code else None
        for member in reversed(chain):  # top-most first
            if member.code in status:
                continue
            status[member.code] = verdict
            if verdict:
                ordered.append(member)
            else:
                errors.append(f"Dòng {member.line}: đơn vị cấp trên “{member.parent_code}” có lỗi.")
    return ordered


def _stage(
    row: _Row,
    existing: dict[str, Organisation],
    authorize: Authorize | None,
) -> str:
    """Create or update one row; returns "created", "updated" or "unchanged"."""
    prefix = f"Dòng {row.line}"
    parent = existing.get(row.parent_code) if row.parent_code else None
    org = existing.get(row.code)
    if authorize is not None:
        if org is not None and not authorize(org):
            raise DomainError(
                f"{prefix}: bạn không có quyền sửa đơn vị “{org.name}” ({row.code}).",
                code="forbidden_row",
            )
        if (org is None or parent != org.parent) and not authorize(parent):
            where = f"“{parent.name}”" if parent else "cấp cao nhất (không có cấp trên)"
            raise DomainError(
                f"{prefix}: bạn không có quyền đặt đơn vị vào {where}.", code="forbidden_row"
            )
    if org is None:
        org = Organisation(agency_code=row.code, **row.values)
        _place(org, parent)
        org.refresh_search_text()
        org.full_clean(
            exclude=["path", "parent"], validate_unique=False, validate_constraints=False
        )
        existing[row.code] = _insert(org, parent)
        return "created"
    if not _differs(org, row.values) and org.parent_id == (parent.pk if parent else None):
        return "unchanged"
    org = _locked(org)
    changed = _apply_fields(org, row.values)
    if changed:
        org.refresh_search_text()
        org.full_clean(
            exclude=["path", "parent"], validate_unique=False, validate_constraints=False
        )
        if org.valid_from and org.valid_to and org.valid_to < org.valid_from:
            raise DomainError(
                f"{prefix}: ngày hết hiệu lực trước ngày bắt đầu hiệu lực.", code="invalid_dates"
            )
        org.save(update_fields=[*changed, "search_text", "updated_at"])
    moved = org.parent_id != (parent.pk if parent else None)
    if moved:
        old_path = org.path
        org = _move(org, parent)
        _refresh_moved(existing, old_path)
    existing[row.code] = org
    return "updated" if changed or moved else "unchanged"


def _refresh_moved(existing: dict[str, Organisation], old_path: str) -> None:
    """Organisations already loaded for the import that were inside a moved subtree get
    their new path and depth (later rows place units under them)."""
    stale = [o for o in existing.values() if o.path.startswith(old_path)]
    fresh = Organisation.objects.only("path", "depth").in_bulk([o.pk for o in stale])
    for org in stale:
        if org.pk in fresh:
            org.path, org.depth = fresh[org.pk].path, fresh[org.pk].depth


def _validation_text(err: ValidationError) -> str:
    if not hasattr(err, "error_dict"):
        return " ".join(err.messages)
    parts: list[str] = []
    for name, messages in err.message_dict.items():
        label = ""
        if name != "__all__":
            verbose = getattr(Organisation._meta.get_field(name), "verbose_name", name)
            label = f"{verbose}: "
        parts.extend(label + message for message in messages)
    return " ".join(parts)


def organisations_import(
    *,
    actor: object | None,
    file: IO[bytes] | Any,
    authorize: Authorize | None = None,
) -> ImportResult:
    """Upsert organisations by agency code from a CSV or .xlsx file, all or nothing.

    Columns (header row, any order; Vietnamese headers such as "Mã định danh" also work):
    ma_dinh_danh, ten, ten_viet_tat, loai (kind value or Vietnamese label), ma_don_vi_cap_tren,
    ma_hanh_chinh, hieu_luc_tu, hieu_luc_den (dd/mm/yyyy or ISO), dia_chi, dien_thoai, email.
    ``authorize`` (optional) is asked about every organisation changed and every parent used.
    Returns an ImportResult; with errors (Vietnamese, "Dòng 5: ...") nothing is saved.
    """
    result = ImportResult()
    try:
        sheet = tabular.read_sheet(tabular.read_upload(file))
    except tabular.TabularError as err:
        result.errors.append(err.message)
        return result
    result.total_rows = len(sheet.rows)
    if not sheet.rows:
        result.errors.append("Tệp không có dòng dữ liệu nào (chỉ có dòng tiêu đề).")
        return result

    errors: list[str] = []
    rows, bad_codes = _parse_rows(sheet, errors)
    codes = {r.code for r in rows} | {r.parent_code for r in rows if r.parent_code}
    existing = {
        o.agency_code: o
        for o in Organisation.objects.filter(agency_code__in=codes).select_related("parent")
    }
    ordered = _order_rows(rows, existing, bad_codes, errors)
    if errors:
        result.errors = _cap(errors)
        return result

    counts = {"created": 0, "updated": 0, "unchanged": 0}
    try:
        with transaction.atomic(), audit_actor(actor):
            # No savepoint per row (they cost two queries each): domain and validation errors
            # are raised before the row writes anything that matters — everything is rolled
            # back anyway when there is an error — and a database error ends the import.
            for row in ordered:
                try:
                    counts[_stage(row, existing, authorize)] += 1
                except DomainError as err:
                    message = str(err.detail)
                    errors.append(
                        message if message.startswith("Dòng") else f"Dòng {row.line}: {message}"
                    )
                except ValidationError as err:
                    errors.append(f"Dòng {row.line}: {_validation_text(err)}")
                except IntegrityError:
                    errors.append(
                        f"Dòng {row.line}: dữ liệu mâu thuẫn với dữ liệu đã có (mã định danh "
                        f"“{row.code}”)."
                    )
                    break
            if errors:
                raise _ImportFailed
    except _ImportFailed:
        result.errors = _cap(errors)
        return result
    result.created = counts["created"]
    result.updated = counts["updated"]
    result.unchanged = counts["unchanged"]
    return result


def _cap(errors: list[str]) -> list[str]:
    if len(errors) <= MAX_REPORTED_ERRORS:
        return errors
    rest = len(errors) - MAX_REPORTED_ERRORS
    return [*errors[:MAX_REPORTED_ERRORS], f"... và {rest} lỗi khác."]


def organisations_export(*, orgs: Iterable[Organisation]) -> bytes:
    """An .xlsx with the import columns, one row per organisation (re-importable as is)."""

    def rows() -> Iterable[list[object]]:
        for org in orgs:
            parent = org.parent
            yield [
                org.agency_code,
                org.name,
                org.short_name,
                org.get_kind_display(),
                parent.agency_code if parent else "",
                org.administrative_code,
                org.valid_from,
                org.valid_to,
                org.address,
                org.phone,
                org.email,
            ]

    return tabular.write_xlsx(rows())
