"""Weekly work calendars (lịch công tác tuần): who may do what, the workflow, the writes, the reads.

* **Whose calendar.** Every organisation (the provincial People's Committee — the province
  leaders' calendar — a department, a commune) and every unit may have one.
* **Office.** Clerks (văn thư, văn phòng) draft and edit the calendar of their own organisation
  (the nearest organisation above a unit-kind position); a unit head drafts the calendar of his
  unit. They submit events to a leader.
* **Leader.** A leader of the organisation (or the unit head, for a unit's calendar) approves or
  returns a submitted event; the office or the leader publishes an approved one.
* **After publishing** an edit is recorded (with the changed fields) and re-published at once:
  the event stays public with ``sequence`` + 1, and the invitations go out again.
* **Public.** Anybody reads the published events of an organisation, by week; drafts are never
  shown outside the organisation.

Every state change goes through ``TRANSITIONS`` and writes a ``CalendarEventChange`` row.
"""

from __future__ import annotations

import calendar as std_calendar
import datetime as dt
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from chinhquyen.accounts.models import Role, User
from chinhquyen.accounts.permissions import units_with_role
from chinhquyen.core.api import DomainError
from chinhquyen.documents.models import IncomingDocument, OutgoingDocument
from chinhquyen.orgs.models import Organisation, OrganisationKind

from . import permissions
from .models import (
    CalendarEvent,
    CalendarEventChange,
    CalendarEventException,
    EventRecurrence,
    EventStatus,
)

S = EventStatus
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


class EventAction(models.TextChoices):
    CREATE = "create", "Soạn lịch"
    EDIT = "edit", "Sửa lịch"
    SUBMIT = "submit", "Trình lãnh đạo duyệt"
    APPROVE = "approve", "Duyệt"
    RETURN = "return", "Trả lại để sửa"
    PUBLISH = "publish", "Công bố"
    REPUBLISH = "republish", "Điều chỉnh và công bố lại"
    CANCEL = "cancel", "Hủy lịch"
    OCCURRENCE_CANCEL = "occurrence_cancel", "Hủy một buổi"
    OCCURRENCE_MOVE = "occurrence_move", "Dời một buổi"


A = EventAction

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, A.EDIT): S.DRAFT,
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.DRAFT, A.CANCEL): S.CANCELLED,
    (S.SUBMITTED, A.APPROVE): S.APPROVED,
    (S.SUBMITTED, A.RETURN): S.DRAFT,
    (S.SUBMITTED, A.CANCEL): S.CANCELLED,
    (S.APPROVED, A.PUBLISH): S.PUBLISHED,
    (S.APPROVED, A.RETURN): S.DRAFT,
    (S.APPROVED, A.CANCEL): S.CANCELLED,
    (S.PUBLISHED, A.REPUBLISH): S.PUBLISHED,
    (S.PUBLISHED, A.CANCEL): S.CANCELLED,
}
# who acts: "office" (drafts) or "leader" (approves); publishing and cancelling: either
ACTORS: dict[str, tuple[str, ...]] = {
    A.EDIT: ("office",),
    A.SUBMIT: ("office",),
    A.APPROVE: ("leader",),
    A.RETURN: ("leader",),
    A.PUBLISH: ("office", "leader"),
    A.REPUBLISH: ("office", "leader"),
    A.CANCEL: ("office", "leader"),
}


def target(status: str, action: str) -> str:
    result = TRANSITIONS.get((status, action))
    if result is None:
        try:
            label = EventAction(action).label
        except ValueError:
            label = action
        raise DomainError(
            f"Không thể «{label}» khi lịch đang ở trạng thái «{EventStatus(status).label}».",
            code="invalid_transition",
            status_code=409,
        )
    return result


def allowed_actions(status: str) -> list[str]:
    return [action for (source, action) in TRANSITIONS if source == status]


# --- permissions ----------------------------------------------------------------------------


