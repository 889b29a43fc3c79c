"""The daily digest and escalations follow each official's "Cài đặt nhắc việc"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chinhquyen.core.calendar import VN_TZ
from chinhquyen.notifications.models import Notification, NotificationPreference
from chinhquyen.tasks import reminders, services

from .helpers import MONDAY, first_task
from .test_reminders import DAY, _everything_due

pytestmark = pytest.mark.django_db


def _specialist(world, **prefs):
    world.specialist.email = "cv@example.vn"
    world.specialist.phone = "0912345678"
    world.specialist.save()
    if prefs:
        NotificationPreference.objects.create(user=world.specialist, **prefs)
    _everything_due(world)


def _digests(world):
    return Notification.objects.filter(template_key="tasks.digest", user=world.specialist)


def test_without_preferences_the_digest_is_one_email_as_before(world):
    _specialist(world)
    reminders.send_digests(on=DAY)
    assert list(_digests(world).values_list("channel", "dedupe_key")) == [
        ("email", f"tasks.digest:{world.specialist.pk}:{DAY.isoformat()}")
    ]


def test_the_digest_turned_off_is_not_sent_but_the_todo_page_still_lists_everything(world):
    _specialist(world, digest_enabled=False)
    reminders.send_digests(on=DAY)
    assert not _digests(world).exists()
    assert len(reminders.todo_items(world.specialist, on=DAY)) == 4


def test_sms_only_digest(world):
    _specialist(world, email_enabled=False, sms_enabled=True)
    assert reminders.send_digests(on=DAY) >= 1
    digest = _digests(world).get()
    assert (digest.channel, digest.recipient) == ("sms", "84912345678")
    assert digest.dedupe_key.endswith(":sms")
    assert "1 qua han, 1 den han" in digest.body


def test_a_digest_in_quiet_hours_waits_for_their_end(world):
    now = timezone.now().astimezone(VN_TZ)
    start = (now - dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (now + dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    _specialist(world, sms_enabled=True, quiet_start=start, quiet_end=end)
    reminders.send_digests(on=DAY)
    rows = list(_digests(world))
    assert sorted(r.channel for r in rows) == ["email", "sms"]
    for row in rows:
        assert row.status == "queued" and row.enqueued_at is None
        assert row.next_attempt_at > timezone.now()
        assert row.next_attempt_at.astimezone(VN_TZ).time() == end


def test_escalation_follows_the_channels_of_each_recipient(world):
    for user, email in ((world.leader, "ld@example.vn"), (world.head, "tp@example.vn")):
        user.email = email
        user.phone = "0987654321"
        user.save()
    NotificationPreference.objects.create(user=world.head, email_enabled=False)
    task = first_task(world, deadline=dt.date(2026, 3, 31))
    services.task_delegate(
        actor=world.leader,
        task=task,
        content="Phòng HCTP",
        unit=world.admin_unit,
        deadline=dt.date(2026, 3, 13),
        today=MONDAY,
    )
    assert reminders.escalate(on=dt.date(2026, 3, 16)) == 1
    sent = Notification.objects.filter(template_key="tasks.escalation")
    assert list(sent.values_list("recipient", flat=True)) == ["ld@example.vn"]
