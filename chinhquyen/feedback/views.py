"""Citizen report pages under /phan-anh/: submit, lookup, public board (anyone); the sender's
own list (citizens); the inbox and the actions (officials).

Views only parse, call a selector or a service, and render; refusals of a service are shown
inside the page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyen.accounts.models import Position, User
from chinhquyen.accounts.permissions import is_applicant, is_official
from chinhquyen.core.api import DomainError
from chinhquyen.core.clientip import client_ip
from chinhquyen.core.collation import vi_sort
from chinhquyen.dossiers import lookup as lookup_limits
from chinhquyen.orgs.models import Organisation, OrganisationKind

from . import dispatch, selectors, services
from . import permissions as perms
from .models import Channel, FeedbackCategory, FeedbackFile, FeedbackItem, Kind, Status

NEW_PIN_SESSION_KEY = "feedback_new_pins"
LOOKUP_SESSION_KEY = "feedback_lookup_codes"
View = Callable[..., HttpResponseBase]


def officials_only(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_official(request.user):
            raise PermissionDenied("Chức năng dành cho cán bộ, công chức.")
        return view(request, *args, **kwargs)

    return wrapper


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _communes() -> Any:
    return (
        Organisation.objects.active()
        .filter(kind=OrganisationKind.COMMUNE_COMMITTEE)
        .order_by(vi_sort("name"))
    )


def _map() -> dict[str, str]:
    return {
        "map_tiles": getattr(settings, "FEEDBACK_MAP_TILE_URL", ""),
        "map_center": getattr(settings, "FEEDBACK_MAP_CENTER", "20.25,105.97,11"),
    }


def _files(request: HttpRequest, name: str = "photos") -> list[Any]:
    return list(request.FILES.getlist(name))


# --- submit -----------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """Gửi phản ánh: mobile-first form; anonymous senders verify their contact with a code."""
    user = _user(request)
    official = is_official(user)
    data = request.POST if request.method == "POST" else None
    context: dict[str, Any] = {
        "categories": FeedbackCategory.objects.filter(active=True),
        "communes": _communes(),
        "kinds": Kind.choices,
        "channels": Channel.choices,
        "official": official,
        "needs_code": not (official or is_applicant(user)),
        "max_photos": services.clocks().max_photos,
        "values": data or {},
        "error": "",
        "code_sent": False,
        **_map(),
    }
    if user is not None and is_applicant(user) and data is None:
        context["values"] = {
            "sender_name": user.full_name or user.get_full_name(),
            "sender_contact": user.email,
        }
    if data is not None:
        try:
            if data.get("step") == "code":
                services.contact_code_send(contact=data.get("sender_contact", ""))
                context["code_sent"] = True
            else:
                category = FeedbackCategory.objects.filter(
                    pk=_int(data.get("category")) or 0
                ).first()
                if category is None:
                    raise DomainError("Vui lòng chọn lĩnh vực.", code="category_required")
                commune = _communes().filter(pk=_int(data.get("commune")) or 0).first()
                item, pin = services.feedback_submit(
                    actor=user,
                    kind=data.get("kind", ""),
                    category=category,
                    title=data.get("title", ""),
                    text=data.get("text", ""),
                    sender_name=data.get("sender_name", ""),
                    sender_contact=data.get("sender_contact", ""),
                    consent_publish=data.get("consent_publish") == "on",
                    commune=commune,
                    latitude=data.get("latitude") or None,
                    longitude=data.get("longitude") or None,
                    address=data.get("address", ""),
                    photos=_files(request),
                    channel=data.get("channel") or Channel.ONLINE,
                    contact_code=data.get("contact_code", ""),
                )
                pins = request.session.get(NEW_PIN_SESSION_KEY, {})
                pins[item.code] = pin
                request.session[NEW_PIN_SESSION_KEY] = dict(list(pins.items())[-5:])
                return redirect("feedback:submitted", code=item.code)
        except DomainError as exc:
            context["error"] = str(exc.detail)
    status = 400 if context["error"] else 200
    return render(request, "feedback/submit.html", context, status=status)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@never_cache
@require_GET
def submitted(request: HttpRequest, code: str) -> HttpResponse:
    pin = request.session.get(NEW_PIN_SESSION_KEY, {}).get(code)
    if pin is None:
        raise Http404
    return render(request, "feedback/submitted.html", {"code": code, "pin": pin})


# --- lookup by the sender ----------------------------------------------------------------------


def _remember(request: HttpRequest, code: str) -> None:
    codes = [c for c in request.session.get(LOOKUP_SESSION_KEY, []) if c != code]
    request.session[LOOKUP_SESSION_KEY] = [*codes, code][-5:]


def _sender_item(request: HttpRequest, code: str) -> FeedbackItem | None:
    """The item when the caller proved to be its sender (signed in, or code and PIN)."""
    item = (
        FeedbackItem.objects.select_related("unit", "coordinating_unit").filter(code=code).first()
    )
    if item is None:
        return None
    user = _user(request)
    if user is not None and item.citizen_id == user.pk:
        return item
    if code in request.session.get(LOOKUP_SESSION_KEY, []):
        return item
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Tra cứu phản ánh: code + PIN; the same answer for an unknown code and a wrong PIN."""
    context: dict[str, Any] = {
        "view": None,
        "not_found": False,
        "code": request.GET.get("ma", "")[:64],
    }
    if request.method == "POST":
        code = lookup_limits.normalise_code(request.POST.get("code", ""))
        if lookup_limits.gate(client_ip(request), code) != lookup_limits.OK:
            return render(request, "feedback/lookup.html", {"throttled": True}, status=429)
        item = selectors.find_by_pin(code, request.POST.get("pin", ""))
        if item is None:
            lookup_limits.record_failure(code)
            context["not_found"] = True
        else:
            _remember(request, item.code)
            return redirect("feedback:sender_detail", code=item.code)
        context["code"] = code
    return render(
        request, "feedback/lookup.html", context, status=404 if context["not_found"] else 200
    )