def home_organisation(unit: Organisation) -> Organisation:
    """The organisation a unit belongs to: itself, or its nearest ancestor that is not a unit."""
    if unit.kind != OrganisationKind.UNIT:
        return unit
    for ancestor in reversed(list(unit.ancestors())):
        if ancestor.kind != OrganisationKind.UNIT:
            return ancestor
    return unit


def _calendars(user: object, roles: Iterable[str], unit_roles: Iterable[str]) -> set[int]:
    u = permissions.official(user)
    if u is None:
        return set()
    ids = {home_organisation(unit).pk for unit in units_with_role(u, roles)}
    ids |= {
        unit.pk for unit in units_with_role(u, unit_roles) if unit.kind == OrganisationKind.UNIT
    }
    return ids


def office_calendar_ids(user: object) -> set[int]:
    """Calendars the user drafts: his clerk positions' organisations, his headed units."""
    return _calendars(user, [Role.CLERK], [Role.UNIT_HEAD])


def leader_calendar_ids(user: object) -> set[int]:
    """Calendars the user approves: his leader positions' organisations, his headed units."""
    return _calendars(user, [Role.LEADER], [Role.UNIT_HEAD])


def managed_calendar_ids(user: object) -> set[int]:
    return office_calendar_ids(user) | leader_calendar_ids(user)


def roles_for(user: object, organisation_id: int) -> set[str]:
    out = set()
    if organisation_id in office_calendar_ids(user):
        out.add("office")
    if organisation_id in leader_calendar_ids(user):
        out.add("leader")
    return out


def can_act(user: object, event: CalendarEvent, action: str) -> bool:
    return bool(roles_for(user, event.organisation_id) & set(ACTORS.get(action, ())))


def _forbidden(message: str = "Bạn không có quyền thực hiện thao tác này.") -> DomainError:
    return DomainError(message, code="forbidden", status_code=403)


# --- reads ----------------------------------------------------------------------------------


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_bounds(monday: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=7)


def published_events(organisation: Organisation) -> QuerySet[CalendarEvent]:
    return (
        CalendarEvent.objects.filter(organisation=organisation, status=S.PUBLISHED)
        .select_related("chair", "preparing_unit", "organisation")
        .prefetch_related("participant_units", "participants", "exceptions")
    )


def feed_events(organisation: Organisation) -> QuerySet[CalendarEvent]:
    """Published events, and published ones cancelled since (sent as STATUS:CANCELLED so that
    subscribed calendars drop them)."""
    return (
        CalendarEvent.objects.filter(organisation=organisation)
        .filter(Q(status=S.PUBLISHED) | Q(status=S.CANCELLED, published_at__isnull=False))
        .select_related("chair", "preparing_unit", "organisation")
        .prefetch_related("participant_units", "participants", "exceptions")
    )


def in_window(start: dt.datetime, end: dt.datetime) -> Q:
    """Events that may have an occurrence overlapping ``start``–``end``: one-off events that
    overlap it, and series begun before its end and not ended (with the slack a moved
    occurrence may take) before its start."""
    one_off = Q(recurrence="", start__lt=end, end__gt=start)
    slack = (timezone.localtime(start) - MAX_MOVE).date()
    series = (
        ~Q(recurrence="")
        & Q(start__lt=end)
        & (Q(recurrence_until__isnull=True) | Q(recurrence_until__gte=slack))
    )
    return one_off | series


def published_week(organisation: Organisation, monday: dt.date) -> QuerySet[CalendarEvent]:
    """Published events that may fall in the week (expand them with ``week_occurrences``)."""
    start, end = week_bounds(monday)
    return published_events(organisation).filter(in_window(start, end))


# --- recurrence -----------------------------------------------------------------------------

#: how far from its place in the series a single occurrence may be moved
MAX_MOVE = dt.timedelta(days=31)


