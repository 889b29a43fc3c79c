"""Overdue reminders (one e-mail per task and day, idempotent) and the demo loader."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from chinhquyen.documents import services
from chinhquyen.documents.models import (
    ExchangeMessage,
    IncomingDocument,
    IncomingStatus,
    OutgoingDocument,
    Secrecy,
    StatusCode,
    Task,
)
from chinhquyen.documents.tasks import remind_overdue, remind_overdue_tasks
from chinhquyen.jobs.registry import get_job
from chinhquyen.notifications.models import Notification, NotificationTemplate

from .helpers import assigned

pytestmark = pytest.mark.django_db


def overdue_task(world, days: int = 2, **kwargs) -> Task:
    document = assigned(world, **kwargs)
    task = services.task_create(actor=world.head, document=document, assignee=world.specialist)
    Task.objects.filter(pk=task.pk).update(due=timezone.localdate() - dt.timedelta(days=days))
    return Task.objects.get(pk=task.pk)


def test_the_template_is_seeded():
    template = NotificationTemplate.objects.get(key="document.task_overdue", channel="email")
    assert "quá hạn" in template.subject


def test_one_reminder_per_task_per_day(world, django_capture_on_commit_callbacks):
    task = overdue_task(world, days=3)
    services.task_create(  # not overdue: no reminder
        actor=world.head,
        document=task.document,
        assignee=world.specialist,
        due=timezone.localdate() + dt.timedelta(days=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_overdue() == 1
        assert remind_overdue() == 1  # the same day again: deduplicated
    rows = Notification.objects.filter(template_key="document.task_overdue")
    assert rows.count() == 1
    row = rows.get()
    assert row.recipient == world.specialist.email
    assert row.dedupe_key == f"document.task_overdue:{task.pk}:{timezone.localdate().isoformat()}"
    assert "quá hạn 3 ngày" in row.body
    assert len(mail.outbox) == 1
    # the next day, a new reminder
    remind_overdue(on=timezone.localdate() + dt.timedelta(days=1))
    assert rows.count() == 2


def test_secret_summaries_stay_out_of_e_mails(world):
    overdue_task(world, secrecy=Secrecy.SECRET, summary="Nội dung tuyệt mật XYZ")
    remind_overdue()
    row = Notification.objects.get(template_key="document.task_overdue")
    assert "XYZ" not in row.body and "Văn bản mật" in row.body


def test_finished_tasks_and_documents_are_not_reminded(world):
    task = overdue_task(world)
    services.task_complete(actor=world.specialist, task=task)
    other = overdue_task(world)
    services.incoming_complete(actor=world.leader, document=other.document)
    assert remind_overdue() == 0


def test_periodic_job_is_registered(world):
    spec = get_job("documents.remind_overdue_tasks")
    assert spec.every == dt.timedelta(hours=1)
    overdue_task(world)
    result = remind_overdue_tasks.enqueue()
    assert result.return_value == 1


def _demo_context():
    from chinhquyen.accounts.demo import load_demo, load_demo_accounts, load_orgs

    return load_demo([load_orgs, load_demo_accounts])


def test_demo_documents_are_complete_and_idempotent():
    from chinhquyen.documents.demo import load_demo_documents

    context = _demo_context()
    first = load_demo_documents(context)["documents"]
    second = load_demo_documents(context)["documents"]
    assert first == second
    justice = context["orgs"]["dept_justice"]
    incoming = IncomingDocument.objects.filter(organisation=justice)
    assert 28 <= incoming.count() <= 40
    assert 15 <= OutgoingDocument.objects.count() <= 25
    assert incoming.exclude(secrecy=Secrecy.NORMAL).count() >= 3
    today = timezone.localdate()
    assert incoming.filter(deadline__lt=today, status=IncomingStatus.IN_PROGRESS).exists()
    assert Task.objects.filter(due__lt=today, status="open").exists()
    codes = set(ExchangeMessage.objects.values_list("status", flat=True))
    assert {StatusCode.ARRIVED, StatusCode.ACCEPTED, StatusCode.COMPLETED} <= codes
    assert StatusCode.TAKE_BACK_AGREED in codes
    assert incoming.filter(status=IncomingStatus.RECEIVED).exists()  # waiting for the clerk
    for register_id in set(incoming.exclude(register=None).values_list("register", flat=True)):
        numbers = list(
            incoming.filter(register_id=register_id)
            .order_by("incoming_number")
            .values_list("incoming_number", flat=True)
        )
        assert numbers == list(range(1, len(numbers) + 1))
