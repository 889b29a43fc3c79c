"""Officials' reminder preferences: which kinds follow them, quiet hours on the local clock,
channels and the digest switched off, deferral through the outbox's "not before"."""

from __future__ import annotations

import datetime as dt
import types
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from chinhquyen.accounts.models import User, UserKind
from chinhquyen.accounts.tests.factories import make_user
from chinhquyen.core.api import DomainError
from chinhquyen.core.calendar import VN_TZ
from chinhquyen.notifications import preferences, services
from chinhquyen.notifications.models import (
    Notification,
    NotificationPreference,
    NotificationStatus,
    NotificationTemplate,
)
from chinhquyen.notifications.preferences import (
    PREFERENCE_KINDS,
    decide,
    notification_preference_save,
    notify_preferred,
    preferred_channels,
    quiet_until,
)
from chinhquyen.notifications.services import notify
from chinhquyen.notifications.tasks import deliver_notification, sweep_notifications

from .conftest import RecordingTransport

DIGEST = {
    "name": "Trần Văn Bình",
    "day": "11/03/2026",
    "overdue": "1",
    "due_today": "2",
    "due_soon": "0",
    "lines": "- [Quá hạn] Nhiệm vụ: Báo cáo",
    "url": "https://chinhquyen.example.vn/nhiem-vu/viec-can-lam/",
}
ALERT = {
    "rule": "Đăng nhập sai nhiều lần",
    "severity": "Cao",
    "group": "10.0.0.1",
    "count": "20",
    "minutes": "5",
    "when": "23:30 11/03/2026",
    "link": "https://chinhquyen.example.vn/giam-sat-an-ninh/",
}
LOCKED = {"code": "000.17.22.H56-260302-0001", "hours": "1", "lookup_url": "https://x.vn/tra-cuu"}


def vn(y: int, m: int, d: int, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def quiet(start: str, end: str) -> NotificationPreference:
    return NotificationPreference(
        quiet_start=dt.time.fromisoformat(start), quiet_end=dt.time.fromisoformat(end)
    )


def official(**kwargs: Any) -> User:
    kwargs.setdefault("phone", "0912345678")
    return make_user(UserKind.OFFICIAL, **kwargs)


def prefs(user: User, **values: Any) -> NotificationPreference:
    return NotificationPreference.objects.create(user=user, **values)


def around_now(minutes: int = 60) -> tuple[dt.time, dt.time]:
    """Quiet hours holding the present moment (crossing midnight when it is near)."""
    now = timezone.now().astimezone(VN_TZ)
    start = (now - dt.timedelta(minutes=minutes)).time().replace(second=0, microsecond=0)
    end = (now + dt.timedelta(minutes=minutes)).time().replace(second=0, microsecond=0)
    return start, end


def digest(user: User, channel: str = "email", key: str | None = None) -> Notification | None:
    recipient = user.email if channel == "email" else user.phone
    return notify(
        channel=channel,
        recipient=recipient,
        template="tasks.digest",
        context=DIGEST,
        user=user,
        dedupe_key=key,
    )


# --- which kinds follow the preferences -----------------------------------------------------


def test_only_reminder_digest_and_escalation_kinds_follow_preferences() -> None:
    assert dict(PREFERENCE_KINDS) == {
        "tasks.digest": "digest",
        "tasks.escalation": "escalation",
        "document.task_overdue": "reminder",
        "dossier.step_due_reminder": "reminder",
        "dossier.apology_prompt": "reminder",
        "feedback.due": "reminder",
    }
    # messages that must not wait nor be switched off by an official
    for key in (
        "secops.alert",  # security alerts to IT
        "dossier.lookup_locked",  # lookup locked after wrong PINs
        "dossier.received",  # citizen-facing, carries the lookup PIN
        "dossier.result_ready",
        "tasks.meeting_invitation",
    ):
        assert not preferences.follows_preferences(key), key


@pytest.mark.django_db
def test_every_preference_kind_has_an_email_and_an_sms_template() -> None:
    for key in PREFERENCE_KINDS:
        channels = set(
            NotificationTemplate.objects.filter(key=key).values_list("channel", flat=True)
        )
        assert channels == {"email", "sms"}, key


# --- quiet hours on the local clock ---------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "until"),
    [
        (vn(2026, 3, 11, 20, 59), None),
        (vn(2026, 3, 11, 21, 0), vn(2026, 3, 12, 7, 0)),  # the start is quiet
        (vn(2026, 3, 11, 23, 30), vn(2026, 3, 12, 7, 0)),  # ends tomorrow morning
        (vn(2026, 3, 12, 0, 0), vn(2026, 3, 12, 7, 0)),
        (vn(2026, 3, 12, 6, 59), vn(2026, 3, 12, 7, 0)),  # ends this morning
        (vn(2026, 3, 12, 7, 0), None),  # the end is not
        (vn(2026, 3, 12, 12, 0), None),
        (vn(2026, 12, 31, 22, 0), vn(2027, 1, 1, 7, 0)),  # across the year
    ],
)
def test_quiet_hours_crossing_midnight(at: dt.datetime, until: dt.datetime | None) -> None:
    assert quiet_until(quiet("21:00", "07:00"), at) == until


