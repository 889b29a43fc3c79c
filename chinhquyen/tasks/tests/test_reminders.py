"""Reminders: "việc cần làm", the daily digest across dossiers, documents and tasks, escalation,
rules as data and the periodic job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chinhquyen.documents import services as document_services
from chinhquyen.documents.tests.helpers import assigned
from chinhquyen.dossiers.models import DossierStep
from chinhquyen.dossiers.tests import factories as dossier_factories
from chinhquyen.jobs.registry import autodiscover, get_job
from chinhquyen.notifications.models import Notification
from chinhquyen.tasks import reminders, services
from chinhquyen.tasks.models import ReminderRule, ReminderWhen, Task

from .helpers import MONDAY, first_task

pytestmark = pytest.mark.django_db

# Wednesday 11/3/2026; "within 3 working days" reaches Monday 16/3
DAY = dt.date(2026, 3, 11)


def _mine(world, *, due: dt.date, content: str) -> Task:
    """A task delegated to the specialist, due on ``due``."""
    task = first_task(world, deadline=dt.date(2026, 3, 31), title=content)
    sub = services.task_delegate(
        actor=world.leader,
        task=task,
        content=content,
        assignee=world.specialist,
        deadline=dt.date(2026, 3, 31),
        today=MONDAY,
    )
    Task.objects.filter(pk=sub.pk).update(due=due, original_due=due)
    return Task.objects.get(pk=sub.pk)


def _everything_due(world) -> None:
    """For the specialist: an overdue task, a task due today, a document task due in 3 working
    days, a dossier step due tomorrow — and a task due later, which is not reminded."""
    _mine(world, due=dt.date(2026, 3, 10), content="Báo cáo quá hạn")
    _mine(world, due=DAY, content="Báo cáo đến hạn")
    _mine(world, due=dt.date(2026, 3, 30), content="Báo cáo còn xa")
    document = assigned(world)
    document_services.task_create(
        actor=world.head,
        document=document,
        assignee=world.specialist,
        due=dt.date(2026, 3, 16),
        at=timezone.make_aware(dt.datetime(2026, 3, 9, 9, 0)),
    )
    dw = dossier_factories.build_world()
    dossier = dossier_factories.receive(dw).dossier
    tomorrow = timezone.make_aware(dt.datetime(2026, 3, 12, 16, 0))
    DossierStep.objects.filter(dossier=dossier).update(assignee=world.specialist, due_at=tomorrow)


def test_todo_merges_dossiers_documents_and_tasks(world):
    _everything_due(world)
    items = reminders.todo_items(world.specialist, on=DAY)
    assert [(i.bucket, i.kind) for i in items] == [
        ("overdue", "task"),
        ("today", "task"),
        ("soon", "dossier"),
        ("soon", "document"),
    ]
    assert items[0].title == "Báo cáo quá hạn"


def test_the_digest_lists_everything_due_once_a_day(world):
    world.specialist.email = "cv@example.vn"
    world.specialist.save()
    _everything_due(world)
    assert reminders.send_digests(on=DAY) >= 1
    digest = Notification.objects.get(template_key="tasks.digest", user=world.specialist)
    assert "1 việc quá hạn, 1 việc đến hạn" in digest.body
    assert "Báo cáo quá hạn" in digest.body and "Hồ sơ " in digest.body
    assert "Văn bản đến: Số đến" in digest.body
    assert "Báo cáo còn xa" not in digest.body
    reminders.send_digests(on=DAY)
    assert Notification.objects.filter(template_key="tasks.digest").count() == (
        Notification.objects.filter(template_key="tasks.digest").values("user").distinct().count()
    )
    # no digest on a day off
    assert reminders.send_digests(on=dt.date(2026, 3, 14)) == 0


def test_reminder_rules_are_data(world):
    _everything_due(world)
    ReminderRule.objects.filter(when=ReminderWhen.BEFORE).update(working_days=0)
    ReminderRule.objects.filter(when=ReminderWhen.AT).update(active=False)
    items = reminders.todo_items(world.specialist, on=DAY)
    assert [i.bucket for i in items] == ["overdue"]


def test_escalation_goes_to_the_assigner_and_the_lead_units_heads(world):
    for user, email in ((world.leader, "ld@example.vn"), (world.head, "tp@example.vn")):
        user.email = email
        user.save()
    task = first_task(world, deadline=dt.date(2026, 3, 31))
    sub = services.task_delegate(
        actor=world.leader,
        task=task,
        content="Phòng HCTP",
        unit=world.admin_unit,
        deadline=dt.date(2026, 3, 13),
        today=MONDAY,
    )
    # Friday 13/3 due; Monday 16/3 is one working day late
    assert reminders.escalate(on=dt.date(2026, 3, 13)) == 0
    assert reminders.escalate(on=dt.date(2026, 3, 16)) == 2
    sent = Notification.objects.filter(template_key="tasks.escalation")
    assert set(sent.values_list("recipient", flat=True)) == {"ld@example.vn", "tp@example.vn"}
    assert "Phòng Hành chính tư pháp" in sent.first().subject
    assert "1 ngày làm việc" in sent.first().body
    # again the same day or the next: nothing new for the same rule
    reminders.escalate(on=dt.date(2026, 3, 17))
    assert sent.count() == 2
    # a rule for 5 working days escalates again later
    ReminderRule.objects.create(name="Quá hạn 5 ngày", when=ReminderWhen.AFTER, working_days=5)
    reminders.escalate(on=dt.date(2026, 3, 20))
    assert sent.count() == 4
    # a completed task is not escalated
    report = services.task_report(actor=world.head, task=sub, percent=100, text="Xong")
    services.task_complete(actor=world.head, task=sub, report=report)
    ReminderRule.objects.create(name="Quá hạn 6 ngày", when=ReminderWhen.AFTER, working_days=6)
    reminders.escalate(on=dt.date(2026, 3, 23))
    assert sent.count() == 4


def test_the_daily_job_is_registered():
    autodiscover()
    job = get_job("tasks.daily_reminders")
    assert job.every == dt.timedelta(hours=1)
