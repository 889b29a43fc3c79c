"""Meetings: the video-conference providers, invitations, attendance and the conclusion.

Providers are plugins behind one small interface (``join_url(event, user)``):

* ``sandbox`` (default, demo and tests): a page of this application shows the "room";
* ``jitsi``: a room on ``JITSI_BASE_URL``; when ``JITSI_APP_SECRET`` is set every participant
  gets his own JWT (HS256, the claims of Jitsi's token authentication: aud, iss = app id,
  sub = the Jitsi domain, room, exp/nbf, context.user, moderator for the chair).

The link sent in the invitations is this application's join page (``tasks_calendar:join``),
which checks the caller and then sends him to the provider: a per-person token never travels in
an e-mail. Invitations go through the notification outbox after the transaction commits.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Iterable, Sequence
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.documents.models import OutgoingDocument
from chinhquyen.notifications.models import Channel
from chinhquyen.notifications.preferences import preference_for
from chinhquyen.notifications.services import notify

from . import calendar
from .models import (
    Attendance,
    AttendanceStatus,
    CalendarEvent,
    Directive,
    EventStatus,
    SourceKind,
)
from .services import TaskSpec, directive_create, unit_heads

logger = logging.getLogger(__name__)
INVITATION_TEMPLATE = "tasks.meeting_invitation"
CANCELLED_TEMPLATE = "tasks.meeting_cancelled"
TOKEN_TTL_SECONDS = 6 * 3600


# --- HS256 JWT (RFC 7519 / RFC 7515), small enough to write by hand --------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwt_hs256(claims: dict[str, Any], secret: str) -> str:
    header = {"alg": "HS256", "typ": "JWT"}
    signing_input = ".".join(
        _b64(json.dumps(part, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
        for part in (header, claims)
    )
    signature = hmac.new(secret.encode("utf-8"), signing_input.encode("ascii"), hashlib.sha256)
    return f"{signing_input}.{_b64(signature.digest())}"


# --- providers ------------------------------------------------------------------------------


class Provider(Protocol):
    name: str

    def join_url(self, event: CalendarEvent, user: User | None) -> str: ...


class SandboxProvider:
    """A local "room" page: the demo and the tests never leave the application."""

    name = "sandbox"

    def join_url(self, event: CalendarEvent, user: User | None) -> str:
        return reverse("tasks_calendar:sandbox_room", args=[event.room])


class JitsiProvider:
    name = "jitsi"

    def __init__(self, base_url: str, app_id: str = "", app_secret: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self.app_id = app_id
        self.app_secret = app_secret

    def room_url(self, event: CalendarEvent) -> str:
        return f"{self.base_url}/{quote(event.room)}"

    def token(self, event: CalendarEvent, user: User, now: float | None = None) -> str:
        issued = int(now if now is not None else time.time())
        claims = {
            "aud": "jitsi",
            "iss": self.app_id,
            "sub": urlsplit(self.base_url).hostname or "",
            "room": event.room,
            "iat": issued,
            "nbf": issued - 60,
            "exp": issued + TOKEN_TTL_SECONDS,
            "context": {
                "user": {
                    "id": str(user.pk),
                    "name": user.display_name or user.get_username(),
                    "email": user.email or "",
                }
            },
            "moderator": event.chair_id == user.pk,
        }
        return jwt_hs256(claims, self.app_secret)

    def join_url(self, event: CalendarEvent, user: User | None) -> str:
        url = self.room_url(event)
        if self.app_secret and user is not None:
            url += f"?jwt={self.token(event, user)}"
        return url


def provider() -> Provider:
    kind = getattr(settings, "MEETINGS_PROVIDER", "sandbox")
    if kind == "jitsi":
        return JitsiProvider(
            settings.JITSI_BASE_URL, settings.JITSI_APP_ID, settings.JITSI_APP_SECRET
        )
    return SandboxProvider()


def join_page(event: CalendarEvent) -> str:
    """This application's join link (shown publicly and sent in invitations)."""
    return reverse("tasks_calendar:join", args=[event.uid])


# --- invitations ----------------------------------------------------------------------------


