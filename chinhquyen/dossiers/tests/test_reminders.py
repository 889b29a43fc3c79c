"""Reminders before a step or a dossier falls due, through the notification outbox (issue #10
item 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chinhquyen.dossiers import clock, reminders, tasks
from chinhquyen.dossiers.models import Dossier, DossierStep, ReminderKind, ReminderRule
from chinhquyen.jobs.registry import registered_jobs
from chinhquyen.notifications.models import Notification

from . import scenarios
from .factories import World

pytestmark = pytest.mark.django_db


def _open_step(d: Dossier) -> DossierStep:
    return DossierStep.objects.get(dossier=d, finished_at__isnull=True)


def test_lead_times_are_data_and_the_job_is_scheduled() -> None:
    assert set(ReminderRule.objects.values_list("kind", flat=True)) == {
        ReminderKind.STEP_DUE,
        ReminderKind.APOLOGY,
    }
    assert tasks.remind_due in {job.task for job in registered_jobs()}


def test_step_reminder_goes_to_the_handler_and_the_unit_head_once(world: World) -> None:
    d = scenarios.processing(world)
    step = _open_step(d)
    assert step.due_at is not None
    early = step.due_at - dt.timedelta(days=30)
    assert reminders.send_due_reminders(now=early) == []  # far from due: nothing
    now = step.due_at - dt.timedelta(minutes=30)
    sent = reminders.send_due_reminders(now=now)
    step_sent = {s.user_id for s in sent if s.kind == ReminderKind.STEP_DUE}
    assert step_sent == {world.users["spec"].pk, world.users["head"].pk}
    rows = Notification.objects.filter(template_key="dossier.step_due_reminder")
    assert rows.count() == 2
    assert d.code in rows.first().body  # type: ignore[union-attr]
    # idempotent: running the job again queues nothing new
    reminders.send_due_reminders(now=now + dt.timedelta(minutes=5))
    assert rows.count() == 2
    # a lead time switched off is not used
    ReminderRule.objects.filter(kind=ReminderKind.STEP_DUE).update(is_active=False)
    other = scenarios.processing(world)
    other_now = _open_step(other).due_at - dt.timedelta(minutes=30)  # type: ignore[operator]
    assert not [
        s
        for s in reminders.send_due_reminders(now=other_now)
        if s.kind == ReminderKind.STEP_DUE and s.subject_id == _open_step(other).pk
    ]


def test_apology_prompt_before_the_last_day_only(world: World) -> None:
    d = scenarios.processing(world)
    calendar = clock.calendar_for(d)
    now = timezone.now()
    # ten working hours before the deadline: the apology (one day before) is still possible
    Dossier.objects.filter(pk=d.pk).update(
        due_at=calendar.add_working_time(now, dt.timedelta(hours=10))
    )
    sent = reminders.send_due_reminders(now=now)
    prompted = {s.user_id for s in sent if s.kind == ReminderKind.APOLOGY}
    assert prompted == {world.users["spec"].pk, world.users["head"].pk}
    row = Notification.objects.filter(template_key="dossier.apology_prompt").first()
    assert row is not None and "chậm nhất" in row.body
    # less than a working day left: too late for an apology that counts, no prompt
    late = scenarios.processing(world)
    Dossier.objects.filter(pk=late.pk).update(
        due_at=calendar.add_working_time(now, dt.timedelta(hours=3))
    )
    again = reminders.send_due_reminders(now=now)
    assert not [s for s in again if s.kind == ReminderKind.APOLOGY and s.subject_id == late.pk]
