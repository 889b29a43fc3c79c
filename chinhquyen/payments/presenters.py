"""How payments read for people: the reconciliation workbook and the fee receipt PDF."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone

from chinhquyen.core.exports import (
    XLSX_CONTENT_TYPE,  # noqa: F401  (re-exported for the API)
    neutralise,
)
from chinhquyen.core.pdf import document_header, render_pdf

from .models import Payment
from .providers import provider_label
from .selectors import Totals
from .words import format_vnd, vnd_in_words

EXPORT_HEADERS = (
    "Mã giao dịch",
    "Số biên lai",
    "Trạng thái",
    "Số tiền (đồng)",
    "Nội dung",
    "Loại khoản",
    "Mã khoản",
    "Người nộp",
    "Đơn vị thu",
    "Cổng thanh toán",
    "Mã giao dịch tại cổng",
    "Ngân hàng",
    "Tạo lúc",
    "Thanh toán lúc",
)


def local_time(value: dt.datetime | None) -> str:
    """``HH:MM:SS dd/mm/yyyy`` in the deployment's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.localtime(value).strftime("%H:%M:%S %d/%m/%Y") if value else ""


def iso_local(value: dt.datetime | None) -> str:
    """ISO 8601 with the local offset, e.g. ``2026-01-05T14:32:58+07:00``."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


_safe = neutralise


def export_row(payment: Payment) -> tuple[Any, ...]:
    return (
        payment.reference,
        payment.receipt_number or "",
        payment.get_status_display(),
        payment.amount,
        payment.description,
        payment.payable_type,
        payment.payable_id,
        payment.payer_name,
        payment.organisation.name if payment.organisation_id and payment.organisation else "",
        provider_label(payment.provider),
        payment.provider_transaction_no,
        payment.bank_code,
        local_time(payment.created_at),
        local_time(payment.paid_at),
    )


def reconciliation_workbook(
    rows: Iterable[Payment], *, totals: Totals, filters_text: str, note: str = ""
) -> bytes:
    from openpyxl import Workbook  # loaded with the first export, not at start-up
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Đối soát thanh toán")
    bold = Font(bold=True)

    def heading(text: str) -> list[Any]:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        return [cell]

    sheet.append(heading("Đối soát thanh toán trực tuyến"))
    sheet.append([f"Xuất lúc {local_time(timezone.now())}"])
    if filters_text:
        sheet.append([_safe(f"Điều kiện lọc: {filters_text}")])
    if note:
        sheet.append([note])
    sheet.append([])
    header_cells = []
    for title in EXPORT_HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for payment in rows:
        sheet.append([_safe(v) for v in export_row(payment)])
    sheet.append([])
    sheet.append(heading("Tổng hợp"))
    sheet.append(["Trạng thái", "Số khoản", "Số tiền (đồng)"])
    for total in totals.by_status:
        sheet.append([total.label, total.count, total.amount])
    sheet.append(["Tất cả", totals.count, totals.amount])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- fee receipt -----------------------------------------------------------------------------


def collector_name(payment: Payment) -> str:
    if payment.organisation_id and payment.organisation is not None:
        return payment.organisation.name
    return f"UBND tỉnh {getattr(settings, 'PROVINCE_NAME', '')}".strip()


def receipt_context(payment: Payment) -> dict[str, Any]:
    paid_at = timezone.localtime(payment.paid_at) if payment.paid_at else None
    return {
        "title": f"Biên lai {payment.receipt_number}",
        "header": document_header(
            issuer=collector_name(payment),
            number_notation=payment.receipt_number or "",
        ),
        "payment": payment,
        "receipt_number": payment.receipt_number,
        "collector": collector_name(payment),
        "amount_figures": format_vnd(payment.amount),
        "amount_words": vnd_in_words(payment.amount),
        "paid_time": paid_at.strftime("%H:%M:%S ngày %d/%m/%Y") if paid_at else "",
        "paid_iso": iso_local(payment.paid_at),
        "provider_label": provider_label(payment.provider),
        "site_name": getattr(settings, "SITE_NAME", ""),
    }


def receipt_pdf(payment: Payment) -> bytes:
    """The electronic fee receipt ("Biên lai thu phí, lệ phí điện tử") of a paid payment."""
    if not payment.is_paid or not payment.receipt_number:
        raise ValueError("only a paid payment has a receipt")
    return render_pdf("payments/receipt_pdf.html", receipt_context(payment))


def receipt_filename(payment: Payment) -> str:
    return f"bien-lai-{payment.receipt_number}.pdf"
