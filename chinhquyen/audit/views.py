"""Audit browsing for IT administrators: change log, security events, Excel exports.

Lists and exports go through the same selectors (scoped) and filters, so an export never
contains a row the list would not show.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chinhquyen.core.exports import xlsx_response

from . import presenters
from .filters import LogEntryFilter, SecurityEventFilter
from .selectors import log_entries_visible_to, security_events_visible_to
from .services import security_event_export

PAGE_SIZE = 50
# Change log entries carry many fields each: fewer per page keeps the page readable.
ENTRIES_PAGE_SIZE = 20
DEFAULT_EXPORT_MAX_ROWS = 10_000


def export_max_rows() -> int:
    return max(int(getattr(settings, "AUDIT_EXPORT_MAX_ROWS", DEFAULT_EXPORT_MAX_ROWS)), 1)


def _list_page(
    request: HttpRequest,
    *,
    template: str,
    filterset: LogEntryFilter | SecurityEventFilter,
    page_size: int = PAGE_SIZE,
) -> HttpResponse:
    valid = filterset.is_valid()
    qs: QuerySet[Any] = filterset.qs if valid else filterset.queryset.none()
    page = Paginator(qs, page_size).get_page(request.GET.get("page"))
    rows = [presenters.present(obj) for obj in page.object_list]
    context = {"filter": filterset, "form": filterset.form, "page": page, "rows": rows}
    return render(request, template, context, status=200 if valid else 400)


def _limited(qs: QuerySet[Any]) -> tuple[list[Any], str]:
    limit = export_max_rows()
    rows = list(qs[: limit + 1])
    if len(rows) > limit:
        return rows[:limit], f"Chỉ xuất {limit} dòng đầu tiên; hãy lọc hẹp hơn để xuất đủ."
    return rows, ""


@require_GET
@login_required
def entries(request: HttpRequest) -> HttpResponse:
    filterset = LogEntryFilter(request.GET, queryset=log_entries_visible_to(request.user))
    return _list_page(
        request, template="audit/entries.html", filterset=filterset, page_size=ENTRIES_PAGE_SIZE
    )


@require_GET
@login_required
def entries_export(request: HttpRequest) -> HttpResponse:
    filterset = LogEntryFilter(request.GET, queryset=log_entries_visible_to(request.user))
    if not filterset.is_valid():
        return _list_page(request, template="audit/entries.html", filterset=filterset)
    rows, note = _limited(filterset.qs)
    content = presenters.workbook_bytes(
        title="Nhật ký thay đổi",
        headers=presenters.LOG_ENTRY_HEADERS,
        rows=(presenters.log_entry_row(entry) for entry in rows),
        note=note,
    )
    security_event_export(request=request, export="audit_entries", rows=len(rows))
    return xlsx_response(content, "nhat-ky-thay-doi")


@require_GET
@login_required
def security_events(request: HttpRequest) -> HttpResponse:
    filterset = SecurityEventFilter(request.GET, queryset=security_events_visible_to(request.user))
    return _list_page(request, template="audit/security_events.html", filterset=filterset)


@require_GET
@login_required
def security_events_export(request: HttpRequest) -> HttpResponse:
    filterset = SecurityEventFilter(request.GET, queryset=security_events_visible_to(request.user))
    if not filterset.is_valid():
        return _list_page(request, template="audit/security_events.html", filterset=filterset)
    rows, note = _limited(filterset.qs)
    content = presenters.workbook_bytes(
        title="Sự kiện an ninh",
        headers=presenters.SECURITY_EVENT_HEADERS,
        rows=(presenters.security_event_row(event) for event in rows),
        note=note,
    )
    security_event_export(request=request, export="security_events", rows=len(rows))
    return xlsx_response(content, "su-kien-an-ninh")
