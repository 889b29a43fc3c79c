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

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
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
from .models import CalendarEvent, CalendarEventChange, EventStatus

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
        .prefetch_related("participant_units", "participants")
    )


def feed_events(organisation: Organisation) -> QuerySet[CalendarEvent]:
    """Published events, and published ones cancelled since (sent as STATUS:CANCELLED so that
    subscribed calendars drop them)."""
    return (
        CalendarEvent.objects.filter(organisation=organisation)
        .filter(Q(status=S.PUBLISHED) | Q(status=S.CANCELLED, published_at__isnull=False))
        .select_related("chair", "preparing_unit", "organisation")
        .prefetch_related("participant_units", "participants")
    )


def published_week(organisation: Organisation, monday: dt.date) -> QuerySet[CalendarEvent]:
    start, end = week_bounds(monday)
    return published_events(organisation).filter(start__lt=end, end__gt=start)


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


FIELDS = ("title", "start", "end", "place", "chair", "preparing_unit", "notes", "online")
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
    documents: list[IncomingDocument | OutgoingDocument] = [
        *spec.incoming_documents,
        *spec.outgoing_documents,
    ]
    if any(doc.organisation_id != organisation_id for doc in documents):
        raise DomainError("Chỉ gắn văn bản của chính cơ quan có lịch.", code="invalid_document")


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
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
    from_status = event.status
    changed = _apply(event, spec)
    if not changed:
        return event
    if action == A.REPUBLISH:
        event.sequence += 1
        event.published_at = timezone.now()
        event.status = before
        event.save(update_fields=["sequence", "published_at", "status", "updated_at"])
    _record(event, action=action, actor=actor, from_status=from_status, note=note, data=changed)
    if action == A.REPUBLISH:
        from . import meetings

        meetings.send_invitations(event, changed=True)
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
    if action == A.PUBLISH:
        from . import meetings

        meetings.send_invitations(event)
    return event
