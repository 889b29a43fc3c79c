"""Template helpers for the UI shell: Bootstrap form fields, navigation state, Vietnamese
date and duration formatting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField, BoundWidget
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from chinhquyen.web import navigation

register = template.Library()

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


# --- Forms ---------------------------------------------------------------------------------


def _field_kind(field: BoundField) -> str:
    widget = field.field.widget
    if field.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxInput):
        return "check"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "choices"
    return "input"


def _join_classes(*names: str) -> str:
    seen: list[str] = []
    for name in " ".join(names).split():
        if name not in seen:
            seen.append(name)
    return " ".join(seen)


@register.inclusion_tag("web/_field.html")
def bs_field(field: BoundField) -> dict[str, Any]:
    """Render one form field the Bootstrap way: a visible label, the widget with the right
    class, help text and errors wired to the input with aria-describedby/aria-invalid."""
    widget = field.field.widget
    kind = _field_kind(field)
    help_id = f"{field.auto_id}_helptext" if field.auto_id else ""
    error_id = f"{field.auto_id}_error" if field.auto_id else ""
    described_by = []
    if field.help_text and help_id:
        described_by.append(help_id)
    if field.errors and error_id:
        described_by.append(error_id)

    if kind in ("check", "choices"):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    attrs: dict[str, str | bool] = {
        "class": _join_classes(str(widget.attrs.get("class", "")), css),
    }
    if field.errors:
        attrs["class"] = _join_classes(str(attrs["class"]), "is-invalid")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)

    options: list[dict[str, Any]] = []
    widget_html: SafeString | str = ""
    if kind == "choices":
        for sub in field.subwidgets:
            data = dict(sub.data)
            data["attrs"] = {**data.get("attrs", {}), **attrs}
            bound = BoundWidget(widget, data, field.form.renderer)
            options.append(
                {
                    "tag": bound.tag(wrap_label=False),
                    "id": bound.id_for_label,
                    "label": bound.choice_label,
                }
            )
    else:
        widget_html = field.as_widget(attrs=attrs)
    return {
        "field": field,
        "kind": kind,
        "widget": widget_html,
        "options": options,
        "help_id": help_id,
        "error_id": error_id,
    }


# --- Navigation ----------------------------------------------------------------------------


@register.simple_tag
def nav_current(path: str, url: str | None, exact: bool = False) -> SafeString:
    """`` aria-current="page"`` when ``path`` is ``url`` (or below it, unless exact)."""
    if not url or not path:
        return mark_safe("")
    if path == url or (not exact and url != "/" and url.endswith("/") and path.startswith(url)):
        return mark_safe(' aria-current="page"')
    return mark_safe("")


@register.simple_tag(takes_context=True)
def workspace_nav(context: template.Context) -> list[navigation.NavSection]:
    """Side navigation sections for the signed-in official (empty for anyone else)."""
    from chinhquyen.accounts.models import Position, User
    from chinhquyen.accounts.permissions import is_official

    request: HttpRequest | None = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not isinstance(user, User) or not is_official(user):
        return []
    positions = list(
        Position.objects.active()
        .filter(user=user)
        .select_related("unit")
        .order_by("unit__path", "role")
    )
    return navigation.workspace_sections(positions, path=request.path)


# --- Dates and durations ------------------------------------------------------------------


@register.filter
def vi_weekday(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return WEEKDAYS[value.weekday()]


@register.filter
def vi_date(value: dt.date | dt.datetime | None) -> str:
    """``Thứ Hai, 23/02/2026``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{WEEKDAYS[value.weekday()]}, {value:%d/%m/%Y}"


@register.filter
def vi_datetime(value: dt.datetime | str | None) -> str:
    """``10:00 Thứ Hai, 23/02/2026`` (hour first, as Vietnamese forms write it). An ISO 8601
    string (e.g. a signature's signing time) is read first; other text is shown as is."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        text = value
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value:%H:%M} {WEEKDAYS[value.weekday()]}, {value:%d/%m/%Y}"


@register.filter
def vi_duration(value: dt.timedelta | None) -> str:
    """A wall-clock duration in Vietnamese: ``1 giờ 30 phút``, ``2 ngày``."""
    if value is None:
        return ""
    total = int(value.total_seconds())
    if total <= 0:
        return "0 phút"
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days} ngày")
    if hours:
        parts.append(f"{hours} giờ")
    if minutes:
        parts.append(f"{minutes} phút")
    return " ".join(parts) or "dưới 1 phút"
