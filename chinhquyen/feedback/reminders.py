"""Reminders and escalation of citizen reports through the notification outbox.

``send_due_reminders`` (the periodic job ``feedback.remind_due``) e-mails, for every report whose
current clock falls due within one working day (classify or forward at the coordinating unit,
answer at the competent unit, publish after the answer):

- before the deadline: the assignee and the heads (unit heads, leaders) of the unit holding it;
- once overdue: the same people and, as escalation, the leaders of the unit above it.

Idempotent: one notification per (report, clock moment, recipient, kind) through the outbox's
dedupe keys, so running the job again queues nothing new. A report waiting for the sender's
information has no running clock and gets nothing.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from chinhquyen.accounts.models import Position, Role, User
from chinhquyen.notifications.preferences import notify_preferred
from chinhquyen.orgs.models import Organisation

from .models import FeedbackItem, Status
from .services import calendar

STEPS = {
    Status.NEW: "phân loại, chuyển xử lý",
    Status.RETURNED: "chuyển lại đơn vị có thẩm quyền",
    Status.FORWARDED: "trả lời",
    Status.IN_PROGRESS: "trả lời",
    Status.AWAITING_APPROVAL: "duyệt trả lời",
    Status.ANSWERED: "công khai trả lời",
}


def _heads(unit: Organisation | None, roles: tuple[str, ...]) -> list[User]:
    if unit is None:
        return []
    ids = Position.objects.active().filter(unit=unit, role__in=roles).values("user")
    return list(User.objects.filter(pk__in=ids, is_active=True).exclude(email="", phone=""))


def _deadline(item: FeedbackItem) -> dt.datetime | None:
    if item.status == Status.ANSWERED:
        return item.publish_due_at if item.consent_publish else None
    return item.due_at


def send_due_reminders(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    cal = calendar()
    horizon = cal.add_working_time(now, cal.day_length)
    items = (
        FeedbackItem.objects.filter(status__in=list(STEPS))
        .filter(
            Q(status=Status.ANSWERED, publish_due_at__lte=horizon, consent_publish=True)
            | (~Q(status=Status.ANSWERED) & Q(due_at__lte=horizon))
        )
        .select_related("unit", "coordinating_unit", "assignee", "unit__parent")
    )
    sent = 0
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    for item in items:
        due = _deadline(item)
        if due is None:
            continue
        unit = (
            item.unit
            if item.status not in (Status.NEW, Status.RETURNED)
            else item.coordinating_unit
        )
        if item.status == Status.ANSWERED:
            unit = item.coordinating_unit
        overdue = due < now
        people = _heads(unit, (Role.UNIT_HEAD, Role.LEADER))
        if item.assignee is not None and (item.assignee.email or item.assignee.phone):
            people.append(item.assignee)
        kind = "overdue" if overdue else "due"
        if overdue and unit is not None and unit.parent is not None:
            people += _heads(unit.parent, (Role.LEADER,))
        context = {
            "code": item.code,
            "step": STEPS[Status(item.status)] + (" (đã quá hạn)" if overdue else ""),
            "due": timezone.localtime(due).strftime("%H:%M %d/%m/%Y"),
            "url": f"{base}{reverse('feedback:detail', args=[item.pk])}",
        }
        for user in {u.pk: u for u in people}.values():
            if notify_preferred(
                user=user,
                template="feedback.due",
                context=context,
                dedupe_key=f"feedback.{kind}:{item.pk}:{item.status}:{int(due.timestamp())}:{user.pk}",
            ):
                sent += 1
    return sent
