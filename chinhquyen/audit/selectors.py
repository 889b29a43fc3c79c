"""Reads of the audit app, scoped to what the requesting IT administrator may see.

Scope rule: an IT administrator whose position is at a root organisation (depth 0) sees every
change log entry and security event; another IT administrator sees those whose actor (for
change log entries) or account (for security events) holds an active position inside the
subtree they administer. Anyone else may not browse the audit trail at all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from chinhquyen.accounts.models import Position, Role
from chinhquyen.accounts.permissions import scope_filter, units_with_role

from .models import SecurityEvent, SecurityEventKind

AUDIT_ROLES = (Role.IT_ADMIN,)


def can_browse_audit(user: object) -> bool:
    return bool(units_with_role(user, AUDIT_ROLES))


def _visible_account_ids(user: object) -> QuerySet[Position, Any] | None:
    """Accounts whose records ``user`` may see: None means every record (root administrator).

    Raises PermissionDenied for anyone who is not an IT administrator.
    """
    units = units_with_role(user, AUDIT_ROLES)
    if not units:
        raise PermissionDenied("Chỉ quản trị hệ thống được xem nhật ký.")
    if any(unit.depth == 0 for unit in units):
        return None
    return (
        Position.objects.active().filter(scope_filter(user, "unit", AUDIT_ROLES)).values("user_id")
    )


def log_entries_visible_to(user: object) -> QuerySet[LogEntry]:
    """django-auditlog change entries the user may browse, newest first."""
    qs = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")
    account_ids = _visible_account_ids(user)
    return qs if account_ids is None else qs.filter(actor_id__in=account_ids)


def security_events_visible_to(user: object) -> QuerySet[SecurityEvent]:
    """Security events the user may browse, newest first."""
    qs = SecurityEvent.objects.select_related("user").order_by("-created_at", "-id")
    account_ids = _visible_account_ids(user)
    return qs if account_ids is None else qs.filter(user_id__in=account_ids)


def recent_lockout_exists(*, username: str, ip: str | None, since: dt.datetime) -> bool:
    """True when a lockout for the same identifier and address was recorded since ``since``."""
    qs = SecurityEvent.objects.filter(
        kind=SecurityEventKind.LOCKOUT, created_at__gte=since, username=username
    )
    qs = qs.filter(ip=ip) if ip else qs.filter(ip__isnull=True)
    return qs.exists()
