"""Floor pages under /xep-hang/: the kiosk, a ticket's page (QR), the counter, the hall display
(and its JSON), the rating tablet of a counter, and the day's statistics of a desk.

The kiosk, the ticket page, the display and the rating tablet are public (devices in the hall);
the rating tablet is bound to one counter and can only rate that counter's last finished
ticket, once. The counter page and the statistics are for officials of the counter's desk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

import segno
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.orgs.models import Organisation, OrganisationKind

from . import selectors, services
from .models import Counter, CounterScore, ServiceArea, Ticket, TicketChannel
from .permissions import can_operate, desks_of

View = Callable[..., HttpResponseBase]
DESK_KINDS = (OrganisationKind.SERVICE_CENTRE, OrganisationKind.ONE_STOP_DESK)


def _desk(desk_id: int) -> Organisation:
    desk = get_object_or_404(Organisation, pk=desk_id, kind__in=DESK_KINDS)
    if not ServiceArea.objects.filter(desk=desk, active=True).exists():
        raise Http404
    return desk


def officials_only(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not desks_of(request.user):
            raise PermissionDenied("Chức năng dành cho cán bộ bộ phận một cửa.")
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, desk_id: int) -> HttpResponse:
    desk = _desk(desk_id)
    areas = ServiceArea.objects.filter(desk=desk, active=True)
    if request.method == "POST":
        try:
            area = areas.get(pk=int(request.POST.get("area") or 0))
        except (ValueError, ServiceArea.DoesNotExist):
            return render(
                request,
                "floor/kiosk.html",
                {"desk": desk, "areas": areas, "error": "Vui lòng chọn khu vực."},
                status=400,
            )
        channel = request.POST.get("channel") or TicketChannel.KIOSK
        ticket = services.ticket_take(area=area, channel=channel)
        return redirect(reverse("floor:ticket", args=[ticket.key]))
    return render(request, "floor/kiosk.html", {"desk": desk, "areas": areas})


@require_GET
def ticket(request: HttpRequest, key: str) -> HttpResponse:
    t = get_object_or_404(Ticket.objects.select_related("area", "counter"), key=key)
    url = request.build_absolute_uri(reverse("floor:ticket", args=[t.key]))
    qr = segno.make(url, error="m").svg_data_uri(scale=4)
    ahead = Ticket.objects.filter(
        area=t.area, day=t.day, status="waiting", issued_at__lt=t.issued_at
    ).count()
    return render(request, "floor/ticket.html", {"ticket": t, "qr": qr, "ahead": ahead, "url": url})


@require_GET
def display(request: HttpRequest, desk_id: int) -> HttpResponse:
    desk = _desk(desk_id)
    data = selectors.display_data(desk.pk, timezone.localdate())
    return render(request, "floor/display.html", {"desk": desk, "data": data})


@require_GET
def display_json(request: HttpRequest, desk_id: int) -> JsonResponse:
    desk = _desk(desk_id)
    response = JsonResponse(selectors.display_data(desk.pk, timezone.localdate()))
    response["Cache-Control"] = "no-store"
    return response


def _counter_context(counter: Counter) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "counter": counter,
        "current": services.counter_current(counter),
        "last": services.counter_last_finished(counter),
        "waiting": Ticket.objects.filter(
            area__in=counter.areas.all(), day=today, status="waiting"
        ).count(),
    }


COUNTER_ACTIONS: dict[str, Callable[..., Any]] = {
    "call": services.ticket_call_next,
    "recall": services.ticket_recall,
    "no_show": services.ticket_no_show,
    "start": services.ticket_start,
    "finish": services.ticket_finish,
}


@require_http_methods(["GET", "POST"])
@officials_only
def counter(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_object_or_404(Counter.objects.select_related("desk"), pk=pk)
    user = request.user
    assert isinstance(user, User)
    if not can_operate(user, c):
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action") or ""
        try:
            if action == "link":
                target = get_object_or_404(Ticket, pk=int(request.POST.get("ticket") or 0))
                services.ticket_link_dossier(
                    actor=user, counter=c, ticket=target, code=request.POST.get("code") or ""
                )
            elif action in COUNTER_ACTIONS:
                COUNTER_ACTIONS[action](actor=user, counter=c)
            else:
                raise DomainError("Thao tác không hợp lệ.")
        except (DomainError, ValueError) as exc:
            context = _counter_context(c)
            context["error"] = str(getattr(exc, "detail", exc))
            return render(request, "floor/counter.html", context, status=400)
        return redirect(reverse("floor:counter", args=[c.pk]))
    return render(request, "floor/counter.html", _counter_context(c))


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    c = get_object_or_404(Counter, pk=pk)
    last = services.counter_last_finished(c)
    rated = last is not None and hasattr(last, "rating")
    context: dict[str, Any] = {
        "counter": c,
        "last": last,
        "rated": rated,
        "scores": list(reversed(CounterScore.choices)),
    }
    if request.method == "POST":
        try:
            services.counter_rate(
                counter=c,
                score=int(request.POST.get("score") or 0),
                reason=request.POST.get("reason") or "",
            )
        except (DomainError, ValueError) as exc:
            context["error"] = str(getattr(exc, "detail", exc))
            return render(request, "floor/rate.html", context, status=400)
        context.update(thanks=True, rated=True)
    return render(request, "floor/rate.html", context)


@require_GET
@officials_only
def stats(request: HttpRequest, desk_id: int) -> HttpResponse:
    desk = get_object_or_404(Organisation, pk=desk_id)
    if desk.pk not in desks_of(request.user):
        raise Http404
    try:
        day = dt.date.fromisoformat(request.GET.get("ngay") or "")
    except ValueError:
        day = timezone.localdate()
    return render(
        request,
        "floor/stats.html",
        {
            "desk": desk,
            "day": day,
            "areas": selectors.floor_times(desk_id=desk.pk, day=day, by="area"),
            "counters": selectors.floor_times(desk_id=desk.pk, day=day, by="counter"),
        },
    )
