"""Reads of the exchange between deployments: the IT administrator's operations overview.

Peers and the outbox belong to the whole deployment: only an IT administrator of the province
(a root organisation) sees them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from chinhquyen.accounts.models import Role
from chinhquyen.accounts.permissions import units_with_role

from .models import InboundMessage, OutboxMessage, OutboxState, Peer

EXPIRY_WARNING_DAYS = 30
FLOW_DAYS = 14


def can_operate(user: object) -> bool:
    return any(unit.depth == 0 for unit in units_with_role(user, (Role.IT_ADMIN,)))


@dataclass
class Overview:
    peers: list[Peer]
    expiring: list[Peer]
    flow: list[dict[str, Any]]
    pending: list[OutboxMessage]
    dead: list[OutboxMessage]


def overview(*, now: dt.datetime | None = None) -> Overview:
    when = now or timezone.now()
    since = when - dt.timedelta(days=FLOW_DAYS)
    peers = list(Peer.objects.order_by("agency_code"))
    sent = dict(
        OutboxMessage.objects.filter(state=OutboxState.SENT, sent_at__gte=since)
        .annotate(day=TruncDate("sent_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    received = dict(
        InboundMessage.objects.filter(received_at__gte=since)
        .annotate(day=TruncDate("received_at"))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    days = sorted(set(sent) | set(received), reverse=True)
    rows = OutboxMessage.objects.select_related("peer", "exchange_message").order_by("pk")
    return Overview(
        peers=peers,
        expiring=[
            p
            for p in peers
            if p.is_active
            and p.not_after is not None
            and p.not_after <= when + dt.timedelta(days=EXPIRY_WARNING_DAYS)
        ],
        flow=[{"day": d, "sent": sent.get(d, 0), "received": received.get(d, 0)} for d in days],
        pending=list(rows.filter(state=OutboxState.PENDING).exclude(last_error="")[:100]),
        dead=list(rows.filter(state=OutboxState.DEAD)[:200]),
    )
