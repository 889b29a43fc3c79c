"""The security dashboard for IT administrators (mounted at /an-ninh/), and the security
level 3 evidence report (``bang-chung/``: page, Excel, PDF) computed by ``evidence``."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from chinhquyen.accounts.models import User
from chinhquyen.audit.models import SecurityEventKind
from chinhquyen.audit.services import security_event_export
from chinhquyen.core.api import DomainError
from chinhquyen.core.exports import xlsx_response

from . import evidence, presenters, selectors, services

DASHBOARD_DAYS = 7


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - dt.timedelta(days=DASHBOARD_DAYS)
    alerts = list(selectors.open_alerts(request.user)[:100])
    figures = selectors.dashboard_figures(request.user, since=since)
    labels = dict(SecurityEventKind.choices)
    per_day = [
        {"day": row["day"], "kind": labels.get(row["kind"], row["kind"]), "n": row["n"]}
        for row in figures["per_day"]
    ]
    context = {
        "alerts": alerts,
        "per_day": per_day,
        "top_ips": figures["top_ips"],
        "top_users": figures["top_users"],
        "days": DASHBOARD_DAYS,
    }
    return render(request, "secops/dashboard.html", context)


def _act(request: HttpRequest, pk: int, close: bool) -> HttpResponse:
    alert = get_object_or_404(selectors.alerts_visible_to(request.user), pk=pk)
    actor = request.user
    assert isinstance(actor, User)
    try:
        if close:
            services.alert_close(actor=actor, alert=alert, note=request.POST.get("note", ""))
            messages.success(request, "Đã đóng cảnh báo.")
        else:
            services.alert_acknowledge(actor=actor, alert=alert)
            messages.success(request, "Đã tiếp nhận cảnh báo.")
    except DomainError as exc:
        messages.error(request, str(exc.detail))
        return redirect("secops:dashboard")
    return redirect("secops:dashboard")


@require_POST
@login_required
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, close=False)


@require_POST
@login_required
def alert_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, close=True)


# --- security level 3 evidence ----------------------------------------------------------------


@require_GET
@login_required
def evidence_report(request: HttpRequest) -> HttpResponse:
    report = evidence.report(request.user)
    return render(request, "secops/evidence.html", {"report": report})


@require_GET
@login_required
def evidence_export(request: HttpRequest) -> HttpResponse:
    report = evidence.report(request.user, all_officials=True)
    content = presenters.evidence_workbook(report)
    security_event_export(request=request, export="secops_evidence")
    return xlsx_response(content, "bang-chung-an-toan")


@require_GET
@login_required
def evidence_pdf(request: HttpRequest) -> HttpResponse:
    from chinhquyen.core.pdf import render_pdf  # WeasyPrint loads with the first PDF

    report = evidence.report(request.user, all_officials=True)
    content = render_pdf(
        "secops/evidence_pdf.html", {"report": report, "subtitle": presenters.SUBTITLE}
    )
    security_event_export(request=request, export="secops_evidence_pdf")
    stamp = timezone.localtime(report.generated_at).strftime("%Y%m%d-%H%M")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bang-chung-an-toan-{stamp}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
