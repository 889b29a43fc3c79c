"""File responses and cell values shared by every export (Excel)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Characters that make a spreadsheet treat a typed value as a formula (formula injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is quoted; other values pass unchanged.
    Every export of typed text (audit, payments, dossier and document registers) uses it."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def xlsx_response(content: bytes, stem: str) -> HttpResponse:
    """An .xlsx download named ``<stem>-<YYYYMMDD-HHMM>.xlsx``, never cached."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}-{stamp}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