@never_cache
@require_GET
def sender_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = _sender_item(request, code)
    if item is None:
        raise Http404
    return render(
        request,
        "feedback/sender_detail.html",
        {
            "item": item,
            "view": selectors.sender_view(item),
            "photos": item.files.filter(answer__isnull=True),
        },
    )


@require_POST
def sender_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    item = _sender_item(request, code)
    if item is None:
        raise Http404
    user = _user(request)
    error = ""
    try:
        if action == "rate":
            services.feedback_rate(
                actor=user,
                item=item,
                satisfied=request.POST.get("satisfied") == "yes",
                comment=request.POST.get("comment", ""),
            )
        elif action == "reopen":
            services.feedback_reopen(actor=user, item=item, reason=request.POST.get("reason", ""))
        elif action == "supplement":
            services.feedback_supplement(actor=user, item=item, text=request.POST.get("text", ""))
        else:
            raise Http404
    except DomainError as exc:
        error = str(exc.detail)
    if error:
        item.refresh_from_db()
        return render(
            request,
            "feedback/sender_detail.html",
            {
                "item": item,
                "view": selectors.sender_view(item),
                "error": error,
                "photos": item.files.filter(answer__isnull=True),
            },
            status=400,
        )
    return redirect("feedback:sender_detail", code=item.code)


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    if not is_applicant(user):
        raise PermissionDenied
    items = selectors.my_items(user)
    return render(request, "feedback/mine.html", {"items": items})


# --- public board ---------------------------------------------------------------------------------


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "")[:200]
    page = Paginator(selectors.public_board(q), 20).get_page(request.GET.get("trang"))
    return render(request, "feedback/board.html", {"q": q, "page": page, **_map()})


@require_GET
def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = selectors.public_item(code)
    if item is None:
        raise Http404
    answer = selectors.latest_answer(item)
    return render(
        request,
        "feedback/public_detail.html",
        {
            "item": item,
            "answer": answer,
            "photos": FeedbackFile.objects.filter(item=item).order_by("pk"),
            "sender": _sender_item(request, item.code) is not None,
            "view": selectors.sender_view(item),
        },
    )


