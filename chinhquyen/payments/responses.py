"""HTTP responses shared by the HTML views and the API: Excel exports and receipt PDFs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse

from chinhquyen.core.exports import xlsx_response

from . import presenters
from .filters import PaymentFilter
from .models import Payment
from .selectors import payment_totals

DEFAULT_EXPORT_MAX_ROWS = 20_000


def export_max_rows() -> int:
    """PAYMENT_EXPORT_MAX_ROWS (default 20,000)."""
    try:
        value = int(getattr(settings, "PAYMENT_EXPORT_MAX_ROWS", DEFAULT_EXPORT_MAX_ROWS))
    except (TypeError, ValueError):
        value = DEFAULT_EXPORT_MAX_ROWS
    return max(value, 1)


def exported_rows(qs: QuerySet[Payment]) -> tuple[list[Payment], str]:
    """At most ``export_max_rows()`` rows, and a note when the list was cut."""
    limit = export_max_rows()
    rows = list(qs.select_related("organisation")[: limit + 1])
    if len(rows) > limit:
        return rows[:limit], f"Chỉ xuất {limit} dòng đầu tiên; hãy lọc hẹp hơn để xuất đủ."
    return rows, ""


def filters_text(filterset: PaymentFilter) -> str:
    """The filter values as people read them ("Từ ngày: 01/01/2026; Trạng thái: Đã thanh toán")."""
    parts: list[str] = []
    data: dict[str, Any] = filterset.form.cleaned_data if filterset.is_bound else {}
    for name, field in filterset.form.fields.items():
        value = data.get(name)
        if value in (None, ""):
            continue
        if isinstance(value, dt.date):
            shown = value.strftime("%d/%m/%Y")
        else:
            choices = dict(getattr(field, "choices", []) or [])
            shown = str(choices.get(value, value))
        parts.append(f"{field.label}: {shown}")
    return "; ".join(parts)


def reconciliation_export(filterset: PaymentFilter) -> HttpResponse:
    """The Excel file of a valid filterset (same scope and filters as the list)."""
    qs = filterset.qs
    rows, note = exported_rows(qs)
    content = presenters.reconciliation_workbook(
        rows,
        totals=payment_totals(qs),
        filters_text=filters_text(filterset),
        note=note,
    )
    return xlsx_response(content, "doi-soat-thanh-toan")


def receipt_response(payment: Payment) -> HttpResponse:
    response = HttpResponse(presenters.receipt_pdf(payment), content_type="application/pdf")
    filename = presenters.receipt_filename(payment)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
