"""The security pipeline: events raise alerts by the seeded rules; alerts are handled (audited);
every security-relevant code path raises its event."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.mfa import signals as mfa_signals
from auditlog.models import LogEntry
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from chinhquyen.accounts.models import Position, Role
from chinhquyen.accounts.services import position_assign, position_end
from chinhquyen.accounts.tests.factories import make_official
from chinhquyen.audit.models import SecurityEvent, SecurityEventKind
from chinhquyen.core.api import DomainError
from chinhquyen.notifications.models import Notification
from chinhquyen.secops import services
from chinhquyen.secops.models import Alert, AlertRule, AlertStatus, ForwardItem, ForwardSource

from .conftest import World

pytestmark = pytest.mark.django_db


def _login(client: Client, login: str, password: str, ip: str) -> None:
    client.post(reverse("account_login"), {"login": login, "password": password}, REMOTE_ADDR=ip)


@override_settings(AXES_FAILURE_LIMIT=1000)
def test_brute_force_on_one_account_raises_one_alert_and_tells_admins(
    client: Client, world: World
) -> None:
    world.root_admin.phone = "0912345678"
    world.root_admin.save(update_fields=["phone"])
    rule = AlertRule.objects.get(kind=SecurityEventKind.LOGIN_FAILED, group_by="user")
    assert (rule.threshold, rule.window_seconds) == (10, 300)

    for i in range(rule.threshold - 1):
        _login(client, "cv_phong", "sai", ip=f"198.51.100.{i + 1}")
    assert not Alert.objects.exists()
    _login(client, "cv_phong", "sai", ip="198.51.100.99")

    [alert] = Alert.objects.all()
    # another event in the same window (django-axes locks the account from here): no new alert
    last = SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN_FAILED).latest("id")
    assert services.rules_evaluate(last) == []
    assert alert.rule == rule and alert.group_value == "cv_phong"
    assert alert.count == rule.threshold and alert.status == AlertStatus.OPEN
    assert alert.unit_path == world.sub_unit.path
    # told: the root administrator and the department's (the account is in its subtree)
    recipients = set(
        Notification.objects.filter(template_key="secops.alert").values_list("channel", "recipient")
    )
    assert ("email", "qtv.tinh@example.vn") in recipients
    assert ("email", "qtv.so@example.vn") in recipients
    assert any(channel == "sms" for channel, _ in recipients)
    # every event and the alert went to the SIEM outbox, in order
    queued = list(ForwardItem.objects.order_by("id").values_list("source", "msgid"))
    failed = [i for i, row in enumerate(queued) if row == (ForwardSource.EVENT, "login_failed")]
    assert len(failed) == 10
    [alert_at] = [i for i, row in enumerate(queued) if row[0] == ForwardSource.ALERT]
    assert alert_at == failed[9] + 1  # right after the event that made it


@override_settings(AXES_FAILURE_LIMIT=1000)
def test_brute_force_from_one_address_raises_an_ip_alert(client: Client, world: World) -> None:
    rule = AlertRule.objects.get(kind=SecurityEventKind.LOGIN_FAILED, group_by="ip")
    assert (rule.threshold, rule.window_seconds) == (20, 300)
    # rules are data: lowered below django-axes' own per-address lockout for the test
    AlertRule.objects.filter(pk=rule.pk).update(threshold=4)
    for i in range(4):
        _login(client, f"tai-khoan-{i}", "sai", ip="203.0.113.50")
    [alert] = Alert.objects.filter(rule=rule)
    assert alert.group_value == "203.0.113.50"
    assert not Alert.objects.filter(group_by="user").exists()


def test_a_new_window_raises_a_new_alert(world: World) -> None:
    rule = AlertRule.objects.get(kind=SecurityEventKind.MASS_EXPORT)
    client = Client()
    client.force_login(world.dept_admin)
    url = reverse("audit:security_events_export")
    for _ in range(rule.threshold):
        assert client.get(url).status_code == 200
    [first] = Alert.objects.filter(rule=rule)
    assert first.group_value == "qtv_so"
    # the window passes: the old events and alert fall out of it
    old = first.created_at - dt.timedelta(seconds=rule.window_seconds + 1)
    SecurityEvent.objects.filter(kind=SecurityEventKind.MASS_EXPORT).update(created_at=old)
    Alert.objects.filter(pk=first.pk).update(created_at=old)
    for _ in range(rule.threshold):
        client.get(url)
    assert Alert.objects.filter(rule=rule).count() == 2


def test_disabled_rule_does_not_fire(world: World) -> None:
    AlertRule.objects.filter(kind=SecurityEventKind.MASS_EXPORT).update(enabled=False)
    client = Client()
    client.force_login(world.root_admin)
    for _ in range(5):
        client.get(reverse("audit:entries_export"))
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.MASS_EXPORT).count() == 5
    assert not Alert.objects.exists()


def _alert(world: World) -> Alert:
    rule = AlertRule.objects.get(kind=SecurityEventKind.MASS_EXPORT)
    return Alert.objects.create(
        rule=rule,
        kind=rule.kind,
        severity=rule.severity,
        group_by=rule.group_by,
        group_value="cv_phong",
        count=3,
        window_start=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        unit_path=world.sub_unit.path,
    )


def test_acknowledge_and_close_are_audited(world: World) -> None:
    alert = _alert(world)
    services.alert_acknowledge(actor=world.dept_admin, alert=alert)
    with pytest.raises(DomainError):
        services.alert_acknowledge(actor=world.dept_admin, alert=alert)
    with pytest.raises(DomainError):
        services.alert_close(actor=world.dept_admin, alert=alert, note="   ")
    services.alert_close(actor=world.root_admin, alert=alert, note="Đã xác minh: kiểm thử.")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CLOSED
    assert alert.acknowledged_by == world.dept_admin and alert.closed_by == world.root_admin
    entries = list(
        LogEntry.objects.get_for_object(alert).filter(action=LogEntry.Action.UPDATE).order_by("id")
    )
    assert [e.actor for e in entries] == [world.dept_admin, world.root_admin]
    assert "close_note" in entries[-1].changes_dict


def test_dashboard_is_scoped_and_actions_work(world: World) -> None:
    sub_alert = _alert(world)
    other = _alert(world)
    Alert.objects.filter(pk=other.pk).update(
        unit_path=world.other_department.path, group_value="cv_so_khac"
    )
    url = reverse("secops:dashboard")

    root = Client()
    root.force_login(world.root_admin)
    body = root.get(url).content.decode()
    assert f'data-alert="{sub_alert.pk}"' in body and f'data-alert="{other.pk}"' in body
    assert "Giám sát an ninh" in body

    dept = Client()
    dept.force_login(world.dept_admin)
    body = dept.get(url).content.decode()
    assert f'data-alert="{sub_alert.pk}"' in body and f'data-alert="{other.pk}"' not in body
    ack_other = reverse("secops:alert_acknowledge", args=[other.pk])
    assert dept.post(ack_other).status_code == 404
    ack = reverse("secops:alert_acknowledge", args=[sub_alert.pk])
    assert dept.post(ack).status_code == 302
    close = reverse("secops:alert_close", args=[sub_alert.pk])
    assert dept.post(close, {"note": "Người dùng quên mật khẩu."}).status_code == 302
    sub_alert.refresh_from_db()
    assert sub_alert.status == AlertStatus.CLOSED

    for outsider in (world.dept_specialist, world.leader, world.citizen):
        c = Client()
        c.force_login(outsider)
        assert c.get(url).status_code == 403


# --- every security-relevant code path raises its event --------------------------------------


def _kinds() -> list[str]:
    return list(SecurityEvent.objects.order_by("id").values_list("kind", flat=True))


@override_settings(AXES_FAILURE_LIMIT=3)
def test_security_relevant_code_paths_raise_their_events(client: Client, world: World) -> None:
    rf = RequestFactory()
    seen: dict[str, str] = {}

    def expect(path: str, kind: str) -> None:
        assert kind in _kinds(), f"{path} did not record {kind}"
        seen[path] = kind
        SecurityEvent.objects.all().delete()

    user = make_official(world.sub_unit, Role.SPECIALIST, username="nguoidung")
    SecurityEvent.objects.all().delete()
    _login(client, "nguoidung", "sai", ip="192.0.2.1")
    expect("sign-in failed (allauth login view)", SecurityEventKind.LOGIN_FAILED)
    for _ in range(3):
        _login(client, "nguoidung", "sai", ip="192.0.2.2")
    expect("lockout (django-axes)", SecurityEventKind.LOCKOUT)

    for signal, action in (
        (mfa_signals.authenticator_added, "added"),
        (mfa_signals.authenticator_removed, "removed"),
        (mfa_signals.authenticator_reset, "reset"),
    ):
        signal.send(sender=None, request=rf.get("/"), user=user, authenticator=None)
        assert SecurityEvent.objects.get().detail["action"] == action
        expect(f"2FA {action} (allauth MFA)", SecurityEventKind.MFA_CHANGED)
    mfa_signals.authentication_failed.send(
        sender=None, request=rf.get("/"), user=user, authenticator=None, reauthentication=False
    )
    expect("2FA code wrong (allauth MFA)", SecurityEventKind.MFA_FAILED)

    position = position_assign(
        actor=world.root_admin, user=user, unit=world.department, role=Role.CLERK
    )
    expect("position assigned (accounts.position_assign)", SecurityEventKind.PRIVILEGE_CHANGED)
    position_end(actor=world.root_admin, position=position, on=dt.date.today())
    expect("position ended (accounts.position_end)", SecurityEventKind.PRIVILEGE_CHANGED)
    assert not Position.objects.filter(pk=position.pk, valid_to__isnull=True).exists()

    staff = Client()
    staff.force_login(world.dept_specialist)
    assert staff.get(reverse("audit:security_events")).status_code == 403
    expect("page refused (403 middleware)", SecurityEventKind.PERMISSION_DENIED)
    assert Client().get("/api/v1/dossiers/", HTTP_AUTHORIZATION="Bearer sai").status_code == 401
    expect("API credentials refused (401 middleware)", SecurityEventKind.TOKEN_REJECTED)

    admin = Client()
    admin.force_login(world.root_admin)
    admin.get(reverse("audit:entries_export"))
    expect("change log exported (audit)", SecurityEventKind.MASS_EXPORT)
    admin.get(reverse("audit:security_events_export"))
    expect("security events exported (audit)", SecurityEventKind.MASS_EXPORT)
    assert admin.get(reverse("payments:reconciliation_export")).status_code == 200
    expect("payments reconciliation exported (payments)", SecurityEventKind.MASS_EXPORT)
    leader = Client()
    leader.force_login(world.leader)
    assert leader.get(reverse("reports:on_time_export")).status_code == 200
    expect("on-time report exported (reports)", SecurityEventKind.MASS_EXPORT)

    cache.clear()
    from chinhquyen.dossiers import lookup

    with override_settings(DOSSIER_LOOKUP_LOCK_FAILURES=2):
        for _ in range(2):
            lookup.record_failure("KHONG-TON-TAI", rf.post("/", REMOTE_ADDR="192.0.2.9"))
    expect("dossier lookup locked (dossiers.lookup)", SecurityEventKind.UNUSUAL_LOOKUP)

    from chinhquyen.integration import services as exchange

    outcome = exchange.receive(b"<not-edxml/>", request=rf.post("/", REMOTE_ADDR="192.0.2.10"))
    assert outcome is not None
    expect("incoming file signature refused (integration)", SecurityEventKind.SIGNATURE_FAILED)

    assert len(seen) == 16
