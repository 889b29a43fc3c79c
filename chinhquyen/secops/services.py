"""Writes of security operations: the event pipeline, alerts, and their handling.

- :func:`security_event_pipeline` runs (through the audit app's hook) in the transaction that
  records each security event: it queues the event for the SIEM and evaluates the rules.
- A rule fires once per window per group: when the group's count of events of the rule's
  kind within ``window_seconds`` reaches ``threshold`` and no alert of that rule for that
  group was raised within the window. The alert is queued for the SIEM too and the IT
  administrators covering the account are told (e-mail and SMS through the notification
  outbox; the open alert shows on their dashboard).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chinhquyen.accounts.models import Position, Role, User
from chinhquyen.audit.models import SecurityEvent
from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor

from .models import Alert, AlertRule, AlertStatus, ForwardItem, ForwardSource, GroupBy, Severity

logger = logging.getLogger(__name__)

NOTE_MAX_LENGTH = 2000
TEMPLATE_KEY = "secops.alert"

# syslog severities (RFC 5424 §6.2.1)
_EVENT_SEVERITY = {
    "login_succeeded": 6,
    "logout": 6,
    "login_failed": 5,
    "mfa_changed": 5,
    "privilege_changed": 5,
    "mass_export": 5,
    "integrity_mismatch": 2,  # critical: stored evidence changed
}
_ALERT_SEVERITY = {Severity.LOW: 5, Severity.MEDIUM: 4, Severity.HIGH: 3, Severity.CRITICAL: 2}


def event_payload(event: SecurityEvent) -> dict[str, Any]:
    return {
        "type": "security_event",
        "id": event.pk,
        "kind": event.kind,
        "at": event.created_at.isoformat(),
        "user_id": event.user_id,
        "username": event.username,
        "ip": event.ip,
        "user_agent": event.user_agent,
        "path": event.path,
        "method": event.method,
        "detail": event.detail,
    }


def alert_payload(alert: Alert) -> dict[str, Any]:
    return {
        "type": "security_alert",
        "id": alert.pk,
        "rule": alert.rule.name,
        "rule_id": alert.rule_id,
        "kind": alert.kind,
        "severity": alert.severity,
        "group_by": alert.group_by,
        "group_value": alert.group_value,
        "count": alert.count,
        "window_start": alert.window_start.isoformat(),
        "at": alert.created_at.isoformat(),
        "status": alert.status,
        "event_id": alert.event_id,
    }


def _unit_path_of(user_id: int | None) -> str:
    if user_id is None:
        return ""
    path = (
        Position.objects.active()
        .filter(user_id=user_id)
        .order_by("unit__path")
        .values_list("unit__path", flat=True)
        .first()
    )
    return path or ""


def _group_value(rule: AlertRule, event: SecurityEvent) -> str:
    if rule.group_by == GroupBy.USER:
        return (event.username or "").lower()
    if rule.group_by == GroupBy.IP:
        return event.ip or ""
    return _unit_path_of(event.user_id)


def _count(rule: AlertRule, event: SecurityEvent, value: str, since: dt.datetime) -> int:
    qs = SecurityEvent.objects.filter(kind=rule.kind, created_at__gte=since)
    if rule.group_by == GroupBy.USER:
        qs = qs.filter(username__iexact=value)
    elif rule.group_by == GroupBy.IP:
        qs = qs.filter(ip=value)
    else:
        unit_users = Position.objects.active().filter(unit__path=value).values("user_id")
        qs = qs.filter(user_id__in=unit_users)
    return qs.count()


def rules_evaluate(event: SecurityEvent) -> list[Alert]:
    """Raise the alerts this event makes due (once per window per rule and group)."""
    raised: list[Alert] = []
    now = event.created_at or timezone.now()
    for rule in AlertRule.objects.filter(kind=event.kind, enabled=True):
        value = _group_value(rule, event)
        if not value:
            continue
        since = now - dt.timedelta(seconds=rule.window_seconds)
        count = _count(rule, event, value, since)
        if count < rule.threshold:
            continue
        # one alert per window per group: the rule row is locked so concurrent events agree
        AlertRule.objects.select_for_update().filter(pk=rule.pk).first()
        if Alert.objects.filter(rule=rule, group_value=value, created_at__gte=since).exists():
            continue
        alert = Alert.objects.create(
            rule=rule,
            kind=rule.kind,
            severity=rule.severity,
            group_by=rule.group_by,
            group_value=value,
            count=count,
            window_start=since,
            event=event,
            unit_path=value if rule.group_by == GroupBy.UNIT else _unit_path_of(event.user_id),
        )
        forward_enqueue_alert(alert)
        _notify_admins(alert)
        logger.warning(
            "secops.alert_raised",
            extra={"alert_id": alert.pk, "rule": rule.name, "group": value},
        )
        raised.append(alert)
    return raised


def forward_enqueue_event(event: SecurityEvent) -> ForwardItem:
    return ForwardItem.objects.create(
        source=ForwardSource.EVENT,
        severity=_EVENT_SEVERITY.get(event.kind, 4),
        msgid=event.kind[:32],
        payload=event_payload(event),
    )


def forward_enqueue_alert(alert: Alert) -> ForwardItem:
    return ForwardItem.objects.create(
        source=ForwardSource.ALERT,
        severity=_ALERT_SEVERITY.get(Severity(alert.severity), 4),
        msgid=f"alert_{alert.kind}"[:32],
        payload=alert_payload(alert),
    )


def security_event_pipeline(event: SecurityEvent) -> None:
    """The one pipeline: queue for the SIEM, then evaluate the alert rules."""
    forward_enqueue_event(event)
    rules_evaluate(event)


# --- telling the IT administrators ----------------------------------------------------------


def alert_recipients(alert: Alert) -> list[User]:
    """IT administrators at a root organisation, and those whose subtree holds the account."""
    admins = (
        Position.objects.active()
        .filter(role=Role.IT_ADMIN, user__is_active=True)
        .select_related("unit", "user")
    )
    chosen: dict[int, User] = {}
    for position in admins:
        covers = position.unit.depth == 0 or (
            bool(alert.unit_path) and alert.unit_path.startswith(position.unit.path)
        )
        if covers:
            chosen[position.user.pk] = position.user
    return sorted(chosen.values(), key=lambda u: u.pk)


def _notify_admins(alert: Alert) -> None:
    from chinhquyen.notifications.models import Channel
    from chinhquyen.notifications.services import notify

    link = settings.SITE_URL.rstrip("/") + reverse("secops:dashboard")
    context = {
        "rule": alert.rule.name,
        "severity": alert.get_severity_display(),
        "group": alert.group_value,
        "count": str(alert.count),
        "minutes": str(max(alert.rule.window_seconds // 60, 1)),
        "when": timezone.localtime(alert.created_at).strftime("%H:%M %d/%m/%Y"),
        "link": link,
    }
    for admin in alert_recipients(alert):
        for channel, address in ((Channel.EMAIL, admin.email), (Channel.SMS, admin.phone)):
            if not address:
                continue
            try:
                with transaction.atomic():
                    notify(
                        channel=channel,
                        recipient=address,
                        template=TEMPLATE_KEY,
                        context=context,
                        user=admin,
                        dedupe_key=f"secops.alert:{alert.pk}:{channel}:{admin.pk}",
                    )
            except DomainError:
                logger.exception("secops.alert_not_notified", extra={"alert_id": alert.pk})


# --- handling alerts ------------------------------------------------------------------------


@transaction.atomic
def alert_acknowledge(*, actor: User, alert: Alert) -> Alert:
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.status != AlertStatus.OPEN:
        raise DomainError("Cảnh báo này đã được tiếp nhận hoặc đã đóng.", code="invalid_state")
    with audit_actor(actor):
        locked.status = AlertStatus.ACKNOWLEDGED
        locked.acknowledged_by = actor
        locked.acknowledged_at = timezone.now()
        locked.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
    return locked


@transaction.atomic
def alert_close(*, actor: User, alert: Alert, note: str) -> Alert:
    note = (note or "").strip()
    if not note:
        raise DomainError("Cần ghi chú kết quả xử lý khi đóng cảnh báo.", code="note_required")
    if len(note) > NOTE_MAX_LENGTH:
        raise DomainError("Ghi chú quá dài.", code="note_too_long")
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.status == AlertStatus.CLOSED:
        raise DomainError("Cảnh báo này đã đóng.", code="invalid_state")
    now = timezone.now()
    with audit_actor(actor):
        if locked.acknowledged_at is None:
            locked.acknowledged_by, locked.acknowledged_at = actor, now
        locked.status = AlertStatus.CLOSED
        locked.closed_by = actor
        locked.closed_at = now
        locked.close_note = note
        locked.save()
    return locked
