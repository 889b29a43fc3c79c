"""Reminders before a dossier falls due (issue #10 item 5, DOMAIN.md §2).

``send_due_reminders`` (the periodic job ``dossiers.remind_due``) looks at the open steps and
the running dossiers and, for each active ``ReminderRule`` whose lead time has been reached,
e-mails through the notification outbox:

- ``step_due``: the step's handler and the unit heads of the step's unit, before the step's
  deadline;
- ``apology``: the handler and the unit heads of the current unit, before the dossier's
  deadline while no apology was sent — the apology with a new appointment must go out no
  later than one working day before the deadline.

Idempotent: one notification per (rule, step or dossier, recipient) — the dedupe key
``dossier.<kind>:<rule>:<step or dossier>:<user>`` — so running the job again queues nothing
new. Overdue steps get no "before" reminder.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from chinhquyen.accounts.models import Position, Role, User
from chinhquyen.notifications.preferences import notify_preferred
from chinhquyen.orgs.models import Organisation

from . import clock, conf
from .models import (
    RUNNING_STATUSES,
    Dossier,
    DossierStatus,
    DossierStep,
    ReminderKind,
    ReminderRule,
)
from .pdf import appointment_text

logger = logging.getLogger(__name__)

TEMPLATES: dict[str, str] = {
    ReminderKind.STEP_DUE: "dossier.step_due_reminder",
    ReminderKind.APOLOGY: "dossier.apology_prompt",
}
#: Statuses in which the dossier is being processed (an apology still makes sense).
APOLOGY_STATUSES = (
    DossierStatus.TRANSFERRED,
    DossierStatus.PROCESSING,
    DossierStatus.AWAITING_APPROVAL,
)


@dataclass(frozen=True)
class Sent:
    kind: str
    subject_id: int  # the step (step_due) or the dossier (apology)
    user_id: int


def _left_text(left: dt.timedelta) -> str:
    minutes = max(int(left.total_seconds() // 60), 0)
    return f"{minutes // 60} giờ {minutes % 60} phút làm việc"


def _unit_heads(unit: Organisation | None) -> list[User]:
    if unit is None:
        return []
    ids = (
        Position.objects.active()
        .filter(unit=unit, role=Role.UNIT_HEAD)
        .values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _recipients(assignee: User | None, unit: Organisation | None) -> list[User]:
    people = {u.pk: u for u in _unit_heads(unit)}
    if assignee is not None and assignee.is_active:
        people.setdefault(assignee.pk, assignee)
    return [people[k] for k in sorted(people)]


def _send(*, rule: ReminderRule, key_id: int, user: User, context: dict[str, str]) -> Sent | None:
    rows = notify_preferred(
        user=user,
        template=TEMPLATES[rule.kind],
        context={**context, "name": user.full_name or user.get_username()},
        dedupe_key=f"dossier.{rule.kind}:{rule.pk}:{key_id}:{user.pk}",
    )
    if not rows:
        return None
    return Sent(kind=rule.kind, subject_id=key_id, user_id=user.pk)


def _url(dossier: Dossier) -> str:
    base = str(getattr(settings, "SITE_URL", "")).rstrip("/")
    return base + reverse("dossiers:detail", args=[dossier.pk])


def _window(rules: list[ReminderRule], now: dt.datetime) -> dt.datetime:
    """A calendar bound for the candidates: the longest lead in working days, plus room for
    weekends and holidays."""
    longest = max(Decimal(r.lead_hours) for r in rules)
    return now + dt.timedelta(days=int(longest / 8) * 2 + 10)


def _step_reminders(rules: list[ReminderRule], now: dt.datetime) -> list[Sent]:
    sent: list[Sent] = []
    steps = (
        DossierStep.objects.filter(
            finished_at__isnull=True,
            due_at__gt=now,
            due_at__lte=_window(rules, now),
            dossier__status__in=list(RUNNING_STATUSES),
        )
        .select_related("dossier__competent_organisation", "unit", "assignee")
        .order_by("due_at", "pk")
    )
    for step in steps:
        dossier = step.dossier
        calendar = clock.calendar_for(dossier)
        left = calendar.remaining(step.due_at, now)  # type: ignore[arg-type]
        reached = [r for r in rules if left <= clock.hours(r.lead_hours)]
        if not reached:
            continue
        rule = min(reached, key=lambda r: r.lead_hours)  # the closest lead time reached
        context = {
            "code": dossier.code,
            "procedure_name": dossier.procedure_name,
            "step": step.name,
            "unit": step.unit.name if step.unit is not None else step.external_name,
            "due": appointment_text(step.due_at),
            "left": _left_text(left),
            "url": _url(dossier),
        }
        for user in _recipients(step.assignee, step.unit):
            row = _send(rule=rule, key_id=step.pk, user=user, context=context)
            if row is not None:
                sent.append(row)
    return sent


def _apology_prompts(rules: list[ReminderRule], now: dt.datetime) -> list[Sent]:
    sent: list[Sent] = []
    notice = clock.hours(conf.apology_notice_hours())
    dossiers = (
        Dossier.objects.filter(
            status__in=APOLOGY_STATUSES,
            apologised_at__isnull=True,
            due_at__gt=now,
            due_at__lte=_window(rules, now),
        )
        .filter(Q(current_unit__isnull=False) | Q(current_assignee__isnull=False))
        .select_related("competent_organisation", "current_unit", "current_assignee")
        .order_by("due_at", "pk")
    )
    for dossier in dossiers:
        calendar = clock.calendar_for(dossier)
        left = calendar.remaining(dossier.due_at, now)
        reached = [r for r in rules if left <= clock.hours(r.lead_hours)]
        if not reached or left < notice:
            continue  # not yet, or too late for an apology that counts
        rule = min(reached, key=lambda r: r.lead_hours)
        # the last moment for an apology that counts: ``notice`` working time before the due
        apology_by = calendar.add_working_time(now, left - notice)
        context = {
            "code": dossier.code,
            "procedure_name": dossier.procedure_name,
            "due": appointment_text(dossier.due_at),
            "apology_by": appointment_text(apology_by),
            "left": _left_text(left),
            "url": _url(dossier),
        }
        for user in _recipients(dossier.current_assignee, dossier.current_unit):
            row = _send(rule=rule, key_id=dossier.pk, user=user, context=context)
            if row is not None:
                sent.append(row)
    return sent


def send_due_reminders(*, now: dt.datetime | None = None) -> list[Sent]:
    """Queue the reminders due at ``now`` (default: now); returns what was queued or had
    already been queued (the outbox deduplicates)."""
    moment = now or timezone.now()
    rules = list(ReminderRule.objects.filter(is_active=True))
    step_rules = [r for r in rules if r.kind == ReminderKind.STEP_DUE]
    apology_rules = [r for r in rules if r.kind == ReminderKind.APOLOGY]
    sent: list[Sent] = []
    if step_rules:
        sent += _step_reminders(step_rules, moment)
    if apology_rules:
        sent += _apology_prompts(apology_rules, moment)
    logger.info("dossiers.due_reminders", extra={"count": len(sent)})
    return sent
