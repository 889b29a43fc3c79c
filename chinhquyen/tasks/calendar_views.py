"""Work calendar screens: the public week of an organisation and its iCalendar feed; the office's
and the leader's management (draft, edit, submit, approve, publish, re-publish); attendance and
the meeting conclusion; "my meetings"; joining an online meeting (sandbox room or Jitsi)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.orgs.models import Organisation

from . import calendar, ical, meetings
from .calendar_forms import ConclusionForm, EventForm, OccurrenceForm
from .models import AttendanceStatus, CalendarEvent, EventStatus
from .services import TaskSpec
from .views import officials_only

FEED_PAST_DAYS = 92
FEED_FUTURE_DAYS = 366
CONCLUSION_ROWS = 3
# "my meetings" lists the occurrences from this week's Monday to this far ahead
LATER = dt.timedelta(days=92)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _monday(request: HttpRequest) -> dt.date:
    return calendar.week_start(_date(request.GET.get("tuan")) or timezone.localdate())


def _days(events: list[Any], monday: dt.date) -> list[dict[str, Any]]:
    days = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        items = [e for e in events if timezone.localtime(e.start).date() == day]
        days.append({"date": day, "label": calendar.day_label(day), "events": items})
    return days


def _week_context(monday: dt.date) -> dict[str, Any]:
    return {
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "previous": (monday - dt.timedelta(days=7)).isoformat(),
        "next": (monday + dt.timedelta(days=7)).isoformat(),
        "this_week": calendar.week_start(timezone.localdate()).isoformat(),
    }


# --- public ---------------------------------------------------------------------------------


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "tasks/calendar_index.html",
        {"organisations": calendar.public_organisations()},
    )


@require_GET
def public_week(request: HttpRequest, organisation: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=organisation)
    monday = _monday(request)
    events = calendar.week_occurrences(calendar.published_week(org, monday), monday)
    feed = request.build_absolute_uri(reverse("tasks_calendar:ical", args=[org.pk]))
    return render(
        request,
        "tasks/calendar_public.html",
        {
            "organisation": org,
            "days": _days(events, monday),
            "count": sum(1 for e in events if not e.cancelled),
            "feed_url": feed,
            **_week_context(monday),
        },
    )


@require_GET
def ical_feed(request: HttpRequest, organisation: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=organisation)
    now = timezone.now()
    events = calendar.feed_events(org).filter(
        calendar.in_window(
            now - dt.timedelta(days=FEED_PAST_DAYS), now + dt.timedelta(days=FEED_FUTURE_DAYS)
        )
    )
    body = ical.calendar_text(f"Lịch công tác — {org}", events, now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="lich-cong-tac-{org.pk}.ics"'
    return response


# --- joining a meeting ----------------------------------------------------------------------


@require_GET
@officials_only
def join(request: HttpRequest, uid: Any) -> HttpResponseBase:
    event = CalendarEvent.objects.filter(uid=uid, online=True).select_related("chair").first()
    if event is None or not calendar.can_join(request.user, event):
        raise Http404("Không tìm thấy cuộc họp.")
    return redirect(meetings.provider().join_url(event, _user(request)))


@require_GET
@officials_only
def sandbox_room(request: HttpRequest, room: str) -> HttpResponse:
    event = CalendarEvent.objects.filter(room=room, online=True).select_related("chair").first()
    if event is None or not calendar.can_join(request.user, event):
        raise Http404("Không tìm thấy phòng họp.")
    return render(
        request,
        "tasks/meeting_room.html",
        {"event": event, "when": meetings.when_text(event), "people": meetings.invitees(event)},
    )


# --- officers -------------------------------------------------------------------------------


def _calendars(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=calendar.managed_calendar_ids(user)).order_by("path")


def _office_calendars(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=calendar.office_calendar_ids(user)).order_by("path")


def _managed(request: HttpRequest, pk: int) -> CalendarEvent:
    event = calendar.managed_events(request.user).filter(pk=pk).first()
    if event is None:
        raise Http404("Không tìm thấy lịch.")
    return event


@require_GET
@officials_only
def manage(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    calendars = _calendars(user)
    if not calendars.exists():
        raise PermissionDenied("Chức năng dành cho văn phòng và lãnh đạo.")
    monday = _monday(request)
    start, end = calendar.week_bounds(monday)
    events = calendar.week_occurrences(
        calendar.managed_events(user)
        .filter(calendar.in_window(start, end))
        .prefetch_related("exceptions"),
        monday,
    )
    waiting = calendar.managed_events(user).filter(
        organisation_id__in=calendar.leader_calendar_ids(user), status=EventStatus.SUBMITTED
    )
    return render(
        request,
        "tasks/calendar_manage.html",
        {
            "days": _days(events, monday),
            "calendars": calendars,
            "can_draft": bool(calendar.office_calendar_ids(user)),
            "waiting": waiting,
            **_week_context(monday),
        },
    )


def _organisation_choice(request: HttpRequest, calendars: QuerySet[Organisation]) -> Any:
    raw = request.POST.get("organisation") or request.GET.get("lich")
    if raw and raw.isdigit():
        return calendars.filter(pk=int(raw)).first()
    return calendars.first()


@require_http_methods(["GET", "POST"])
@officials_only
def event_create(request: HttpRequest) -> HttpResponseBase:
    user = _user(request)
    calendars = _office_calendars(user)
    if not calendars.exists():
        raise PermissionDenied("Chỉ văn phòng (văn thư) mới soạn lịch công tác.")
    org = _organisation_choice(request, calendars)
    form = EventForm(request.POST or None, calendars=calendars, organisation=org)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            event = calendar.event_create(
                actor=user, organisation=form.cleaned_data["organisation"], spec=form.spec()
            )
        except DomainError as exc:
            error = str(exc.detail)
        else:
            messages.success(request, "Đã lưu dự thảo lịch công tác.")
            return redirect("tasks_calendar:event", pk=event.pk)
    return render(
        request, "tasks/calendar_form.html", {"form": form, "error": error, "event": None}
    )


@require_http_methods(["GET", "POST"])
@officials_only
def event_edit(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _user(request)
    event = _managed(request, pk)
    calendars = Organisation.objects.filter(pk=event.organisation_id)
    form = EventForm(
        request.POST or None,
        initial=EventForm.initial_for(event),
        calendars=calendars,
        organisation=event.organisation,
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            calendar.event_update(
                actor=user, event=event, spec=form.spec(), note=request.POST.get("note", "")
            )
        except DomainError as exc:
            error = str(exc.detail)
        else:
            messages.success(request, "Đã lưu thay đổi.")
            return redirect("tasks_calendar:event", pk=event.pk)
    return render(
        request, "tasks/calendar_form.html", {"form": form, "error": error, "event": event}
    )


@require_GET
@officials_only
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    event = _managed(request, pk)
    actions = [
        (a, calendar.EventAction(a).label)
        for a in calendar.allowed_actions(event.status)
        if a not in (calendar.EventAction.EDIT, calendar.EventAction.REPUBLISH)
        and calendar.can_act(user, event, a)
    ]
    editable = any(
        calendar.can_act(user, event, a)
        for a in calendar.allowed_actions(event.status)
        if a in (calendar.EventAction.EDIT, calendar.EventAction.REPUBLISH)
    )
    marks = {a.user_id: a for a in event.attendance.all()}
    people = [(p, marks.get(p.pk)) for p in meetings.invitees(event)]
    published = event.status == EventStatus.PUBLISHED
    conclude = (
        ConclusionForm(event=event, user=user)
        if published
        and event.conclusion_directive_id is None
        and "leader" in calendar.roles_for(user, event.organisation_id)
        else None
    )
    return render(
        request,
        "tasks/calendar_event.html",
        {
            "event": event,
            "actions": actions,
            "editable": editable,
            "people": people,
            "attendance_choices": AttendanceStatus.choices,
            "published": published,
            "conclude": conclude,
            "rows": range(CONCLUSION_ROWS),
            "changes": calendar.labelled(event.changes.select_related("actor")),
            "recurrence": calendar.recurrence_text(event),
            "series": calendar.occurrences(event) if event.recurrence else [],
            "can_change_occurrence": event.recurrence
            and event.status in (EventStatus.DRAFT, EventStatus.PUBLISHED)
            and editable,
            "join_url": meetings.join_page(event) if event.online else "",
        },
    )


@require_POST
@officials_only
def event_action(request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
    event = _managed(request, pk)
    try:
        calendar.event_transition(
            actor=_user(request), event=event, action=action, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, "Đã thực hiện.")
    return redirect("tasks_calendar:event", pk=event.pk)


@require_POST
@officials_only
def occurrence(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Cancel or move one occurrence of a recurring event (the form on the event page)."""
    event = _managed(request, pk)
    form = OccurrenceForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("tasks_calendar:event", pk=event.pk)
    data = form.cleaned_data
    try:
        calendar.occurrence_change(
            actor=_user(request),
            event=event,
            original_start=data["original_start"],
            cancel=data["action"] == OccurrenceForm.CANCEL,
            start=data.get("start"),
            end=data.get("end"),
            note=data["note"],
        )
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(
            request,
            "Đã hủy buổi này." if data["action"] == OccurrenceForm.CANCEL else "Đã dời buổi này.",
        )
    return redirect("tasks_calendar:event", pk=event.pk)


