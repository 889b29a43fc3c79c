"""How audit records read for people: change lists, model names, Excel workbooks."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.utils import timezone

from chinhquyen.core.exports import neutralise

from .filters import ACTION_LABELS
from .models import SecurityEvent


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def changes_of(entry: LogEntry) -> list[Change]:
    """The field changes of an entry: ``[old, new]`` pairs, other shapes shown as JSON."""
    raw = entry.changes if isinstance(entry.changes, dict) else {}
    if not raw and entry.changes_text:
        try:
            parsed = json.loads(entry.changes_text)
        except ValueError:
            parsed = {}
        raw = parsed if isinstance(parsed, dict) else {}
    rows: list[Change] = []
    for field, values in raw.items():
        if isinstance(values, list | tuple) and len(values) == 2:
            # auditlog writes the missing side of a creation or deletion as "None"
            old = "" if entry.action == LogEntry.Action.CREATE else _text(values[0])
            new = "" if entry.action == LogEntry.Action.DELETE else _text(values[1])
            rows.append(Change(str(field), old, new))
        else:
            rows.append(Change(str(field), "", _text(values)))
    return rows


# A changed value longer than this is cut on the page (the Excel export keeps it whole).
DISPLAY_MAX_CHARS = 300


def _field(model: Any, name: str) -> Any:
    try:
        return model._meta.get_field(name) if model is not None else None
    except Exception:  # a field renamed or removed since the entry was written
        return None


def _local(value: str, *, with_time: bool) -> str | None:
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if not with_time:
        return moment.strftime("%d/%m/%Y")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def display_value(field: Any, value: str) -> str:
    """A changed value as people read it: "—" for nothing, Có/Không, the choice's label, local
    times as dd/mm/yyyy HH:MM, JSON with real Vietnamese letters (auditlog stores
    ``\\u0103`` escapes and Python's ``None``/``True``), cut at ``DISPLAY_MAX_CHARS``."""
    from django.db import models

    text = value.strip()
    if text in ("", "None", "null"):
        return "—"
    if text in ("True", "False") or isinstance(field, models.BooleanField):
        return {"True": "Có", "False": "Không"}.get(text, text)
    if field is not None and getattr(field, "choices", None):
        labels = {str(k): str(v) for k, v in field.flatchoices}
        if text in labels:
            return labels[text]
    if isinstance(field, models.DateTimeField) or (
        field is None and len(text) >= 19 and text[4:5] == "-" and text[10:11] in " T"
    ):
        text = _local(text, with_time=True) or text
    elif isinstance(field, models.DateField):
        text = _local(text, with_time=False) or text
    elif text[:1] in '[{"':
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    if len(text) > DISPLAY_MAX_CHARS:
        text = text[: DISPLAY_MAX_CHARS - 1] + "…"
    return text


def readable_changes(entry: LogEntry) -> list[Change]:
    """``changes_of`` for the page: field verbose names and ``display_value`` values."""
    model = entry.content_type.model_class()
    rows = []
    for change in changes_of(entry):
        field = _field(model, change.field)
        label = str(getattr(field, "verbose_name", "") or change.field)
        rows.append(
            Change(
                label[:1].upper() + label[1:],
                display_value(field, change.old) if change.old else "",
                display_value(field, change.new),
            )
        )
    return rows


def changes_text(entry: LogEntry) -> str:
    return "; ".join(f"{c.field}: {c.old} → {c.new}" for c in changes_of(entry))


def model_label(entry: LogEntry) -> str:
    model = entry.content_type.model_class()
    if model is None:
        return f"{entry.content_type.app_label}.{entry.content_type.model}"
    return str(model._meta.verbose_name).capitalize()


def action_label(entry: LogEntry) -> str:
    return ACTION_LABELS.get(entry.action, entry.get_action_display())


def actor_label(entry: LogEntry) -> str:
    if entry.actor is not None:
        return entry.actor.get_username()
    return entry.actor_email or "Hệ thống"


@dataclass(frozen=True)
class EntryRow:
    """A change log entry ready for a template."""

    entry: LogEntry
    actor: str
    action: str
    model: str
    changes: list[Change]


@dataclass(frozen=True)
class EventRow:
    event: SecurityEvent
    detail: str


def present(obj: LogEntry | SecurityEvent) -> EntryRow | EventRow:
    if isinstance(obj, SecurityEvent):
        return EventRow(event=obj, detail=_text(obj.detail) if obj.detail else "")
    return EntryRow(
        entry=obj,
        actor=actor_label(obj),
        action=action_label(obj),
        model=model_label(obj),
        changes=readable_changes(obj),
    )


def safe_cell(value: Any) -> Any:
    """A value safe to put in a spreadsheet: text that looks like a formula is quoted, and
    aware datetimes become local naive ones (Excel has no time zones)."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return neutralise(value)


def workbook_bytes(
    *, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], note: str = ""
) -> bytes:
    """An .xlsx file with one sheet: a bold header row, the rows, and an optional note row."""
    from openpyxl import Workbook  # loaded with the first export, not at start-up
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    if note:
        ws.append([safe_cell(note)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


LOG_ENTRY_HEADERS = [
    "Thời điểm",
    "Người thực hiện",
    "Thao tác",
    "Loại dữ liệu",
    "Mã đối tượng",
    "Đối tượng",
    "Thay đổi",
    "Địa chỉ IP",
]


def log_entry_row(entry: LogEntry) -> list[Any]:
    return [
        entry.timestamp,
        actor_label(entry),
        action_label(entry),
        model_label(entry),
        entry.object_pk,
        entry.object_repr,
        changes_text(entry),
        entry.remote_addr or "",
    ]


SECURITY_EVENT_HEADERS = [
    "Thời điểm",
    "Loại sự kiện",
    "Tên đăng nhập",
    "Tài khoản",
    "Địa chỉ IP",
    "Phương thức",
    "Đường dẫn",
    "Trình duyệt",
    "Chi tiết",
]


def security_event_row(event: SecurityEvent) -> list[Any]:
    return [
        event.created_at,
        event.get_kind_display(),
        event.username,
        str(event.user) if event.user is not None else "",
        event.ip or "",
        event.method,
        event.path,
        event.user_agent,
        _text(event.detail) if event.detail else "",
    ]
