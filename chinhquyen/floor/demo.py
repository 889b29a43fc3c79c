"""Demo floor: service areas and counters at the provincial service centre and a commune desk,
a full day of tickets yesterday (called, served, some no-shows, ratings) and a few tickets
waiting today, walked through the services with past moments so the times are the real ones.

Idempotent: skipped when the centre already has service areas.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from chinhquyen.accounts.models import User

from . import services
from .models import Counter, CounterScore, ServiceArea

AREAS = (
    ("A", "Tư pháp — hộ tịch, chứng thực", "Tư pháp"),
    ("B", "Đất đai, xây dựng", "Đất đai; Xây dựng"),
    ("C", "Đăng ký kinh doanh, đầu tư", "Kế hoạch và đầu tư"),
)
COUNTERS = {1: "AB", 2: "A", 3: "BC"}
TICKETS = 36
SCORES = (CounterScore.VERY_SATISFIED, CounterScore.SATISFIED, CounterScore.NOT_SATISFIED)


def load_demo_floor(context: dict[str, Any]) -> dict[str, Any] | None:
    from chinhquyen.orgs.demo import load_demo_organisations

    orgs = context.get("orgs") or load_demo_organisations()
    centre = orgs.get("service_centre")
    officer = User.objects.filter(username="motcua").first()
    if centre is None or officer is None or ServiceArea.objects.filter(desk=centre).exists():
        return None
    with transaction.atomic():
        areas = {
            prefix: ServiceArea.objects.create(
                desk=centre, name=name, prefix=prefix, fields_served=fields
            )
            for prefix, name, fields in AREAS
        }
        counters = []
        for number, prefixes in COUNTERS.items():
            counter = Counter.objects.create(desk=centre, number=number)
            counter.areas.set([areas[p] for p in prefixes])
            counters.append(counter)
        if "commune_desk" in orgs:
            area = ServiceArea.objects.create(
                desk=orgs["commune_desk"], name="Tiếp nhận hồ sơ", prefix="A"
            )
            counter = Counter.objects.create(desk=orgs["commune_desk"], number=1)
            counter.areas.set([area])
        _day(officer, list(areas.values()), counters)
    return None


def _day(officer: User, areas: list[ServiceArea], counters: list[Counter]) -> None:
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    day = today - dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time(7, 30), tzinfo=tz)
    for n in range(TICKETS):
        services.ticket_take(area=areas[n % len(areas)], now=start + dt.timedelta(minutes=7 * n))
    # each counter works through the queue: a call every ~12 minutes, 8-15 minutes of service
    clock = {c.pk: start + dt.timedelta(minutes=10 + 3 * i) for i, c in enumerate(counters)}
    n = 0
    while True:
        counter = min(counters, key=lambda c: clock[c.pk])
        now = clock[counter.pk]
        ticket = services.ticket_call_next(actor=officer, counter=counter, now=now)
        if ticket is None:
            others = [c for c in counters if c.pk != counter.pk]
            counters = others
            if not counters:
                break
            continue
        n += 1
        if n % 9 == 0:
            services.ticket_no_show(actor=officer, counter=counter)
            clock[counter.pk] = now + dt.timedelta(minutes=3)
            continue
        services.ticket_start(actor=officer, counter=counter, now=now + dt.timedelta(minutes=1))
        end = now + dt.timedelta(minutes=8 + n % 8)
        services.ticket_finish(actor=officer, counter=counter, now=end)
        if n % 3:
            services.counter_rate(
                counter=counter,
                score=SCORES[n % 5 // 2],
                reason="Chờ lâu" if n % 5 // 2 == 2 else "",
                now=end + dt.timedelta(minutes=1),
            )
        clock[counter.pk] = end + dt.timedelta(minutes=2)
    now = timezone.now()
    for n in range(4):  # a few citizens waiting today for the demo's counter page
        services.ticket_take(area=areas[n % len(areas)], now=now)
