"""Pages of the UI shell: the citizen landing page, the appointment calculator, the officer
workspace home and the error pages."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_GET

from chinhquyen.accounts.models import Position, Role, User
from chinhquyen.accounts.permissions import is_official, roles_of
from chinhquyen.core.api import error_body
from chinhquyen.core.calendar import LegalCalendar, get_calendar

from . import navigation
from .forms import AppointmentForm, DurationUnit

logger = logging.getLogger(__name__)


def is_htmx(request: HttpRequest) -> bool:
    """A partial-page request made by htmx (not a history restore, which wants a full page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


# --- Appointment calculator ---------------------------------------------------------------


def _compute_appointment(
    calendar: LegalCalendar, form: AppointmentForm
) -> dict[str, object] | None:
    """The appointment for a valid form, or None after adding a form error."""
    received_at = form.received_at()
    amount: int = form.cleaned_data["amount"]
    apply_cutoff: bool = form.cleaned_data["apply_cutoff"]
    try:
        if form.cleaned_data["unit"] == DurationUnit.HOURS:
            deadline = calendar.deadline(
                received_at, working_hours=amount, apply_cutoff=apply_cutoff
            )
        else:
            deadline = calendar.deadline(
                received_at, working_days=amount, apply_cutoff=apply_cutoff
            )
        counting_start = calendar.counting_start(received_at, apply_cutoff=apply_cutoff)
    except (ValueError, OverflowError):
        form.add_error(
            None,
            "Không tính được ngày hẹn cho thời điểm và thời hạn này. "
            "Hãy kiểm tra lại ngày tiếp nhận và thời hạn giải quyết.",
        )
        return None
    received_local = timezone.localtime(received_at)
    days_off_between = [
        entry
        for year in range(received_local.year, deadline.year + 1)
        for entry in calendar.days_off(year)
        if received_local.date() <= entry.date <= deadline.date()
    ]
    return {
        "received_at": received_local,
        "counting_start": counting_start,
        "counting_delayed": counting_start != received_local,
        "deadline": deadline,
        "amount": amount,
        "unit_label": DurationUnit(form.cleaned_data["unit"]).label,
        "apply_cutoff": apply_cutoff,
        "days_off_between": days_off_between,
    }


@require_GET
def appointment_calculator(request: HttpRequest) -> HttpResponse:
    """ "Tính ngày hẹn trả kết quả": a GET form (works without JavaScript; htmx swaps only the
    tool region) plus the days off of the year."""
    calendar = get_calendar()
    bound = "amount" in request.GET or "received_date" in request.GET
    form = AppointmentForm(request.GET if bound else None, initial=AppointmentForm.initial_now())
    result = None
    year = timezone.localdate().year
    if bound and form.is_valid():
        result = _compute_appointment(calendar, form)
        year = form.cleaned_data["received_date"].year
    context = {
        "form": form,
        "result": result,
        "year": year,
        "days_off": calendar.days_off(year),
        "working_weekend_days": calendar.working_weekend_days(year),
        "hours": calendar.hours,
    }
    template = "web/_calendar_tool.html" if is_htmx(request) else "web/calendar.html"
    response = render(request, template, context)
    response.headers["Vary"] = "HX-Request"
    return response


# --- Officer workspace --------------------------------------------------------------------


@dataclass(frozen=True)
class Counter:
    label: str
    count: int
    url: str
    urgent: bool = False


def _work_counters(user: User) -> list[Counter]:
    """The officer home's counters: the one-stop queue (open, overdue) and the documents work
    of "Việc của tôi", each linking to its list. Only the counters of the user's roles."""
    from chinhquyen.documents.permissions import uses_documents
    from chinhquyen.documents.selectors import my_work
    from chinhquyen.dossiers.selectors import inbox_counts

    roles = roles_of(user)
    counters: list[Counter] = []
    if roles & {Role.DESK_OFFICER, Role.SPECIALIST, Role.UNIT_HEAD, Role.LEADER}:
        counts = inbox_counts(user, now=timezone.now())
        overdue = counts.pop("overdue", 0)
        inbox = reverse("dossiers:inbox")
        counters.append(Counter("Hồ sơ một cửa đang xử lý", sum(counts.values()), inbox))
        counters.append(
            Counter("Hồ sơ quá hạn", overdue, f"{inbox}?deadline=qua-han", urgent=overdue > 0)
        )
    if uses_documents(user):
        mine = reverse("documents:my_tasks")
        work = my_work(user).counts()
        labels = {
            "to_assign": "Văn bản trình tôi chỉ đạo",
            "to_review": "Dự thảo chờ tôi duyệt",
            "to_distribute": "Văn bản giao đơn vị, chưa giao người",
            "tasks": "Việc được giao đang mở",
        }
        for key, label in labels.items():
            if work[key] or key == "tasks":
                counters.append(Counter(label, work[key], mine))
    return counters


@login_required
@require_GET
def workspace(request: HttpRequest) -> HttpResponse:
    """The officials' home: greeting, positions, and what each position gives access to."""
    user = request.user
    if not isinstance(user, User) or not is_official(user):
        raise PermissionDenied("Trang làm việc chỉ dành cho cán bộ, công chức.")
    positions = list(
        Position.objects.active()
        .filter(user=user)
        .select_related("unit")
        .order_by("unit__path", "role")
    )
    common = [
        link
        for link in navigation.workspace_sections(positions, path=request.path)[0].links
        if link.item.url_name != "web:workspace"
    ]
    cards = [
        {"position": position, "links": navigation.position_links(position)}
        for position in positions
    ]
    context = {
        "counters": _work_counters(user),
        "positions": positions,
        "position_cards": cards,
        "common_links": common,
        "roles": sorted(roles_of(user)),
    }
    return render(request, "web/workspace.html", context)


# --- Error pages (handler400/403/404/500 in chinhquyen/urls.py) ---------------------------


# Under /api/ the answers are the API's structured Vietnamese errors (chinhquyen.core.api), not
# pages: an API client that asks for /api/v1/dossiers/abc/ (no such route) gets JSON.
API_PREFIX = "/api/"
API_ERRORS = {
    400: ("bad_request", "Yêu cầu không hợp lệ."),
    403: ("permission_denied", "Bạn không có quyền thực hiện thao tác này."),
    404: ("not_found", "Không tìm thấy dữ liệu yêu cầu."),
    500: ("server_error", "Hệ thống đang gặp sự cố, vui lòng thử lại sau."),
}


def _api_error(request: HttpRequest, status: int) -> HttpResponse | None:
    if not request.path.startswith(API_PREFIX):
        return None
    code, message = API_ERRORS[status]
    return JsonResponse(
        error_body(code, message), status=status, json_dumps_params={"ensure_ascii": False}
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 400) or render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 403) or render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 404) or render(
        request, "errors/404.html", {"request_path": request.path}, status=404
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: usually a form left open until the session expired."""
    return render(request, "errors/csrf.html", status=403)


FALLBACK_500 = (
    '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
    "<title>Lỗi hệ thống</title></head><body><main><h1>Hệ thống đang gặp sự cố</h1>"
    "<p>Xin lỗi, đã có lỗi xảy ra khi xử lý yêu cầu của bạn. Vui lòng thử lại sau ít phút.</p>"
    '<p><a href="/">Về trang chủ</a></p></main></body></html>'
)


def server_error(request: HttpRequest) -> HttpResponse:
    """Render without the request context: the database, the session or a context processor
    may be what failed. If even the template fails, answer with a fixed page."""
    api = _api_error(request, 500)
    if api is not None:
        return api
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "PROVINCE_NAME": settings.PROVINCE_NAME,
        "now": dt.datetime.now(tz=dt.UTC),
    }
    try:
        body = loader.get_template("errors/500.html").render(context)
    except Exception:  # the error page must never raise
        logger.exception("errors/500.html could not be rendered")
        body = FALLBACK_500.replace("Lỗi hệ thống", escape(f"Lỗi hệ thống | {settings.SITE_NAME}"))
    return HttpResponseServerError(body)
