"""Officer screens for directives and tasks: the task list with status filters, task detail with
its actions, a directive with several tasks (from a document), statistics per unit with an Excel
export, and "Việc cần làm". Views parse, read through the selectors (invisible = 404), call a
service and redirect with a message; service errors are shown on the page."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyen.accounts.models import Position, User
from chinhquyen.core.api import DomainError
from chinhquyen.core.exports import neutralise, xlsx_response
from chinhquyen.documents import selectors as doc_selectors
from chinhquyen.documents.models import IncomingDocument, OutgoingDocument
from chinhquyen.orgs.models import Organisation

from . import deadlines, permissions, reminders, selectors, services
from .models import (
    Category,
    DeadlineKind,
    ExtensionRequest,
    ExtensionStatus,
    Priority,
    Recurrence,
    SourceKind,
    Task,
    TaskStatus,
)
from .workflow import Action, allowed_actions

PAGE_SIZE = 30
TASK_ROWS = 3
View = Callable[..., HttpResponseBase]
CATEGORY_BADGE = {
    Category.DONE_ON_TIME: "text-bg-success",
    Category.DONE_LATE: "text-bg-warning",
    Category.OPEN_IN_TIME: "text-bg-primary",
    Category.OPEN_OVERDUE: "text-bg-danger",
}


def officials_only(view: View) -> View:
    """Anonymous: to the sign-in page. Not an official: 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if permissions.official(request.user) is None:
            raise PermissionDenied("Chức năng dành cho cán bộ, công chức.")
        return view(request, *args, **kwargs)

    return wrapper


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise DomainError("Ngày không hợp lệ (định dạng YYYY-MM-DD).", code="invalid_date") from exc