def invitees(event: CalendarEvent) -> list[User]:
    people: dict[int, User] = {}
    if event.chair is not None:
        people[event.chair.pk] = event.chair
    for user in event.participants.all():
        people.setdefault(user.pk, user)
    for unit in event.participant_units.all():
        for head in unit_heads(unit):
            people.setdefault(head.pk, head)
    return [u for u in people.values() if u.is_active]


def _site(path: str) -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def when_text(
    event: CalendarEvent, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> str:
    """The time of the event (or of one occurrence, ``start``–``end``) in Vietnamese; a series
    says how it repeats."""
    first = timezone.localtime(start or event.start)
    last = timezone.localtime(end or event.end)
    day = calendar.day_label(first.date())
    if first.date() == last.date():
        text = f"{first:%H:%M}–{last:%H:%M}, {day}"
    else:
        text = f"{first:%H:%M} {day} đến {last:%H:%M} {calendar.day_label(last.date())}"
    if start is None and event.recurrence:
        text += f" ({calendar.recurrence_text(event).lower()})"
    return text


CHANGE_LABELS = {
    "title": "nội dung",
    "start": "thời gian",
    "end": "thời gian",
    "place": "địa điểm",
    "chair": "chủ trì",
    "participants": "thành phần",
    "participant_units": "thành phần",
    "preparing_unit": "đơn vị chuẩn bị",
    "incoming_documents": "văn bản liên quan",
    "outgoing_documents": "văn bản liên quan",
    "notes": "ghi chú",
    "online": "hình thức họp",
    "recurrence": "lịch lặp lại",
    "recurrence_until": "lịch lặp lại",
    "recurrence_count": "lịch lặp lại",
    "exceptions_dropped": "lịch lặp lại",
}


def changes_text(changed: Iterable[str]) -> str:
    """What changed, in Vietnamese: "thời gian, địa điểm"."""
    labels: list[str] = []
    for name in changed:
        label = CHANGE_LABELS.get(name, name)
        if label not in labels:
            labels.append(label)
    return ", ".join(labels)


def channels_for(user: User) -> list[str]:
    """The channels a calendar notice goes to ``user`` through: e-mail when he has an address
    (always: a notice about a meeting is not a reminder he can switch off), and SMS when he
    chose SMS in "Cài đặt nhắc việc" and has a mobile number. Quiet hours do not hold calendar
    notices back (a meeting moved to tomorrow morning cannot wait); the in-app notice is the
    "Cuộc họp của tôi" page (``calendar.meeting_notices``)."""
    out = []
    if (user.email or "").strip():
        out.append(str(Channel.EMAIL))
    if (user.phone or "").strip() and preference_for(user).sms_enabled:
        out.append(str(Channel.SMS))
    return out


def _week_page(event: CalendarEvent, day: dt.datetime | None = None) -> str:
    page = _site(reverse("tasks_calendar:public_week", args=[event.organisation_id]))
    local = timezone.localtime(day or event.start).date()
    return page + f"?tuan={calendar.week_start(local).isoformat()}"


def _notify_all(
    event: CalendarEvent,
    people: Iterable[User],
    *,
    template: str,
    context: dict[str, Any],
    key: str,
) -> int:
    """Queue ``template`` to each person on each of his ``channels_for``; one savepoint per
    message (a bad number or a missing template is logged, the others still go). Returns how
    many messages were queued."""
    count = 0
    for user in people:
        for channel in channels_for(user):
            recipient = user.email if channel == Channel.EMAIL else user.phone
            suffix = "" if channel == Channel.EMAIL else f":{channel}"
            try:
                with transaction.atomic():
                    notify(
                        channel=channel,
                        recipient=recipient,
                        template=template,
                        context={"name": user.display_name, **context},
                        user=user,
                        dedupe_key=f"{template}:{event.pk}:{key}:{user.pk}{suffix}",
                    )
            except DomainError:
                logger.warning(
                    "tasks.calendar_notice_failed",
                    extra={"user_id": user.pk, "template": template, "channel": channel},
                    exc_info=True,
                )
                continue
            count += 1
    return count


def _base_context(event: CalendarEvent) -> dict[str, Any]:
    return {
        "title": event.title,
        "organisation": str(event.organisation),
        "place": event.place or "—",
        "chair": str(event.chair) if event.chair else "—",
        "online_url": _site(join_page(event)) if event.online else "",
    }


def send_invitations(
    event: CalendarEvent,
    *,
    changed: bool = False,
    changes: str = "",
    occurrence: calendar.Occurrence | None = None,
) -> int:
    """The invitation (on publishing) or the change notice (after a change, ``changed``) to
    every invitee, deduplicated per event revision; ``occurrence``: only that occurrence of a
    series was moved. Returns how many messages were queued."""
    when = (
        when_text(event, occurrence.start, occurrence.end)
        if occurrence is not None
        else when_text(event)
    )
    context = {
        **_base_context(event),
        "when": when,
        "changed": "1" if changed else "",
        "changes": changes,
        "url": _week_page(event, occurrence.start if occurrence else None),
    }
    return _notify_all(
        event,
        invitees(event),
        template=INVITATION_TEMPLATE,
        context=context,
        key=str(event.sequence),
    )


def send_cancellation(
    event: CalendarEvent,
    *,
    reason: str = "",
    people: Iterable[User] | None = None,
    occurrence: calendar.Occurrence | None = None,
) -> int:
    """The cancellation notice: the whole event, one ``occurrence`` of a series, or (``people``)
    the invitees a change took off the list. Returns how many messages were queued."""
    when = (
        when_text(event, occurrence.start, occurrence.end)
        if occurrence is not None
        else when_text(event)
    )
    context = {
        **_base_context(event),
        "when": when,
        "reason": (reason or "").strip(),
        "occurrence": "1" if occurrence is not None else "",
        "url": _week_page(event, occurrence.start if occurrence else None),
    }
    return _notify_all(
        event,
        invitees(event) if people is None else people,
        template=CANCELLED_TEMPLATE,
        context=context,
        key=str(event.sequence),
    )


# --- attendance and conclusion --------------------------------------------------------------


def _manage(actor: User, event: CalendarEvent) -> None:
    if not calendar.can_view_managed(actor, event):
        raise DomainError(
            "Bạn không có quyền thực hiện thao tác này.", code="forbidden", status_code=403
        )
    if event.status != EventStatus.PUBLISHED:
        raise DomainError(
            "Chỉ ghi nhận cho lịch đã công bố.", code="invalid_transition", status_code=409
        )


@transaction.atomic
def attendance_record(
    *, actor: User, event: CalendarEvent, marks: Iterable[tuple[User, str, str]]
) -> list[Attendance]:
    """Present / absent / excused for each ``(user, status, note)``; one row per person."""
    _manage(actor, event)
    allowed = {u.pk for u in invitees(event)}
    rows = []
    for user, status, note in marks:
        if status not in AttendanceStatus.values:
            raise DomainError("Trạng thái điểm danh không hợp lệ.", code="invalid_attendance")
        if user.pk not in allowed:
            raise DomainError(f"«{user}» không có trong thành phần dự họp.", code="not_invited")
        row, _ = Attendance.objects.update_or_create(
            event=event,
            user=user,
            defaults={"status": status, "note": (note or "")[:255], "recorded_by": actor},
        )
        rows.append(row)
    calendar._record(
        event,
        action="attendance",
        actor=actor,
        from_status=event.status,
        data={str(r.user_id): r.status for r in rows},
    )
    return rows


@transaction.atomic
def meeting_conclude(
    *,
    actor: User,
    event: CalendarEvent,
    document: OutgoingDocument,
    tasks: Sequence[TaskSpec],
    title: str = "",
) -> Directive:
    """The meeting conclusion (thông báo kết luận) yields a directive and its tasks."""
    _manage(actor, event)
    if event.conclusion_directive_id is not None:
        raise DomainError("Cuộc họp đã có kết luận.", code="already_concluded", status_code=409)
    directive = directive_create(
        actor=actor,
        title=(title or "").strip() or f"Kết luận: {event.title}"[:500],
        source_kind=SourceKind.MEETING,
        outgoing=document,
        source_reference=document_reference(document),
        tasks=tasks,
    )
    event.conclusion = document
    event.conclusion_directive = directive
    event.save(update_fields=["conclusion", "conclusion_directive", "updated_at"])
    calendar._record(
        event,
        action="conclude",
        actor=actor,
        from_status=event.status,
        data={"document": document.pk, "directive": directive.pk},
    )
    return directive


def document_reference(document: OutgoingDocument) -> str:
    return str(getattr(document, "notation", "") or document)[:255]
