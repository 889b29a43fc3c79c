"""File responses shared by every export (Excel)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, stem: str) -> HttpResponse:
    """An .xlsx download named ``<stem>-<YYYYMMDD-HHMM>.xlsx``, never cached."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}-{stamp}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
