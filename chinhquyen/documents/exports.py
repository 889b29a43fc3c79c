"""Printable and Excel registers (Nghị định 30/2020, Phụ lục IV) and the processing slip.

Rows come from ``selectors.register_rows`` (scoped to the user), so an export never shows a
document its reader may not open.

Incoming register columns: ngày đến, số đến, tác giả, số ký hiệu, ngày văn bản, tên loại và
trích yếu, đơn vị hoặc người nhận, ngày chuyển, ký nhận, ghi chú.
Outgoing register columns: số ký hiệu, ngày văn bản, tên loại và trích yếu, người ký, nơi
nhận, đơn vị soạn thảo, số lượng bản, ngày chuyển, ký nhận, ghi chú.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from chinhquyen.core.exports import neutralise
from chinhquyen.core.pdf import document_header, render_pdf
from chinhquyen.orgs.models import Organisation

from . import selectors
from .models import (
    AssignmentRole,
    IncomingDocument,
    OutgoingDocument,
    RegisterKind,
    Secrecy,
    SequenceKind,
    Urgency,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

INCOMING_COLUMNS = (
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số, ký hiệu",
    "Ngày văn bản",
    "Tên loại và trích yếu nội dung",
    "Đơn vị hoặc người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)
OUTGOING_COLUMNS = (
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung",
    "Người ký",
    "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)


def _d(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return f"{value:%d/%m/%Y}"


def _notes(urgency: str, secrecy: str, extra: str = "") -> str:
    parts = []
    if urgency != Urgency.NORMAL:
        parts.append(Urgency(urgency).label)
    if secrecy != Secrecy.NORMAL:
        parts.append(Secrecy(secrecy).label)
    if extra:
        parts.append(extra)
    return "; ".join(parts)


def _type_and_summary(type_name: str, summary: str) -> str:
    return f"{type_name}: {summary}" if type_name else summary


def incoming_row(doc: IncomingDocument) -> list[str]:
    assignments = selectors.active_assignments(doc)
    receivers = "; ".join(
        f"{a.unit.name} ({AssignmentRole(a.role).label.lower()})" for a in assignments
    )
    sequence = doc.register.sequence if doc.register_id else ""  # type: ignore[union-attr]
    extra = "Sổ văn bản mật" if sequence == SequenceKind.SECRET else ""
    return [
        _d(doc.received_at),
        doc.incoming_number_display,
        doc.sender_name,
        doc.number_notation,
        _d(doc.document_date),
        _type_and_summary(doc.document_type.name if doc.document_type else "", doc.summary),
        receivers,
        _d(doc.assigned_at),
        "",
        _notes(doc.urgency, doc.secrecy, extra),
    ]


def outgoing_row(doc: OutgoingDocument) -> list[str]:
    recipients = "; ".join(r.name for r in doc.recipients.all())
    signer = (doc.signer.full_name or doc.signer.username) if doc.signer else ""
    return [
        doc.number_notation,
        _d(doc.issued_on),
        _type_and_summary(doc.document_type.name, doc.summary),
        signer,
        recipients,
        f"{doc.drafting_unit.name}; Lưu: VT",
        "",
        _d(doc.sent_at),
        "",
        _notes(doc.urgency, doc.secrecy, doc.get_status_display() if doc.revoked_at else ""),
    ]


def register_table(kind: str, rows: Iterable[Any]) -> tuple[tuple[str, ...], list[list[str]]]:
    if kind == RegisterKind.INCOMING:
        return INCOMING_COLUMNS, [incoming_row(r) for r in rows]
    return OUTGOING_COLUMNS, [outgoing_row(r) for r in rows]


def register_title(kind: str, organisation: Organisation, year: int) -> str:
    label = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" if kind == RegisterKind.INCOMING else "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
    return f"{label} NĂM {year}"


def register_xlsx(kind: str, organisation: Organisation, year: int, rows: Iterable[Any]) -> bytes:
    from openpyxl import Workbook  # loaded with the first export, not at start-up
    from openpyxl.styles import Alignment, Font

    columns, data = register_table(kind, rows)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "So van ban den" if kind == RegisterKind.INCOMING else "So van ban di"
    sheet.append([organisation.name])
    sheet.append([register_title(kind, organisation, year)])
    sheet.append([])
    sheet.append(list(columns))
    sheet["A2"].font = Font(bold=True, size=14)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in data:
        sheet.append([neutralise(value) for value in row])
    widths = (12, 8, 30, 18, 12, 50, 30, 12, 10, 20)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A5"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def register_pdf(kind: str, organisation: Organisation, year: int, rows: Iterable[Any]) -> bytes:
    columns, data = register_table(kind, rows)
    return render_pdf(
        "pdf/documents/register.html",
        {
            "title": register_title(kind, organisation, year),
            "organisation": organisation,
            "columns": columns,
            "rows": data,
            "printed_on": timezone.localdate(),
        },
    )


def processing_slip_pdf(document: IncomingDocument) -> bytes:
    """Phiếu giải quyết văn bản đến: the document, the leader's instructions, the assignments
    and the tasks with their results."""
    assignments = selectors.active_assignments(document)
    tasks = list(document.tasks.select_related("assignee", "unit").order_by("pk"))
    org = document.organisation
    profile = getattr(org, "issuer_profile", None)
    return render_pdf(
        "pdf/documents/processing_slip.html",
        {
            "header": document_header(
                issuer=org.name,
                issuer_parent=profile.parent_name if profile else "",
                place=profile.place_name if profile else "",
                issued_on=timezone.localdate(),
            ),
            "doc": document,
            "assignments": assignments,
            "tasks": tasks,
            "received": _d(document.received_at),
            "document_date": _d(document.document_date),
            "deadline": _d(document.deadline),
            "assigned_at": _d(document.assigned_at),
        },
    )


def register_file(
    user: object, *, kind: str, organisation_id: int | None, year: int, output: str
) -> tuple[bytes, str, str]:
    """(content, file name, content type) of a register export for ``user``.

    Only clerks and leaders export, only their own organisations' registers, and only the rows
    they may see; ``PermissionDenied`` otherwise.
    """
    allowed = selectors.export_organisations(user)
    if organisation_id is None:
        organisation = allowed[0] if allowed else None
    else:
        organisation = next((o for o in allowed if o.pk == organisation_id), None)
    if organisation is None:
        raise PermissionDenied(
            "Chỉ văn thư, lãnh đạo của cơ quan được in, xuất sổ đăng ký văn bản."
        )
    rows = list(selectors.register_rows(user, kind=kind, organisation=organisation, year=year))
    stem = "so-van-ban-den" if kind == RegisterKind.INCOMING else "so-van-ban-di"
    if output == "pdf":
        return register_pdf(kind, organisation, year, rows), f"{stem}-{year}.pdf", "application/pdf"
    return (
        register_xlsx(kind, organisation, year, rows),
        f"{stem}-{year}.xlsx",
        XLSX_CONTENT_TYPE,
    )
