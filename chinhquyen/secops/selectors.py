"""Reads of security operations, scoped like the audit trail (see ``chinhquyen.audit.selectors``):
a root IT administrator sees everything; another IT administrator sees the events of accounts
in their subtree and the alerts about their subtree; nobody else sees anything."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from chinhquyen.accounts.models import Role
from chinhquyen.accounts.permissions import units_with_role
from chinhquyen.audit.models import SecurityEvent
from chinhquyen.audit.selectors import security_events_visible_to

from .models import Alert, AlertStatus


def alerts_visible_to(user: object) -> QuerySet[Alert]:
    units = units_with_role(user, (Role.IT_ADMIN,))
    if not units:
        raise PermissionDenied("Chỉ quản trị hệ thống được xem cảnh báo an ninh.")
    qs = Alert.objects.select_related("rule", "acknowledged_by", "closed_by")
    if any(unit.depth == 0 for unit in units):
        return qs
    cond = Q(pk__in=[])
    for unit in units:
        cond |= Q(unit_path__startswith=unit.path)
    return qs.filter(cond)


def open_alerts(user: object) -> QuerySet[Alert]:
    return alerts_visible_to(user).exclude(status=AlertStatus.CLOSED)


def dashboard_figures(user: object, *, since: dt.datetime) -> dict[str, Any]:
    events: QuerySet[SecurityEvent] = security_events_visible_to(user).filter(created_at__gte=since)
    per_day = list(
        events.order_by()
        .annotate(day=TruncDate("created_at"))
        .values("day", "kind")
        .annotate(n=Count("id"))
        .order_by("-day", "kind")
    )
    top_ips = list(
        events.exclude(ip__isnull=True)
        .order_by()
        .values("ip")
        .annotate(n=Count("id"))
        .order_by("-n", "ip")[:10]
    )
    top_users = list(
        events.exclude(username="")
        .order_by()
        .values("username")
        .annotate(n=Count("id"))
        .order_by("-n", "username")[:10]
    )
    return {"per_day": per_day, "top_ips": top_ips, "top_users": top_users}
