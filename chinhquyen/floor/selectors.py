"""Reads of the floor: the hall display (no personal data), statistics, counter ratings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from .models import CounterRating, CounterScore, ServiceArea, Ticket, TicketStatus


def display_data(desk_id: int, day: dt.date) -> dict[str, Any]:
    """What the hall screen shows: ticket labels, counter numbers and queue lengths only."""
    tickets = Ticket.objects.filter(area__desk_id=desk_id, day=day).select_related(
        "area", "counter"
    )
    called = [
        {
            "ticket": t.label,
            "counter": t.counter.number if t.counter else None,
            "status": t.status,
            "recalls": t.recalls,
        }
        for t in tickets.filter(status__in=(TicketStatus.CALLED, TicketStatus.SERVING)).order_by(
            "-called_at", "-pk"
        )[:10]
    ]
    waiting = {
        row["area"]: row["n"]
        for row in tickets.filter(status=TicketStatus.WAITING)
        .values("area")
        .annotate(n=Count("pk"))
    }
    areas = [
        {"prefix": a.prefix, "name": a.name, "waiting": waiting.get(a.pk, 0)}
        for a in ServiceArea.objects.filter(desk_id=desk_id, active=True)
    ]
    return {"day": day.isoformat(), "called": called, "areas": areas}


@dataclass
class FloorTimes:
    key: int
    name: str
    served: int = 0
    no_show: int = 0
    waiting_seconds: float = 0.0  # sum over called tickets
    called: int = 0
    service_seconds: float = 0.0  # sum over finished tickets

    @property
    def average_wait(self) -> float | None:
        return self.waiting_seconds / self.called if self.called else None

    @property
    def average_service(self) -> float | None:
        return self.service_seconds / self.served if self.served else None


def floor_times(*, desk_id: int, day: dt.date, by: str = "area") -> list[FloorTimes]:
    """Waiting time (issued → called) and service time (start → end) per area or counter."""
    rows: dict[int, FloorTimes] = {}
    tickets = Ticket.objects.filter(area__desk_id=desk_id, day=day).select_related(
        "area", "counter"
    )
    for t in tickets:
        if by == "counter":
            if t.counter is None:
                continue
            key, name = t.counter.pk, str(t.counter)
        else:
            key, name = t.area.pk, t.area.name
        row = rows.setdefault(key, FloorTimes(key=key, name=name))
        if t.called_at:
            row.called += 1
            row.waiting_seconds += (t.called_at - t.issued_at).total_seconds()
        if t.status == TicketStatus.NO_SHOW:
            row.no_show += 1
        if t.status == TicketStatus.DONE and t.served_started_at and t.served_ended_at:
            row.served += 1
            row.service_seconds += (t.served_ended_at - t.served_started_at).total_seconds()
    return sorted(rows.values(), key=lambda r: r.name)


SATISFIED_SCORES = (CounterScore.SATISFIED, CounterScore.VERY_SATISFIED)
RATING_KEYS = {"unit": "counter__desk", "officer": "officer"}


def counter_ratings(*, by: str, start: dt.datetime, end: dt.datetime) -> dict[int, tuple[int, int]]:
    """(ratings, satisfied or very satisfied) per desk ("unit") or officer in [start, end).

    Called by ``chinhquyen.feedback.satisfaction`` to add counter service to the QĐ 766 ratios.
    """
    key = RATING_KEYS.get(by)
    if key is None:
        return {}
    out: dict[int, tuple[int, int]] = {}
    for entry in (
        CounterRating.objects.filter(rated_at__gte=start, rated_at__lt=end)
        .values(key)
        .annotate(total=Count("pk"), good=Count("pk", filter=Q(score__in=SATISFIED_SCORES)))
    ):
        if entry[key] is not None:
            out[entry[key]] = (entry["total"], entry["good"])
    return out
