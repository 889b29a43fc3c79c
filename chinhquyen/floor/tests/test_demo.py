"""The demo loader: a day of tickets at the provincial centre, idempotent."""

from __future__ import annotations

import pytest

from chinhquyen.accounts.demo import load_demo_accounts, load_orgs

from ..demo import TICKETS, load_demo_floor
from ..models import CounterRating, Ticket, TicketStatus

pytestmark = pytest.mark.django_db


def test_demo_floor_has_a_day_of_tickets_and_loads_once() -> None:
    context: dict = {}
    context.update(load_orgs(context) or {})
    context.update(load_demo_accounts(context) or {})
    load_demo_floor(context)
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {TicketStatus.DONE, TicketStatus.NO_SHOW, TicketStatus.WAITING} <= statuses
    assert Ticket.objects.count() == TICKETS + 4
    assert CounterRating.objects.filter(score=1).exists()
    load_demo_floor(context)
    assert Ticket.objects.count() == TICKETS + 4