@require_POST
@officials_only
def attendance(request: HttpRequest, pk: int) -> HttpResponseBase:
    event = _managed(request, pk)
    people = {str(p.pk): p for p in meetings.invitees(event)}
    marks = []
    for key, person in people.items():
        status = request.POST.get(f"status-{key}")
        if status:
            marks.append((person, status, request.POST.get(f"note-{key}", "")))
    try:
        meetings.attendance_record(actor=_user(request), event=event, marks=marks)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, "Đã ghi nhận điểm danh.")
    return redirect("tasks_calendar:event", pk=event.pk)


@require_POST
@officials_only
def conclude(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = _user(request)
    event = _managed(request, pk)
    form = ConclusionForm(request.POST, event=event, user=user)
    if not form.is_valid():
        messages.error(request, "Chọn văn bản thông báo kết luận.")
        return redirect("tasks_calendar:event", pk=event.pk)
    specs = []
    for i in range(CONCLUSION_ROWS):
        content = request.POST.get(f"content-{i}", "").strip()
        if not content:
            continue
        unit = form.units.filter(pk=_int(request.POST.get(f"lead_unit-{i}"))).first()
        deadline = _date(request.POST.get(f"deadline-{i}"))
        if unit is None:
            messages.error(request, "Chọn đơn vị chủ trì cho từng nhiệm vụ.")
            return redirect("tasks_calendar:event", pk=event.pk)
        specs.append(TaskSpec(content=content, lead_unit=unit, deadline=deadline))
    try:
        directive = meetings.meeting_conclude(
            actor=user,
            event=event,
            document=form.cleaned_data["document"],
            title=form.cleaned_data["title"],
            tasks=specs,
        )
    except DomainError as exc:
        messages.error(request, str(exc.detail))
        return redirect("tasks_calendar:event", pk=event.pk)
    messages.success(request, f"Đã giao {directive.tasks.count()} nhiệm vụ theo kết luận.")
    return redirect("tasks_calendar:event", pk=event.pk)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@require_GET
@officials_only
def my_meetings(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    start, _ = calendar.week_bounds(calendar.week_start(today))
    series = calendar.my_meetings(request.user).filter(calendar.in_window(start, start + LATER))
    events = sorted(
        (
            o
            for event in series.prefetch_related("exceptions")[:100]
            for o in calendar.occurrences(event, start, start + LATER)
        ),
        key=lambda o: (o.start, o.event.pk),
    )[:100]
    return render(
        request,
        "tasks/my_meetings.html",
        {"events": events, "notices": calendar.meeting_notices(request.user)},
    )
