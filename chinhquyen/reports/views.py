"""Report pages for leaders and unit heads under /bao-cao/."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chinhquyen.audit.services import security_event_export
from chinhquyen.core.exports import xlsx_response

from . import presenters, selectors
from .forms import ReportFilterForm, build_period

DENIED = "Chỉ lãnh đạo đơn vị và lãnh đạo phòng được xem thống kê."


def _filter(request: HttpRequest) -> ReportFilterForm:
    if not selectors.can_read_reports(request.user):
        raise PermissionDenied(DENIED)
    return ReportFilterForm(
        request.GET or None, organisations=selectors.report_organisations(request.user)
    )


def _report(request: HttpRequest, form: ReportFilterForm) -> selectors.OnTimeReport | None:
    if form.is_bound and not form.is_valid():
        return None
    data = form.cleaned_data if form.is_bound else {}
    period = data.get("period") or build_period(None, None)
    return selectors.on_time_report(
        user=request.user, period=period, organisation=data.get("co_quan")
    )


@require_GET
@login_required
def on_time(request: HttpRequest) -> HttpResponse:
    form = _filter(request)
    report = _report(request, form)
    status = 400 if report is None else 200
    return render(request, "reports/on_time.html", {"form": form, "report": report}, status=status)


@require_GET
@login_required
def on_time_export(request: HttpRequest) -> HttpResponse:
    form = _filter(request)
    report = _report(request, form)
    if report is None:
        return render(request, "reports/on_time.html", {"form": form, "report": None}, status=400)
    organisation = form.cleaned_data.get("co_quan") if form.is_bound else None
    scope_text = organisation.name if organisation else "tất cả cơ quan trong phạm vi"
    content = presenters.report_workbook(report, scope_text=scope_text)
    security_event_export(request=request, export="on_time_report")
    return xlsx_response(content, "thong-ke-dung-han")
