"""Audit background tasks: the lockout notification and the retention jobs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core import mail
from django.utils import timezone

from chinhquyen.accounts.models import Position, Role
from chinhquyen.audit.models import SecurityEvent, SecurityEventKind
from chinhquyen.audit.services import security_event_record
from chinhquyen.audit.tasks import notify_lockout, prune_access_attempts, prune_security_events

from .conftest import World


def _event(kind: str = SecurityEventKind.LOCKOUT, **kwargs: Any) -> SecurityEvent:
    event = security_event_record(kind=kind, **kwargs)
    assert event is not None
    return event


def _age(event: SecurityEvent, days: int) -> None:
    SecurityEvent.objects.filter(pk=event.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days)
    )


@pytest.mark.django_db
def test_notify_lockout_sends_once(world: World) -> None:
    event = _event(user=world.other_specialist, username="cv_so_khac")

    first = notify_lockout.enqueue(event.pk)
    second = notify_lockout.enqueue(event.pk)

    assert (first.return_value, second.return_value) == (True, False)
    assert len(mail.outbox) == 1
    # the other department has no IT admin of its own: only the province's is told
    assert mail.outbox[0].to == ["qtv.tinh@example.vn"]
    assert "Tài khoản bị tạm khóa: cv_so_khac" in mail.outbox[0].subject
    event.refresh_from_db()
    assert event.notified_at is not None


@pytest.mark.django_db
def test_notify_lockout_ignores_other_events_and_missing_ones(world: World) -> None:
    failed = _event(kind=SecurityEventKind.LOGIN_FAILED, username="x")

    assert notify_lockout.enqueue(failed.pk).return_value is False
    assert notify_lockout.enqueue(failed.pk + 1000).return_value is False
    assert mail.outbox == []
    failed.refresh_from_db()
    assert failed.notified_at is None


@pytest.mark.django_db
def test_notify_lockout_without_administrators_waits(world: World) -> None:
    Position.objects.filter(role=Role.IT_ADMIN).update(
        valid_to=timezone.localdate() - dt.timedelta(days=1)
    )
    event = _event(username="ai-do")

    assert notify_lockout.enqueue(event.pk).return_value is False
    assert mail.outbox == []
    event.refresh_from_db()
    assert event.notified_at is None  # a later run, once an administrator exists, will send


@pytest.mark.django_db
def test_notify_lockout_falls_back_to_every_admin_without_a_root_admin(world: World) -> None:
    world.root_admin.positions.update(valid_to=timezone.localdate() - dt.timedelta(days=1))
    event = _event(username="ai-do")

    assert notify_lockout.enqueue(event.pk).return_value is True
    assert mail.outbox[0].to == ["qtv.so@example.vn"]


@pytest.mark.django_db
def test_subject_cannot_carry_header_injection(world: World) -> None:
    event = _event(username="x")
    SecurityEvent.objects.filter(pk=event.pk).update(username="x\r\nBcc: ke-xau@example.com")

    assert notify_lockout.enqueue(event.pk).return_value is True
    message = mail.outbox[0]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.bcc == []


@pytest.mark.django_db
def test_prune_security_events_keeps_recent_ones(settings: Any) -> None:
    old = _event(kind=SecurityEventKind.LOGOUT, username="cu")
    _age(old, 366)
    kept = _event(kind=SecurityEventKind.LOGOUT, username="moi")
    _age(kept, 364)
    fresh = _event(kind=SecurityEventKind.LOGOUT, username="vua")

    assert prune_security_events.enqueue().return_value == 1
    assert set(SecurityEvent.objects.values_list("pk", flat=True)) == {kept.pk, fresh.pk}

    settings.SECURITY_EVENT_RETENTION_DAYS = 30
    assert prune_security_events.enqueue().return_value == 1
    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [fresh.pk]
    # running again changes nothing
    assert prune_security_events.enqueue().return_value == 0


@pytest.mark.django_db
def test_prune_access_attempts(settings: Any) -> None:
    settings.ACCESS_ATTEMPT_RETENTION_DAYS = 10
    common = {"user_agent": "ua", "ip_address": "192.0.2.1", "http_accept": "*", "path_info": "/"}
    for name in ("cu", "moi"):
        AccessAttempt.objects.create(
            username=name, get_data="", post_data="", failures_since_start=1, **common
        )
        AccessFailureLog.objects.create(username=name, **common)
        AccessLog.objects.create(username=name, **common)
    old = timezone.now() - dt.timedelta(days=11)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username="cu").update(attempt_time=old)

    assert prune_access_attempts.enqueue().return_value == 3
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        assert list(model.objects.values_list("username", flat=True)) == ["moi"]
