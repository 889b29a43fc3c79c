"""Statistics pages under /thong-ke/: the leaders' dashboard, the QĐ 766 index with its
drill-down and Excel export (signed-in unit heads and leaders, scoped), and the public
statistics with their CSV download (no sign-in, closed months only)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from chinhquyen.catalog.models import ProcedureVersion
from chinhquyen.core.exports import xlsx_response

from . import index766, periods, presenters, selectors

DENIED = "Chỉ lãnh đạo đơn vị và lãnh đạo phòng được xem số liệu điều hành."
LATE_PAGE_LIMIT = 500


def _require_reader(request: HttpRequest) -> None:
    if not selectors.can_read(request.user):
        raise PermissionDenied(DENIED)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _target(request: HttpRequest) -> tuple[Any, Any, str]:
    """(organisation, period, error) from ?co-quan=&ky=; 404 outside the caller's scope."""
    error = ""
    try:
        period = selectors.resolve_period(request.GET.get("ky") or None)
    except ValueError as exc:
        period, error = periods.last_closed_month(), str(exc)
    try:
        organisation = selectors.resolve_organisation(
            request.user, _int(request.GET.get("co-quan"))
        )
    except selectors.OutOfScope:
        raise Http404("Không tìm thấy cơ quan trong phạm vi được xem.") from None
    return organisation, period, error


def _procedure_names(ids: list[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for version in ProcedureVersion.objects.filter(procedure_id__in=ids).order_by("valid_from"):
        names[version.procedure_id] = version.name
    return names


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    board = selectors.dashboard(request.user)
    names = _procedure_names([r.id for r in board.late_procedures])
    for r in board.late_procedures:
        r.name = f"{r.name} — {names.get(r.id, '')}".strip(" —")
    closed = periods.last_closed_month()
    return render(
        request,
        "stats/dashboard.html",
        {"board": board, "closed": closed, "today": timezone.localdate()},
    )


@require_GET
@login_required
def index_page(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    organisation, period, error = _target(request)
    result = index766.index_for(organisation=organisation, period=period)
    children = selectors.ranking_units([organisation])
    ranking = (
        index766.ranking(organisations=children, period=period)
        if children != [organisation]
        else []
    )
    context = {
        "result": result,
        "error": error,
        "ranking": ranking,
        "history": selectors.index_history(organisation, period),
        "organisations": selectors.scope_organisations(request.user).order_by("path"),
        "late_count": result.measures.totals["late"],
        "no_payment": index766.procedures_lacking(result, has="fee_required", lacks="paid_online"),
        "no_online": index766.procedures_lacking(result, has="received", lacks="received_online"),
    }
    return render(request, "stats/index766.html", context, status=400 if error else 200)


@require_GET
@login_required
def index_export(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    organisation, period, error = _target(request)
    if error:
        raise Http404(error)
    result = index766.index_for(organisation=organisation, period=period)
    children = selectors.ranking_units([organisation])
    ranking = (
        index766.ranking(organisations=children, period=period)
        if children != [organisation]
        else []
    )
    return xlsx_response(presenters.index_workbook(result, ranking), "chi-so-766")


@require_GET
@login_required
def index_pdf(request: HttpRequest) -> HttpResponse:
    from chinhquyen.core.pdf import render_pdf  # WeasyPrint loads with the first PDF

    _require_reader(request)
    organisation, period, error = _target(request)
    if error:
        raise Http404(error)
    result = index766.index_for(organisation=organisation, period=period)
    children = selectors.ranking_units([organisation])
    ranking = (
        index766.ranking(organisations=children, period=period)
        if children != [organisation]
        else []
    )
    content = render_pdf(
        "stats/index766_pdf.html",
        {"result": result, "ranking": ranking, "generated": timezone.localtime()},
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chi-so-766-{period.code}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def late_dossiers(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    organisation, period, error = _target(request)
    qs = index766.late_dossiers(organisation=organisation, period=period)
    total = qs.count()
    return render(
        request,
        "stats/late_dossiers.html",
        {
            "organisation": organisation,
            "period": period,
            "error": error,
            "dossiers": list(qs[:LATE_PAGE_LIMIT]),
            "total": total,
            "limit": LATE_PAGE_LIMIT,
        },
        status=400 if error else 200,
    )


def _public_months(request: HttpRequest) -> tuple[list[periods.Period], list[periods.Period], str]:
    published = selectors.published_months()
    text = request.GET.get("thang") or ""
    if not text:
        return published[:1], published, ""
    try:
        month = periods.parse(text)
    except ValueError as exc:
        return [], published, str(exc)
    if month.kind != "month" or not month.is_closed():
        return [], published, "Tháng này chưa được công bố số liệu."
    return [month], published, ""


@require_GET
def public(request: HttpRequest) -> HttpResponse:
    chosen, published, error = _public_months(request)
    rows = selectors.public_figures(chosen)
    total = selectors.Numbers()
    for row in rows:
        for name in selectors.FIGURES:
            setattr(total, name, getattr(total, name) + getattr(row.numbers, name))
    response = render(
        request,
        "stats/public.html",
        {
            "rows": rows,
            "total": total,
            "chosen": chosen[0] if chosen else None,
            "published": published,
            "error": error,
        },
        status=400 if error else 200,
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def public_csv(request: HttpRequest) -> HttpResponse:
    chosen, published, error = _public_months(request)
    if error:
        raise Http404(error)
    months = chosen if request.GET.get("thang") else published
    response = HttpResponse(
        "\ufeff" + presenters.public_csv(selectors.public_figures(months)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="so-lieu-giai-quyet-ho-so.csv"'
    response["Cache-Control"] = "public, max-age=300"
    return response