@dataclass
class Occurrence:
    """One occurrence of an event (a one-off event is its own single occurrence); every other
    attribute is the event's. ``original_start`` identifies it in a series (RECURRENCE-ID)."""

    event: CalendarEvent
    start: dt.datetime
    end: dt.datetime
    original_start: dt.datetime | None = None
    cancelled: bool = False
    moved: bool = False
    note: str = ""

    def __getattr__(self, name: str) -> Any:
        if name == "event":  # not yet set (copy, pickle): never recurse
            raise AttributeError(name)
        return getattr(self.event, name)

    @property
    def recurring(self) -> bool:
        return self.original_start is not None


def series_starts(event: CalendarEvent) -> Iterator[dt.datetime]:
    """The starts of the series on the local clock (RFC 5545 RRULE, interval 1): every week on
    the same weekday, or every month on the same day (months without that day are skipped);
    up to ``recurrence_until`` (inclusive) or ``recurrence_count`` occurrences."""
    first = timezone.localtime(event.start)
    if not event.recurrence:
        yield first
        return
    tz, clock, day = first.tzinfo, first.time(), first.date()
    count = event.recurrence_count or MAX_OCCURRENCES
    until = event.recurrence_until or day + dt.timedelta(days=MAX_SERIES_DAYS)
    made = 0
    step = 0
    while made < count:
        if event.recurrence == EventRecurrence.WEEKLY:
            date: dt.date | None = day + dt.timedelta(weeks=step)
        else:
            year, month = divmod(day.month - 1 + step, 12)
            year += day.year
            month += 1
            last = std_calendar.monthrange(year, month)[1]
            date = dt.date(year, month, day.day) if day.day <= last else None
            if date is None and dt.date(year, month, last) > until:
                return
        step += 1
        if date is None:
            continue
        if date > until:
            return
        made += 1
        yield dt.datetime.combine(date, clock, tzinfo=tz)