def test_quiet_hours_within_a_day() -> None:
    lunch = quiet("11:30", "13:30")
    assert quiet_until(lunch, vn(2026, 3, 11, 11, 29)) is None
    assert quiet_until(lunch, vn(2026, 3, 11, 12, 0)) == vn(2026, 3, 11, 13, 30)
    assert quiet_until(lunch, vn(2026, 3, 11, 13, 30)) is None


def test_deferral_is_computed_on_the_vietnamese_clock_not_utc() -> None:
    # 15:00 UTC is 22:00 in Hà Nội: inside 21:00–07:00, ends at 07:00 local = 00:00 UTC
    at = dt.datetime(2026, 3, 11, 15, 0, tzinfo=dt.UTC)
    until = quiet_until(quiet("21:00", "07:00"), at)
    assert until == dt.datetime(2026, 3, 12, 0, 0, tzinfo=dt.UTC)
    assert until is not None and until.astimezone(VN_TZ).time() == dt.time(7, 0)
    # 13:00 UTC is 20:00 local: not quiet yet
    assert (
        quiet_until(quiet("21:00", "07:00"), dt.datetime(2026, 3, 11, 13, 0, tzinfo=dt.UTC)) is None
    )
    # 23:00 UTC is 06:00 local the next day: quiet until 07:00 local that day
    assert quiet_until(
        quiet("21:00", "07:00"), dt.datetime(2026, 3, 11, 23, 0, tzinfo=dt.UTC)
    ) == vn(2026, 3, 12, 7, 0)


def test_no_quiet_hours_never_defers() -> None:
    assert quiet_until(NotificationPreference(), vn(2026, 3, 11, 23, 0)) is None


# --- defaults and decisions ------------------------------------------------------------------


@pytest.mark.django_db
def test_defaults_without_a_row_keep_the_behaviour_before_preferences() -> None:
    user = official()
    pref = preferences.preference_for(user)
    assert pref.pk is None
    assert (pref.email_enabled, pref.sms_enabled, pref.digest_enabled) == (True, False, True)
    assert not pref.has_quiet_hours
    assert preferred_channels(user, "tasks.digest") == ["email"]
    assert decide(user=user, template="tasks.digest", channel="email") == preferences.SEND_NOW
    assert decide(user=user, template="tasks.digest", channel="sms").send is False
    row = digest(user)
    assert row is not None and row.enqueued_at is not None
    assert row.next_attempt_at <= timezone.now()


@pytest.mark.django_db
def test_a_channel_turned_off_is_not_used() -> None:
    user = official()
    prefs(user, email_enabled=False, sms_enabled=True)
    assert digest(user, "email") is None
    assert preferred_channels(user, "tasks.escalation") == ["sms"]
    rows = notify_preferred(
        user=user, template="tasks.digest", context=DIGEST, dedupe_key="tasks.digest:1:x"
    )
    assert [(r.channel, r.recipient, r.dedupe_key) for r in rows] == [
        ("sms", "84912345678", "tasks.digest:1:x:sms")
    ]
    assert not Notification.objects.filter(channel="email").exists()
    # SMS chosen but no phone on the account: nothing to send it to
    no_phone = official(phone="")
    prefs(no_phone, email_enabled=False, sms_enabled=True)
    assert preferred_channels(no_phone, "tasks.digest") == []


@pytest.mark.django_db
def test_both_channels_keep_the_email_key_and_add_one_for_sms() -> None:
    user = official()
    prefs(user, sms_enabled=True)
    rows = notify_preferred(
        user=user, template="tasks.digest", context=DIGEST, dedupe_key="tasks.digest:7:2026-03-11"
    )
    assert sorted((r.channel, r.dedupe_key) for r in rows) == [
        ("email", "tasks.digest:7:2026-03-11"),
        ("sms", "tasks.digest:7:2026-03-11:sms"),
    ]
    sms = next(r for r in rows if r.channel == "sms")
    assert "qua han" in sms.body.lower() or "quá hạn" in sms.body.lower()
    # running the job again queues nothing new
    again = notify_preferred(
        user=user, template="tasks.digest", context=DIGEST, dedupe_key="tasks.digest:7:2026-03-11"
    )
    assert {r.pk for r in again} == {r.pk for r in rows}
    assert Notification.objects.count() == 2


