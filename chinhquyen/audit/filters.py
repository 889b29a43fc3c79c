"""Filters of the audit lists, shared by the HTML pages, the Excel exports and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from .models import SecurityEvent, SecurityEventKind

ACTIONS = {
    "create": LogEntry.Action.CREATE,
    "update": LogEntry.Action.UPDATE,
    "delete": LogEntry.Action.DELETE,
}
ACTION_CHOICES = [("create", "Tạo mới"), ("update", "Cập nhật"), ("delete", "Xóa")]
ACTION_LABELS = {ACTIONS[key]: label for key, label in ACTION_CHOICES}
ACTION_CODES = {value: key for key, value in ACTIONS.items()}


def model_choices() -> list[tuple[str, str]]:
    """Models whose changes django-auditlog records, as ("app_label.model", verbose name)."""
    choices = [
        (f"{m._meta.app_label}.{m._meta.model_name}", str(m._meta.verbose_name).capitalize())
        for m in auditlog.get_models()
    ]
    return sorted(choices, key=lambda choice: choice[1])


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the deployment's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class DateRangeForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")
        return cleaned


class IPAddressFilter(django_filters.CharFilter):
    field_class = forms.GenericIPAddressField


class _AuditFilterSet(django_filters.FilterSet):
    time_field = "created_at"

    date_from = django_filters.DateFilter(
        label="Từ ngày",
        method="filter_date_from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label="Đến ngày",
        method="filter_date_to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def filter_date_from(self, queryset: QuerySet[Any], name: str, value: dt.date) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.time_field}__gte": _day_start(value)})

    def filter_date_to(self, queryset: QuerySet[Any], name: str, value: dt.date) -> QuerySet[Any]:
        next_day = _day_start(value + dt.timedelta(days=1))
        return queryset.filter(**{f"{self.time_field}__lt": next_day})


class LogEntryFilter(_AuditFilterSet):
    time_field = "timestamp"

    actor = django_filters.CharFilter(
        label="Người thực hiện (tên đăng nhập)",
        field_name="actor__username",
        lookup_expr="icontains",
        max_length=150,
    )
    model = django_filters.ChoiceFilter(
        label="Loại dữ liệu", choices=model_choices, method="filter_model", empty_label="Tất cả"
    )
    action = django_filters.ChoiceFilter(
        label="Thao tác", choices=ACTION_CHOICES, method="filter_action", empty_label="Tất cả"
    )
    object_id = django_filters.CharFilter(
        label="Mã đối tượng", field_name="object_pk", lookup_expr="exact", max_length=255
    )

    class Meta:
        model = LogEntry
        fields = ["actor", "model", "action", "object_id", "date_from", "date_to"]
        form = DateRangeForm

    def filter_model(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        app_label, _, model_name = value.partition(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model_name)

    def filter_action(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(action=ACTIONS[value])


class SecurityEventFilter(_AuditFilterSet):
    kind = django_filters.ChoiceFilter(
        label="Loại sự kiện", choices=SecurityEventKind.choices, empty_label="Tất cả"
    )
    username = django_filters.CharFilter(
        label="Tên đăng nhập", field_name="username", lookup_expr="icontains", max_length=150
    )
    ip = IPAddressFilter(label="Địa chỉ IP", field_name="ip", lookup_expr="exact")

    class Meta:
        model = SecurityEvent
        fields = ["kind", "username", "ip", "date_from", "date_to"]
        form = DateRangeForm