@require_GET
def file_download(request: HttpRequest, pk: int) -> FileResponse:
    """Photos and documents, always as an attachment: anyone for a published item; else its
    sender and the officials who see it."""
    row = FeedbackFile.objects.select_related("item").filter(pk=pk).first()
    if row is None:
        raise Http404
    item = row.item
    allowed = item.status == Status.PUBLISHED
    allowed = allowed or _sender_item(request, item.code) is not None
    allowed = allowed or selectors.item_for(request.user, item.pk) is not None
    if not allowed:
        raise Http404
    response = FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name)
    response["Content-Type"] = row.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- officials ------------------------------------------------------------------------------------


@require_GET
@officials_only
def inbox(request: HttpRequest) -> HttpResponse:
    group = request.GET.get("nhom") or "open"
    group = group if group in ("open", "done", "all") else "open"
    q = (request.GET.get("q") or "")[:100]
    page = Paginator(selectors.inbox(request.user, group=group, q=q), 30).get_page(
        request.GET.get("trang")
    )
    return render(
        request,
        "feedback/inbox.html",
        {"page": page, "group": group, "q": q, "coordinates": perms.coordinates(request.user)},
    )


def _detail_context(request: HttpRequest, item: FeedbackItem) -> dict[str, Any]:
    user = request.user
    units = (
        Organisation.objects.active().exclude(kind=OrganisationKind.ONE_STOP_DESK).order_by("path")
    )
    colleagues = []
    if item.unit is not None:
        colleagues = list(
            User.objects.filter(
                pk__in=Position.objects.active()
                .filter(unit__path__startswith=item.unit.path)
                .values("user")
            ).order_by("last_name", "first_name", "username")
        )
    return {
        "item": item,
        "events": item.events.select_related("actor", "unit"),
        "answers": item.answers.select_related("author", "approved_by").prefetch_related("files"),
        "photos": item.files.filter(answer__isnull=True),
        "suggested": services.suggested_unit(item),
        "units": units,
        "colleagues": colleagues,
        "can_classify": perms.can_classify(user, item),
        "can_lead": perms.can_lead_unit(user, item),
        "can_answer": perms.can_answer(user, item),
        "can_publish": perms.can_publish(user, item),
        "S": Status,
    }


@require_GET
@officials_only
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for(request.user, pk)
    if item is None:
        raise Http404
    return render(request, "feedback/detail.html", _detail_context(request, item))


ACTIONS = (
    "reject",
    "request_info",
    "supplement",
    "forward",
    "return",
    "assign",
    "answer",
    "send_back",
    "approve",
    "publish",
    "merge",
)


@require_POST
@officials_only
def action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = selectors.item_for(request.user, pk)
    if item is None or action not in ACTIONS:
        raise Http404
    user = request.user
    assert isinstance(user, User)
    post = request.POST
    try:
        dispatch.feedback_action(
            actor=user, item=item, action=action, data=post, files=_files(request, "files")
        )
    except DomainError as exc:
        context = _detail_context(request, item)
        context["error"] = str(exc.detail)
        return render(request, "feedback/detail.html", context, status=400)
    return redirect(reverse("feedback:detail", args=[item.pk]))


@require_GET
@officials_only
def satisfaction(request: HttpRequest) -> HttpResponse:
    """Tỷ lệ hài lòng (QĐ 766) per unit, officer or procedure over a year (this one by default)."""
    import datetime as dt

    from django.utils import timezone

    from .satisfaction import DIMENSIONS, satisfaction_by

    by = request.GET.get("theo") or "unit"
    by = by if by in DIMENSIONS else "unit"
    today = timezone.localdate()
    try:
        year = int(request.GET.get("nam") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year + 1)
    tz = timezone.get_current_timezone()
    rows = satisfaction_by(
        by=by,
        start=dt.datetime(year, 1, 1, tzinfo=tz),
        end=dt.datetime(year + 1, 1, 1, tzinfo=tz),
        now=timezone.now(),
    )
    return render(
        request,
        "feedback/satisfaction.html",
        {
            "rows": rows,
            "by": by,
            "year": year,
            "choices": [("unit", "Đơn vị"), ("officer", "Cán bộ"), ("procedure", "Thủ tục")],
        },
    )
