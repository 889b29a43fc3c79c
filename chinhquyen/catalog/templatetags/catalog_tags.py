"""Template filters for the catalogue pages: money, hours, online level badges."""

from __future__ import annotations

from decimal import Decimal

from django import template

from chinhquyen.catalog.models import OnlineLevel

register = template.Library()

BADGES: dict[int, str] = {
    OnlineLevel.FULL: "text-bg-success",
    OnlineLevel.PARTIAL: "text-bg-primary",
    OnlineLevel.NONE: "text-bg-secondary",
}


@register.filter
def vnd(value: int | None) -> str:
    """``200000`` -> ``200.000 đồng``; 0 -> ``Miễn``."""
    if value is None:
        return ""
    if int(value) == 0:
        return "Miễn"
    return f"{int(value):,} đồng".replace(",", ".")


@register.filter
def hours(value: Decimal | int | float | None) -> str:
    """``Decimal("2.50")`` -> ``2,5 giờ``."""
    if value is None:
        return ""
    number = Decimal(str(value)).normalize()
    return f"{number:f}".replace(".", ",") + " giờ"


@register.filter
def online_badge(level: int | None) -> str:
    return BADGES.get(level, "text-bg-secondary") if level is not None else "text-bg-secondary"
