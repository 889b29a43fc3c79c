"""Two counters calling at the same moment never get the same ticket (PostgreSQL row locks;
skipped on SQLite, which serialises writers)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from .. import services
from ..models import Ticket, TicketStatus
from .conftest import build_floor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(workers: list[Callable[[], Any]]) -> list[Any]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: several connections racing on the same rows")
    barrier = threading.Barrier(len(workers))
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(work: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=60)
            results.append(work())
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(results) == len(workers)
    return results


def test_two_counters_calling_at_once_get_different_tickets() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: several connections racing on the same rows")
    floor = build_floor()
    for _ in range(3):
        services.ticket_take(area=floor.areas["A"])
    o1, o2 = floor.users["officer1"], floor.users["officer2"]
    c1, c2 = floor.counters["c1"], floor.counters["c2"]
    for _round in range(3):
        got = race(
            [
                lambda: services.ticket_call_next(actor=o1, counter=c1),
                lambda: services.ticket_call_next(actor=o2, counter=c2),
            ]
        )
        picked = [t.pk for t in got if t is not None]
        assert len(picked) == len(set(picked))
        for actor, counter in ((o1, c1), (o2, c2)):
            if services.counter_current(counter) is not None:
                services.ticket_finish(actor=actor, counter=counter)
    assert Ticket.objects.filter(status=TicketStatus.DONE).count() == 3
    assert set(Ticket.objects.values_list("counter_id", flat=True)) <= {c1.pk, c2.pk}


def test_numbers_never_repeat_when_taken_at_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: several connections racing on the same rows")
    floor = build_floor()
    area = floor.areas["A"]
    tickets = race([lambda: services.ticket_take(area=area) for _ in range(6)])
    assert sorted(t.number for t in tickets) == [1, 2, 3, 4, 5, 6]