@pytest.mark.django_db
def test_the_digest_turned_off_stops_the_digest_only() -> None:
    user = official()
    prefs(user, digest_enabled=False)
    assert digest(user) is None
    assert preferred_channels(user, "tasks.digest") == []
    assert preferred_channels(user, "tasks.escalation") == ["email"]
    assert decide(user=user, template="tasks.escalation", channel="email").send


@pytest.mark.django_db
def test_security_and_citizen_messages_ignore_officials_preferences(
    django_capture_on_commit_callbacks: Any,
) -> None:
    start, end = around_now()
    user = official()
    prefs(user, email_enabled=False, sms_enabled=False, quiet_start=start, quiet_end=end)
    assert decide(user=user, template="tasks.digest", channel="email").send is False
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = [
            notify(channel=ch, recipient=addr, template="secops.alert", context=ALERT, user=user)
            for ch, addr in (("email", user.email), ("sms", user.phone))
        ]
        rows.append(
            notify(
                channel="sms",
                recipient=user.phone,
                template="dossier.lookup_locked",
                context=LOCKED,
                user=user,
            )
        )
    assert all(r is not None for r in rows)
    for row in rows:
        assert row is not None
        assert row.enqueued_at is not None and row.next_attempt_at <= timezone.now()
        assert row.next_attempt_at >= before - dt.timedelta(seconds=1)
    assert len(callbacks) == 3  # each delivered at once


# --- deferral through the outbox ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_reminder_in_quiet_hours_is_deferred_to_their_end_never_dropped(
    email_transport: RecordingTransport,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    start, end = around_now()
    user = official()
    prefs(user, quiet_start=start, quiet_end=end)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        row = digest(user, key="tasks.digest:quiet")
    assert row is not None
    assert callbacks == []  # no delivery task now
    row.refresh_from_db()
    assert row.status == NotificationStatus.QUEUED and row.enqueued_at is None
    local_end = row.next_attempt_at.astimezone(VN_TZ)
    assert local_end.time() == end and row.next_attempt_at > timezone.now()
    assert row.next_attempt_at - timezone.now() <= dt.timedelta(minutes=61)

    # before the end: the delivery task leaves it, the sweep does not enqueue it
    assert deliver_notification.enqueue(row.pk).return_value == "queued"
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_notifications.enqueue().return_value == 0
    assert email_transport.calls == 0

    # once the quiet hours are over, the next sweep enqueues it and it is sent
    later = row.next_attempt_at + dt.timedelta(seconds=1)
    monkeypatch.setattr(services, "timezone", types.SimpleNamespace(now=lambda: later))
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_notifications.enqueue().return_value == 1
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    assert [m.subject for m in email_transport.sent] == [row.subject]


@pytest.mark.django_db
def test_outside_quiet_hours_a_reminder_goes_at_once(
    django_capture_on_commit_callbacks: Any,
) -> None:
    now = timezone.now().astimezone(VN_TZ)
    start = (now + dt.timedelta(hours=2)).time().replace(second=0, microsecond=0)
    end = (now + dt.timedelta(hours=3)).time().replace(second=0, microsecond=0)
    user = official()
    prefs(user, quiet_start=start, quiet_end=end)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = digest(user)
    assert row is not None and row.enqueued_at is not None
    assert len(callbacks) == 1


# --- saving, validation, audit ------------------------------------------------------------------


@pytest.mark.django_db
def test_saving_validates_and_is_audited() -> None:
    user = official()
    values = {
        "email_enabled": True,
        "sms_enabled": True,
        "digest_enabled": False,
        "quiet_start": dt.time(21, 0),
        "quiet_end": dt.time(7, 0),
    }
    pref = notification_preference_save(actor=user, user=user, values=values)
    assert NotificationPreference.objects.get(user=user).pk == pref.pk
    entry = LogEntry.objects.get_for_object(pref).latest("timestamp")
    assert entry.actor_id == user.pk
    assert "quiet_start" in entry.changes_dict

    with pytest.raises(ValidationError):
        notification_preference_save(
            actor=user, user=user, values={"quiet_start": dt.time(21, 0), "quiet_end": None}
        )
    with pytest.raises(ValidationError):
        notification_preference_save(
            actor=user, user=user, values={"quiet_start": dt.time(7, 0), "quiet_end": dt.time(7, 0)}
        )
    no_phone = official(phone="")
    with pytest.raises(DomainError) as exc:
        notification_preference_save(actor=no_phone, user=no_phone, values={"sms_enabled": True})
    assert "số điện thoại" in str(exc.value.detail)
    assert NotificationPreference.objects.count() == 1


@pytest.mark.django_db
def test_the_database_rejects_half_or_empty_quiet_hours() -> None:
    user = official()
    with pytest.raises(IntegrityError), transaction.atomic():
        prefs(user, quiet_start=dt.time(21, 0))
    with pytest.raises(IntegrityError), transaction.atomic():
        prefs(user, quiet_start=dt.time(21, 0), quiet_end=dt.time(21, 0))
