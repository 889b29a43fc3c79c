"""Builders for the tasks tests (they go through the services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from chinhquyen.documents.tests.conftest import World
from chinhquyen.tasks.models import Directive, SourceKind, Task
from chinhquyen.tasks.services import TaskSpec, directive_create

# A Monday in an ordinary week of 2026, and dates around the 30/4–1/5 holidays.
MONDAY = dt.date(2026, 3, 2)


def directive(
    world: World,
    *,
    units: list[Any] | None = None,
    today: dt.date = MONDAY,
    deadline: dt.date | None = None,
    title: str = "Triển khai Kế hoạch chuyển đổi số năm 2026",
    **spec: Any,
) -> Directive:
    targets = units or [world.justice]
    specs = [
        TaskSpec(
            content=f"Nhiệm vụ {i + 1}: {title}",
            lead_unit=unit,
            deadline=deadline or today + dt.timedelta(days=28),
            **spec,
        )
        for i, unit in enumerate(targets)
    ]
    return directive_create(
        actor=world.province_leader,
        title=title,
        source_kind=SourceKind.INSTRUCTION,
        tasks=specs,
        today=today,
    )


def first_task(world: World, **kwargs: Any) -> Task:
    return directive(world, **kwargs).tasks.get()
