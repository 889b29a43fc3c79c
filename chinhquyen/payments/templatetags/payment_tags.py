"""Template filters of the payments pages."""

from __future__ import annotations

from django import template

from chinhquyen.payments.words import format_vnd

register = template.Library()


@register.filter
def vnd(value: object) -> str:
    """1005000 -> "1.005.000" (dots between thousands, whatever the active locale)."""
    try:
        return format_vnd(int(str(value)))
    except (TypeError, ValueError):
        return ""
