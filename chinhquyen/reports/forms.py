"""Parsing of the report period and organisation (HTML form and API query alike)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone

from chinhquyen.core.calendar import VN_TZ
from chinhquyen.orgs.models import Organisation

from .selectors import MAX_MONTHS, MonthRange

MONTH_RE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$")
MONTH_MESSAGE = "Tháng phải có dạng NNNN-TT, ví dụ 2026-03."
ORDER_MESSAGE = "Tháng kết thúc không được trước tháng bắt đầu."
LENGTH_MESSAGE = f"Chỉ thống kê tối đa {MAX_MONTHS} tháng một lần."
DEFAULT_MONTHS = 12


def parse_month(raw: str) -> dt.date:
    """``YYYY-MM`` → the 1st of that month; ValueError with a Vietnamese message."""
    match = MONTH_RE.match(raw.strip())
    if not match:
        raise ValueError(MONTH_MESSAGE)
    year, month = int(match["year"]), int(match["month"])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValueError(MONTH_MESSAGE)
    return dt.date(year, month, 1)


def build_period(first: dt.date | None, last: dt.date | None) -> MonthRange:
    """The requested months; missing ends default to the last 12 months up to this one."""
    today = timezone.now().astimezone(VN_TZ).date()
    default = MonthRange.last_months(DEFAULT_MONTHS, today=today)
    if first is None and last is None:
        return default
    if last is None:
        assert first is not None
        last = max(first, min(_add_months(first, DEFAULT_MONTHS - 1), default.last))
    if first is None:
        first = _add_months(last, -(DEFAULT_MONTHS - 1))
    if last < first:
        raise ValueError(ORDER_MESSAGE)
    period = MonthRange(first=first, last=last)
    if period.count > MAX_MONTHS:
        raise ValueError(LENGTH_MESSAGE)
    return period


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "NNNN-TT"})

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_month(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class ReportFilterForm(forms.Form):
    tu_thang = MonthField(label="Từ tháng", required=False)
    den_thang = MonthField(label="Đến tháng", required=False)
    co_quan = forms.ModelChoiceField(
        label="Cơ quan",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Tất cả cơ quan trong phạm vi",
        error_messages={"invalid_choice": "Cơ quan không có trong phạm vi được xem."},
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["co_quan"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations.order_by("path")
        for name in ("tu_thang", "den_thang"):
            self.fields[name].widget.attrs["class"] = "form-control"
        field.widget.attrs["class"] = "form-select"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            data["period"] = build_period(data.get("tu_thang"), data.get("den_thang"))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data
