"""Filters of the reconciliation list, shared by the HTML page, its Excel export and the API
(so an export never holds a row the list would not show)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Payment, PaymentStatus
from .providers import provider_choices

DATE_BASIS_CHOICES = [("created", "Ngày tạo"), ("paid", "Ngày thanh toán")]
MAX_RANGE_DAYS = 366


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the deployment's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class ReconciliationForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")
        elif start and end and (end - start).days > MAX_RANGE_DAYS:
            self.add_error("date_to", "Chỉ lọc tối đa 366 ngày mỗi lần.")
        return cleaned


class PaymentFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(
        label="Từ ngày", method="filter_noop", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label="Đến ngày", method="filter_noop", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_basis = django_filters.ChoiceFilter(
        label="Lọc ngày theo",
        choices=DATE_BASIS_CHOICES,
        method="filter_noop",
        empty_label=None,
    )
    status = django_filters.ChoiceFilter(
        label="Trạng thái", choices=PaymentStatus.choices, empty_label="Tất cả"
    )
    provider = django_filters.ChoiceFilter(
        label="Cổng thanh toán", choices=provider_choices, empty_label="Tất cả"
    )
    q = django_filters.CharFilter(
        label="Mã giao dịch, số biên lai, người nộp", method="filter_q", max_length=100
    )

    class Meta:
        model = Payment
        fields = ["date_from", "date_to", "date_basis", "status", "provider", "q"]
        form = ReconciliationForm

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def filter_noop(self, queryset: QuerySet[Any], name: str, value: object) -> QuerySet[Any]:
        return queryset  # the date range is applied in filter_queryset (it needs the basis)

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(reference__iexact=text)
            | Q(receipt_number__iexact=text)
            | Q(provider_transaction_no=text)
            | Q(payer_name__icontains=text)
        )

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        qs = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        field = "paid_at" if data.get("date_basis") == "paid" else "created_at"
        if data.get("date_from"):
            qs = qs.filter(**{f"{field}__gte": day_start(data["date_from"])})
        if data.get("date_to"):
            qs = qs.filter(**{f"{field}__lt": day_start(data["date_to"] + dt.timedelta(days=1))})
        return qs