def occurrences(
    event: CalendarEvent, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> list[Occurrence]:
    """The occurrences of ``event`` overlapping ``start``–``end`` (all when not given), with
    its exceptions applied: a cancelled one is kept with ``cancelled``, a moved one at its new
    time with ``moved``."""
    duration = event.end - event.start
    if not event.recurrence:
        found = [Occurrence(event, event.start, event.end)]
    else:
        exceptions = {x.original_start: x for x in event.exceptions.all()}
        found = []
        for first in series_starts(event):
            x = exceptions.get(first)
            if x is not None and not x.cancelled and x.start and x.end:
                item = Occurrence(event, x.start, x.end, first, moved=True, note=x.note)
            else:
                item = Occurrence(event, first, first + duration, first)
                if x is not None:
                    item.cancelled, item.note = True, x.note
            found.append(item)
    return [o for o in found if (start is None or o.end > start) and (end is None or o.start < end)]


def week_occurrences(events: Iterable[CalendarEvent], monday: dt.date) -> list[Occurrence]:
    start, end = week_bounds(monday)
    items = [o for event in events for o in occurrences(event, start, end)]
    return sorted(items, key=lambda o: (o.start, o.event.pk))


def occurrence_at(event: CalendarEvent, original_start: dt.datetime) -> dt.datetime:
    """``original_start`` if it is an occurrence of the series; else a Vietnamese 400."""
    for first in series_starts(event):
        if first == original_start:
            return first
        if first > original_start:
            break
    raise DomainError("Không có buổi nào của lịch vào thời điểm này.", code="invalid_occurrence")


def recurrence_text(event: CalendarEvent) -> str:
    if not event.recurrence:
        return ""
    label = EventRecurrence(event.recurrence).label
    if event.recurrence_until is not None:
        return f"{label} đến ngày {event.recurrence_until:%d/%m/%Y}"
    return f"{label}, {event.recurrence_count} buổi"


def public_organisations() -> QuerySet[Organisation]:
    """Organisations with at least one published event (the public index)."""
    return Organisation.objects.filter(
        pk__in=CalendarEvent.objects.filter(status=S.PUBLISHED).values("organisation_id")
    ).order_by("path")


def managed_events(user: object) -> QuerySet[CalendarEvent]:
    """Every event of the calendars the user drafts or approves (drafts included)."""
    ids = managed_calendar_ids(user)
    if not ids:
        return CalendarEvent.objects.none()
    return CalendarEvent.objects.filter(organisation_id__in=ids).select_related(
        "organisation", "chair", "preparing_unit"
    )


def my_meetings(user: object) -> QuerySet[CalendarEvent]:
    """Published events the user chairs, is invited to, or whose invited unit he heads."""
    u = permissions.official(user)
    if u is None:
        return CalendarEvent.objects.none()
    heads = [p.pk for p in units_with_role(u, [Role.LEADER, Role.UNIT_HEAD])]
    return (
        CalendarEvent.objects.filter(status=S.PUBLISHED)
        .filter(Q(chair=u) | Q(participants=u) | Q(participant_units__in=heads))
        .distinct()
        .select_related("organisation", "chair")
    )


NOTICE_ACTIONS = (
    A.PUBLISH,
    A.REPUBLISH,
    A.CANCEL,
    A.OCCURRENCE_CANCEL,
    A.OCCURRENCE_MOVE,
)
NOTICE_DAYS = 30


def meeting_notices(user: object, *, days: int = NOTICE_DAYS) -> list[CalendarEventChange]:
    """The in-app calendar notices of the user: invitations, changes and cancellations of the
    last ``days`` days for published events he chairs, is invited to, or whose invited unit he
    heads (newest first, at most 50), each with a Vietnamese ``label``."""
    u = permissions.official(user)
    if u is None:
        return []
    heads = [p.pk for p in units_with_role(u, [Role.LEADER, Role.UNIT_HEAD])]
    events = CalendarEvent.objects.filter(published_at__isnull=False).filter(
        Q(chair=u) | Q(participants=u) | Q(participant_units__in=heads)
    )
    rows = (
        CalendarEventChange.objects.filter(
            event__in=events.values("pk"),
            action__in=NOTICE_ACTIONS,
            at__gte=timezone.now() - dt.timedelta(days=days),
        )
        .select_related("event", "event__organisation")
        .order_by("-at", "-pk")[:50]
    )
    out = labelled(rows)
    for row in out:
        original = (row.data or {}).get("original_start")
        row.occurrence = (  # type: ignore[attr-defined]
            timezone.localtime(dt.datetime.fromisoformat(original)) if original else None
        )
    return out


def can_join(user: object, event: CalendarEvent) -> bool:
    if event.status != S.PUBLISHED:
        return event.organisation_id in managed_calendar_ids(user)
    return my_meetings(user).filter(
        pk=event.pk
    ).exists() or event.organisation_id in managed_calendar_ids(user)


def can_view_managed(user: object, event: CalendarEvent) -> bool:
    return event.organisation_id in managed_calendar_ids(user)


EXTRA_LABELS = {"attendance": "Điểm danh", "conclude": "Ghi kết luận, giao nhiệm vụ"}


def labelled(changes: Iterable[CalendarEventChange]) -> list[CalendarEventChange]:
    """History rows with a Vietnamese ``label`` of their action."""
    rows = list(changes)
    for row in rows:
        try:
            label = EventAction(row.action).label
        except ValueError:
            label = EXTRA_LABELS.get(row.action, row.action)
        row.label = label  # type: ignore[attr-defined]
    return rows


def day_label(day: dt.date) -> str:
    return f"{WEEKDAYS[day.weekday()]}, ngày {day:%d/%m/%Y}"


# --- writes ---------------------------------------------------------------------------------


@dataclass
class EventSpec:
    title: str
    start: dt.datetime
    end: dt.datetime
    place: str = ""
    chair: User | None = None
    participants: Sequence[User] = field(default_factory=list)
    participant_units: Sequence[Organisation] = field(default_factory=list)
    preparing_unit: Organisation | None = None
    incoming_documents: Sequence[IncomingDocument] = field(default_factory=list)
    outgoing_documents: Sequence[OutgoingDocument] = field(default_factory=list)
    notes: str = ""
    online: bool = False
    recurrence: str = ""
    recurrence_until: dt.date | None = None
    recurrence_count: int | None = None


FIELDS = (
    "title",
    "start",
    "end",
    "place",
    "chair",
    "preparing_unit",
    "notes",
    "online",
    "recurrence",
    "recurrence_until",
    "recurrence_count",
)
M2M = ("participants", "participant_units", "incoming_documents", "outgoing_documents")


def _record(
    event: CalendarEvent,
    *,
    action: str,
    actor: User | None,
    from_status: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CalendarEventChange:
    return CalendarEventChange.objects.create(
        event=event,
        action=action,
        from_status=from_status,
        to_status=event.status,
        actor=actor,
        note=note,
        data=data or {},
    )


def _check(spec: EventSpec, organisation_id: int) -> None:
    if not (spec.title or "").strip():
        raise DomainError("Chưa nhập nội dung lịch.", code="title_required")
    if spec.start is None or spec.end is None:
        raise DomainError("Chưa nhập thời gian.", code="time_required")
    if timezone.is_naive(spec.start) or timezone.is_naive(spec.end):
        raise DomainError("Thời gian phải có múi giờ.", code="invalid_time")
    if spec.end <= spec.start:
        raise DomainError("Giờ kết thúc phải sau giờ bắt đầu.", code="invalid_time")
    _check_recurrence(spec)
    documents: list[IncomingDocument | OutgoingDocument] = [
        *spec.incoming_documents,
        *spec.outgoing_documents,
    ]
    if any(doc.organisation_id != organisation_id for doc in documents):
        raise DomainError("Chỉ gắn văn bản của chính cơ quan có lịch.", code="invalid_document")


MAX_OCCURRENCES = 120
MAX_SERIES_DAYS = 2 * 366


def _check_recurrence(spec: EventSpec) -> None:
    """A series repeats weekly or monthly and ends on a date or after a number of occurrences
    (exactly one of them), at most two years and 120 occurrences; a one-off event has none."""
    if spec.recurrence not in EventRecurrence.values:
        raise DomainError("Kiểu lặp lại không hợp lệ.", code="invalid_recurrence")
    if not spec.recurrence:
        spec.recurrence_until = spec.recurrence_count = None
        return
    if spec.end - spec.start > dt.timedelta(days=1):
        raise DomainError(
            "Lịch lặp lại chỉ dành cho sự kiện trong một ngày.", code="invalid_recurrence"
        )
    until, count = spec.recurrence_until, spec.recurrence_count
    if (until is None) == (count is None):
        raise DomainError(
            "Lịch lặp lại cần đúng một điều kiện kết thúc: đến ngày, hoặc số buổi.",
            code="invalid_recurrence",
        )
    first = timezone.localtime(spec.start).date()
    if until is not None and not first <= until <= first + dt.timedelta(days=MAX_SERIES_DAYS):
        raise DomainError(
            "Ngày kết thúc lặp lại phải từ ngày bắt đầu đến tối đa 2 năm sau.",
            code="invalid_recurrence",
        )
    if count is not None and not 1 <= count <= MAX_OCCURRENCES:
        raise DomainError(
            f"Số buổi lặp lại phải từ 1 đến {MAX_OCCURRENCES}.", code="invalid_recurrence"
        )


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _apply(event: CalendarEvent, spec: EventSpec) -> dict[str, Any]:
    """Write the spec on the event; returns what changed (field -> [old, new])."""
    changed: dict[str, Any] = {}
    for name in FIELDS:
        new = getattr(spec, name)
        if name in ("title", "place", "notes"):
            new = (new or "").strip()
        old = getattr(event, name)
        if _plain(old) != _plain(new):
            changed[name] = [_plain(old), _plain(new)]
            setattr(event, name, new)
    if event.online and not event.room:
        event.room = f"ChinhQuyen-{secrets.token_hex(6)}"
    event.save()
    for name in M2M:
        wanted = {obj.pk for obj in getattr(spec, name)}
        manager = getattr(event, name)
        current = set(manager.values_list("pk", flat=True))
        if wanted != current:
            changed[name] = [sorted(current), sorted(wanted)]
            manager.set(list(wanted))
    return changed


@transaction.atomic
def event_create(*, actor: User, organisation: Organisation, spec: EventSpec) -> CalendarEvent:
    """A draft event on ``organisation``'s calendar, by its office."""
    if "office" not in roles_for(actor, organisation.pk):
        raise _forbidden("Chỉ văn phòng (văn thư) của cơ quan mới soạn lịch công tác.")
    _check(spec, organisation.pk)
    event = CalendarEvent(organisation=organisation, created_by=actor, title="", start=spec.start)
    event.end = spec.end
    _apply(event, spec)
    _record(event, action=A.CREATE, actor=actor, from_status="")
    return event


def _locked(event: CalendarEvent) -> CalendarEvent:
    return CalendarEvent.objects.select_for_update().get(pk=event.pk)


@transaction.atomic
def event_update(*, actor: User, event: CalendarEvent, spec: EventSpec, note: str = "") -> Any:
    """Edit a draft; edit a published event = record the change and re-publish it."""
    event = _locked(event)
    action = A.REPUBLISH if event.status == S.PUBLISHED else A.EDIT
    before = target(event.status, action)
    if not can_act(actor, event, action):
        raise _forbidden()
    _check(spec, event.organisation_id)
    from . import meetings

    from_status = event.status
    invited_before = meetings.invitees(event) if action == A.REPUBLISH else []
    changed = _apply(event, spec)
    if not changed:
        return event
    if changed.keys() & {"start", "recurrence", "recurrence_until", "recurrence_count"}:
        # the series moved or ended sooner: drop the exceptions of occurrences it no longer has
        kept = set(series_starts(event)) if event.recurrence else set()
        dropped = [x.pk for x in event.exceptions.all() if x.original_start not in kept]
        if dropped:
            CalendarEventException.objects.filter(pk__in=dropped).delete()
            changed["exceptions_dropped"] = len(dropped)
    if action == A.REPUBLISH:
        event.sequence += 1
        event.published_at = timezone.now()
        event.status = before
        event.save(update_fields=["sequence", "published_at", "status", "updated_at"])
    _record(event, action=action, actor=actor, from_status=from_status, note=note, data=changed)
    if action == A.REPUBLISH:
        # the change notice to those invited now; a cancellation to those taken off the list
        meetings.send_invitations(event, changed=True, changes=meetings.changes_text(changed))
        still = {u.pk for u in meetings.invitees(event)}
        removed = [u for u in invited_before if u.pk not in still]
        if removed:
            meetings.send_cancellation(
                event,
                people=removed,
                reason="Đồng chí không còn trong thành phần dự họp theo lịch điều chỉnh.",
            )
    return event


@transaction.atomic
def event_transition(
    *, actor: User, event: CalendarEvent, action: str, note: str = ""
) -> CalendarEvent:
    """Submit, approve, return, publish or cancel an event."""
    event = _locked(event)
    if action == A.REPUBLISH or action == A.EDIT:
        raise DomainError("Dùng chức năng sửa lịch.", code="invalid_transition")
    new_status = target(event.status, action)
    if not can_act(actor, event, action):
        raise _forbidden()
    if action == A.RETURN and not (note or "").strip():
        raise DomainError("Nhập lý do trả lại.", code="reason_required")
    from_status = event.status
    event.status = new_status
    if action == A.PUBLISH:
        event.published_at = timezone.now()
    if action == A.CANCEL and from_status == S.PUBLISHED:
        event.sequence += 1  # subscribers replace the published version
    event.save(update_fields=["status", "published_at", "sequence", "updated_at"])
    _record(event, action=action, actor=actor, from_status=from_status, note=note)
    from . import meetings

    if action == A.PUBLISH:
        meetings.send_invitations(event)
    elif action == A.CANCEL and from_status == S.PUBLISHED:
        meetings.send_cancellation(event, reason=note)
    return event


@transaction.atomic
def occurrence_change(
    *,
    actor: User,
    event: CalendarEvent,
    original_start: dt.datetime,
    cancel: bool,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    note: str = "",
) -> CalendarEventException:
    """Cancel (``cancel``) or move to ``start``–``end`` one occurrence of a recurring event,
    identified by its start in the series; doing it again replaces the earlier change. On a
    published series it is re-published at once (``sequence`` + 1) and the invitees get the
    cancellation or the change notice for that occurrence; on a draft it is only recorded."""
    event = _locked(event)
    if not event.recurrence:
        raise DomainError("Lịch này không lặp lại: hãy sửa hoặc hủy cả lịch.", code="not_recurring")
    if event.status not in (S.DRAFT, S.PUBLISHED):
        raise DomainError(
            f"Không thể điều chỉnh một buổi khi lịch đang ở trạng thái "
            f"«{EventStatus(event.status).label}».",
            code="invalid_transition",
            status_code=409,
        )
    published = event.status == S.PUBLISHED
    if not can_act(actor, event, A.REPUBLISH if published else A.EDIT):
        raise _forbidden()
    if original_start is None or timezone.is_naive(original_start):
        raise DomainError("Chưa chọn buổi cần điều chỉnh.", code="invalid_occurrence")
    first = occurrence_at(event, original_start)
    if not cancel:
        if start is None or end is None:
            raise DomainError("Chưa nhập thời gian mới của buổi.", code="time_required")
        if timezone.is_naive(start) or timezone.is_naive(end):
            raise DomainError("Thời gian phải có múi giờ.", code="invalid_time")
        if end <= start:
            raise DomainError("Giờ kết thúc phải sau giờ bắt đầu.", code="invalid_time")
        if abs(start - first) > MAX_MOVE or end - start > dt.timedelta(days=1):
            raise DomainError(
                "Chỉ dời một buổi trong vòng 31 ngày quanh ngày gốc, trong một ngày.",
                code="invalid_time",
            )
    exception, _ = CalendarEventException.objects.update_or_create(
        event=event,
        original_start=first,
        defaults={
            "cancelled": cancel,
            "start": None if cancel else start,
            "end": None if cancel else end,
            "note": (note or "").strip(),
            "created_by": actor,
            "updated_at": timezone.now(),
        },
    )
    if published:
        event.sequence += 1
        event.save(update_fields=["sequence", "updated_at"])
    _record(
        event,
        action=A.OCCURRENCE_CANCEL if cancel else A.OCCURRENCE_MOVE,
        actor=actor,
        from_status=event.status,
        note=note,
        data={
            "original_start": _plain(first),
            **({} if cancel else {"start": _plain(start), "end": _plain(end)}),
        },
    )
    if published:
        from . import meetings

        duration = event.end - event.start
        if cancel:
            item = Occurrence(event, first, first + duration, first, cancelled=True)
            meetings.send_cancellation(event, reason=note, occurrence=item)
        else:
            assert start is not None and end is not None
            item = Occurrence(event, start, end, first, moved=True)
            meetings.send_invitations(
                event,
                changed=True,
                changes=f"dời buổi {timezone.localtime(first):%H:%M %d/%m/%Y}",
                occurrence=item,
            )
    return exception