def _int(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _by_id(qs: QuerySet[Any], value: str | None) -> Any:
    """The row of ``qs`` whose id is ``value`` (a form field), or None."""
    pk = _int(value)
    return qs.filter(pk=pk).first() if pk is not None else None


def _filters(request: HttpRequest, default_period: str | None) -> tuple[dict[str, Any], str]:
    """The list/statistics filters from the query string, or an error message."""
    get = request.GET
    try:
        win = selectors.window(
            period=get.get("ky") or None,
            on=_date(get.get("ngay")),
            date_from=_date(get.get("tu")),
            date_to=_date(get.get("den")),
            default=default_period if "ky" not in get else None,
        )
    except DomainError as err:
        return {"win": selectors.window(default=default_period)}, str(err.detail)
    values: dict[str, Any] = {"win": win}
    for key, param, choices in (
        ("category", "nhom", Category.values),
        ("status", "trang-thai", TaskStatus.values),
        ("role", "vai-tro", list(selectors.ROLES)),
    ):
        value = get.get(param) or None
        if value is not None and value not in choices:
            return values, "Bộ lọc không hợp lệ."
        values[key] = value
    return values, ""


def _drill(win: selectors.Window) -> str:
    """The list's query string for the window of a statistics page (drill-down links)."""
    parts = []
    if win.start:
        parts.append(f"tu={win.start.isoformat()}")
    if win.end:
        parts.append(f"den={win.end.isoformat()}")
    return "&".join(parts)


def _page(request: HttpRequest, qs: Any) -> tuple[Any, str]:
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return page, query.urlencode()


def _common() -> dict[str, Any]:
    return {
        "categories": Category.choices,
        "statuses": TaskStatus.choices,
        "roles": list(selectors.ROLES.items()),
        "periods": list(deadlines.PERIOD_KINDS.items()),
        "badges": {k.value: v for k, v in CATEGORY_BADGE.items()},
    }


@require_GET
@officials_only
def task_list(request: HttpRequest) -> HttpResponse:
    values, error = _filters(request, default_period=None)
    qs = (
        selectors.task_list(
            _user(request),
            q=request.GET.get("q") or None,
            unit=_int(request.GET.get("don-vi")),
            **values,
        )
        if not error
        else Task.objects.none()
    )
    page, querystring = _page(request, qs)
    return render(
        request,
        "tasks/task_list.html",
        {
            **_common(),
            "page": page,
            "querystring": querystring,
            "error": error,
            "win": values["win"],
            "selected": values,
            "can_assign": permissions.can_assign(request.user),
            "today": timezone.localdate(),
        },
    )


def _assignees(task: Task) -> list[User]:
    """The officials a task may be delegated to: active positions in the lead unit's subtree."""
    ids = (
        Position.objects.active()
        .filter(unit__path__startswith=task.lead_unit.path, user__is_active=True)
        .values("user_id")
    )
    return list(User.objects.filter(pk__in=ids).order_by("full_name", "pk")[:200])


def _detail_context(request: HttpRequest, task: Task) -> dict[str, Any]:
    user = _user(request)
    actions = set(allowed_actions(task.status))
    work = permissions.can_work(user, task)
    decide = permissions.can_decide(user, task)
    pending = next((e for e in task.extensions.all() if e.status == ExtensionStatus.PENDING), None)
    today = timezone.localdate()
    return {
        "task": task,
        "category": deadlines.task_category(task, today),
        "category_labels": dict(Category.choices),
        "badges": {k.value: v for k, v in CATEGORY_BADGE.items()},
        "children": selectors.sub_tasks(user, task),
        "can_report": work and Action.REPORT in actions,
        "can_complete": work and Action.COMPLETE in actions,
        "can_extend": work
        and Action.REQUEST_EXTENSION in actions
        and not task.recurrence
        and pending is None,
        "can_delegate": permissions.can_delegate(user, task) and Action.DELEGATE in actions,
        "can_accept": decide and Action.ACCEPT in actions,
        "pending": pending if decide and Action.DECIDE_EXTENSION in actions else None,
        "subunits": Organisation.objects.filter(path__startswith=task.lead_unit.path)
        .exclude(pk=task.lead_unit_id)
        .order_by("path")[:200],
        "assignees": _assignees(task) if permissions.can_delegate(user, task) else [],
        "evidence_documents": doc_selectors.outgoing_for(user)
        .filter(status__in=services.EVIDENCE_STATUSES)
        .order_by("-pk")[:50],
        "today": today,
    }


@require_GET
@officials_only
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        task = selectors.task_detail(request.user, pk)
    except DomainError as err:
        raise Http404("Không tìm thấy nhiệm vụ.") from err
    return render(request, "tasks/task_detail.html", _detail_context(request, task))


def _do_action(request: HttpRequest, task: Task, action: str) -> Task | None:
    """Run one action from the detail page's forms; returns the task to show next."""
    user = _user(request)
    post = request.POST
    if action == "report":
        percent = _int(post.get("percent"))
        services.task_report(
            actor=user,
            task=task,
            percent=-1 if percent is None else percent,  # missing: refused by the service
            text=post.get("text", ""),
            files=request.FILES.getlist("files"),
        )
        messages.success(request, "Đã gửi báo cáo tiến độ.")
    elif action == "complete":
        outgoing = _by_id(doc_selectors.outgoing_for(user), post.get("outgoing"))
        report = None
        if post.get("text", "").strip():
            report = services.task_report(
                actor=user,
                task=task,
                percent=100,
                text=post["text"],
                files=request.FILES.getlist("files"),
            )
        services.task_complete(actor=user, task=task, outgoing=outgoing, report=report)
        messages.success(request, "Đã báo cáo hoàn thành, chờ người giao xác nhận.")
    elif action == "accept":
        services.task_accept(actor=user, task=task, note=post.get("note", ""))
        messages.success(request, "Đã xác nhận hoàn thành.")
    elif action == "return":
        services.task_return(actor=user, task=task, reason=post.get("reason", ""))
        messages.success(request, "Đã trả lại nhiệm vụ.")
    elif action == "delegate":
        unit = _by_id(Organisation.objects.all(), post.get("unit"))
        assignee = _by_id(User.objects.filter(is_active=True), post.get("assignee"))
        sub = services.task_delegate(
            actor=user,
            task=task,
            content=post.get("content", ""),
            unit=unit,
            assignee=assignee,
            deadline=_date(post.get("deadline")),
        )
        messages.success(request, "Đã giao tiếp nhiệm vụ.")
        return sub if permissions.can_view(user, sub) else task
    elif action == "extension":
        requested = _date(post.get("requested_deadline"))
        if requested is None:
            raise DomainError("Chọn ngày xin gia hạn.", code="deadline_required")
        services.extension_request(
            actor=user, task=task, requested_deadline=requested, reason=post.get("reason", "")
        )
        messages.success(request, "Đã gửi đề nghị gia hạn đến người giao.")
    elif action == "decide":
        extension = _by_id(ExtensionRequest.objects.filter(task=task), post.get("extension"))
        if extension is None:
            raise DomainError("Không tìm thấy đề nghị gia hạn.", code="not_found")
        services.extension_decide(
            actor=user,
            request=extension,
            accept=post.get("accept") == "1",
            new_deadline=_date(post.get("new_deadline")),
            note=post.get("note", ""),
        )
        messages.success(request, "Đã quyết định gia hạn.")
    else:
        raise Http404("Không có thao tác này.")
    return task


@require_POST
@officials_only
def task_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    try:
        task = selectors.task_detail(request.user, pk)
    except DomainError as err:
        raise Http404("Không tìm thấy nhiệm vụ.") from err
    try:
        shown = _do_action(request, task, action)
    except DomainError as err:
        fresh = selectors.task_detail(request.user, pk)
        context = _detail_context(request, fresh)
        context["error"] = str(err.detail)
        return render(request, "tasks/task_detail.html", context, status=err.status_code)
    return redirect("tasks:detail", pk=(shown or task).pk)


def _task_specs(request: HttpRequest, user: User) -> list[services.TaskSpec]:
    post = request.POST
    specs: list[services.TaskSpec] = []
    for i in range(TASK_ROWS):
        content = post.get(f"content-{i}", "").strip()
        if not content:
            continue
        unit = _by_id(Organisation.objects.all(), post.get(f"lead_unit-{i}"))
        if unit is None:
            raise DomainError(f"Nhiệm vụ {i + 1}: chọn đơn vị chủ trì.", code="unit_required")
        coordinating = list(
            Organisation.objects.filter(
                pk__in=[
                    pk for v in post.getlist(f"coordinating-{i}") if (pk := _int(v)) is not None
                ]
            )
        )
        kind = post.get(f"deadline_kind-{i}", DeadlineKind.DATE)
        specs.append(
            services.TaskSpec(
                content=content,
                lead_unit=unit,
                coordinating_units=coordinating,
                deadline_kind=kind,
                deadline=_date(post.get(f"deadline-{i}")),
                working_days=_int(post.get(f"working_days-{i}")),
                recurrence=post.get(f"recurrence-{i}", ""),
                priority=post.get(f"priority-{i}", Priority.NORMAL),
                confidential=post.get(f"confidential-{i}") == "1",
            )
        )
    return specs


@require_http_methods(["GET", "POST"])
@officials_only
def directive_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.can_assign(user):
        raise PermissionDenied("Chỉ lãnh đạo mới giao nhiệm vụ.")
    source = request.POST if request.method == "POST" else request.GET
    incoming: IncomingDocument | None = None
    outgoing: OutgoingDocument | None = None
    incoming = _by_id(doc_selectors.incoming_for(user), source.get("van-ban-den"))
    outgoing = _by_id(doc_selectors.outgoing_for(user), source.get("van-ban-di"))
    error = ""
    if request.method == "POST":
        try:
            specs = _task_specs(request, user)
            directive = services.directive_create(
                actor=user,
                title=request.POST.get("title", ""),
                source_kind=request.POST.get("source_kind", ""),
                incoming=incoming,
                outgoing=outgoing,
                source_reference=request.POST.get("source_reference", ""),
                tasks=specs,
            )
        except DomainError as err:
            error = str(err.detail)
        else:
            messages.success(request, f"Đã giao {directive.tasks.count()} nhiệm vụ.")
            return redirect(reverse("tasks:list") + "?vai-tro=assigned")
    scope = permissions.assigning_unit(user)
    units = (
        Organisation.objects.filter(path__startswith=scope.path).order_by("path")[:500]
        if scope
        else []
    )
    title = ""
    if incoming is not None:
        title = incoming.summary[:500]
    elif outgoing is not None:
        title = outgoing.summary[:500]
    return render(
        request,
        "tasks/directive_form.html",
        {
            "incoming": incoming,
            "outgoing": outgoing,
            "units": units,
            "rows": range(TASK_ROWS),
            "sources": SourceKind.choices,
            "deadline_kinds": DeadlineKind.choices,
            "recurrences": Recurrence.choices,
            "priorities": Priority.choices,
            "error": error,
            "post": request.POST if request.method == "POST" else {},
            "initial_title": title,
            "initial_source": SourceKind.DOCUMENT if (incoming or outgoing) else "",
        },
        status=400 if error else 200,
    )


@require_GET
@officials_only
def statistics(request: HttpRequest) -> HttpResponse:
    values, error = _filters(request, default_period=selectors.DEFAULT_PERIOD)
    stats = selectors.statistics(_user(request), role=values.get("role"), win=values["win"])
    return render(
        request,
        "tasks/statistics.html",
        {
            **_common(),
            "stats": stats,
            "error": error,
            "selected": values,
            "querystring": request.GET.urlencode(),
            "drill": _drill(stats.window),
            "scope_label": SCOPE_LABELS.get(values.get("role") or "", SCOPE_LABELS[""]),
        },
    )


#: the heading of the statistics chart, per view (the "Phạm vi" filter)
SCOPE_LABELS = {
    "": "Nhiệm vụ trong phạm vi",
    "assigned": "Nhiệm vụ tôi/đơn vị tôi giao",
    "lead": "Nhiệm vụ đơn vị tôi chủ trì",
    "coordinate": "Nhiệm vụ đơn vị tôi phối hợp",
    "mine": "Nhiệm vụ tôi được giao",
}


STAT_COLUMNS = (
    "Đơn vị chủ trì",
    "Hoàn thành đúng hạn",
    "Hoàn thành quá hạn",
    "Chưa hoàn thành trong hạn",
    "Chưa hoàn thành quá hạn",
    "Tổng số",
    "Tỷ lệ đúng hạn (%)",
)


@require_GET
@officials_only
def statistics_export(request: HttpRequest) -> HttpResponse:
    values, _error = _filters(request, default_period=selectors.DEFAULT_PERIOD)
    stats = selectors.statistics(_user(request), role=values.get("role"), win=values["win"])
    from openpyxl import Workbook  # at export time only (start-up stays light)
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Thống kê nhiệm vụ"
    win = stats.window
    period = (
        f"Hạn từ {win.start:%d/%m/%Y} đến {win.end:%d/%m/%Y}" if win.start and win.end else "Tất cả"
    )
    sheet.append(["THỐNG KÊ TÌNH HÌNH THỰC HIỆN NHIỆM VỤ"])
    sheet.append([f"{period}; số liệu chốt ngày {win.at:%d/%m/%Y}"])
    sheet.append(list(STAT_COLUMNS))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in [*stats.units, stats.total]:
        sheet.append(
            [
                neutralise(row.label),  # unit names are typed by people
                row.done_on_time,
                row.done_late,
                row.open_in_time,
                row.open_overdue,
                row.total,
                row.on_time_rate if row.on_time_rate is not None else "",
            ]
        )
    sheet.column_dimensions["A"].width = 45
    out = io.BytesIO()
    book.save(out)
    return xlsx_response(out.getvalue(), "thong-ke-nhiem-vu")


@require_GET
@officials_only
def todo(request: HttpRequest) -> HttpResponse:
    items = reminders.todo_items(_user(request))
    groups = [
        (label, [i for i in items if i.bucket == key]) for key, label in reminders.BUCKETS.items()
    ]
    return render(
        request,
        "tasks/todo.html",
        {"groups": groups, "count": len(items), "today": timezone.localdate()},
    )
