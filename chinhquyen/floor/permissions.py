"""Who may operate a counter: an official with an active position in the counter's desk."""

from __future__ import annotations

from typing import Any

from chinhquyen.accounts.models import Position, Role

from .models import Counter

ROLES = (Role.DESK_OFFICER, Role.UNIT_HEAD, Role.LEADER)


def desks_of(user: Any) -> list[int]:
    if not getattr(user, "is_authenticated", False) or not user.is_official:
        return []
    return list(
        Position.objects.active()
        .filter(user=user, role__in=ROLES)
        .values_list("unit_id", flat=True)
    )


def can_operate(user: Any, counter: Counter) -> bool:
    return counter.desk_id in desks_of(user)
