"""Forms of the public UI shell."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db import models
from django.utils import timezone

MIN_YEAR = 2000
MAX_YEAR = 2100
MAX_WORKING_DAYS = 365
MAX_WORKING_HOURS = 8 * MAX_WORKING_DAYS


class DurationUnit(models.TextChoices):
    DAYS = "days", "ngày làm việc"
    HOURS = "hours", "giờ làm việc"


class AppointmentForm(forms.Form):
    """Received moment + processing time -> appointment (ngày hẹn trả kết quả)."""

    received_date = forms.DateField(
        label="Ngày tiếp nhận hồ sơ",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Vui lòng nhập ngày tiếp nhận hồ sơ.",
            "invalid": "Ngày tiếp nhận không hợp lệ. Hãy nhập theo dạng ngày/tháng/năm, "
            "ví dụ 13/02/2026.",
        },
    )
    received_time = forms.TimeField(
        label="Giờ tiếp nhận",
        input_formats=["%H:%M", "%H:%M:%S", "%Hh%M", "%H giờ %M"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": "Vui lòng nhập giờ tiếp nhận hồ sơ.",
            "invalid": "Giờ tiếp nhận không hợp lệ. Hãy nhập theo dạng giờ:phút, ví dụ 10:00.",
        },
    )
    amount = forms.IntegerField(
        label="Thời hạn giải quyết",
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
        error_messages={
            "required": "Vui lòng nhập thời hạn giải quyết.",
            "invalid": "Thời hạn giải quyết phải là một số nguyên, ví dụ 5.",
            "min_value": "Thời hạn giải quyết phải từ 1 trở lên.",
        },
    )
    unit = forms.ChoiceField(
        label="Tính theo",
        choices=DurationUnit.choices,
        initial=DurationUnit.DAYS,
        error_messages={
            "required": "Vui lòng chọn đơn vị tính thời hạn.",
            "invalid_choice": "Đơn vị tính không hợp lệ: chọn ngày làm việc hoặc giờ làm việc.",
        },
    )
    apply_cutoff = forms.BooleanField(
        label="Hồ sơ nhận sau giờ chốt trong ngày được tính từ ngày làm việc tiếp theo",
        required=False,
        initial=True,
    )

    def clean_received_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["received_date"]
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise forms.ValidationError(
                f"Chỉ tính được cho ngày từ năm {MIN_YEAR} đến năm {MAX_YEAR}."
            )
        return value

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        amount = cleaned.get("amount")
        unit = cleaned.get("unit")
        if isinstance(amount, int):
            if unit == DurationUnit.DAYS and amount > MAX_WORKING_DAYS:
                self.add_error("amount", f"Thời hạn tối đa là {MAX_WORKING_DAYS} ngày làm việc.")
            elif unit == DurationUnit.HOURS and amount > MAX_WORKING_HOURS:
                self.add_error("amount", f"Thời hạn tối đa là {MAX_WORKING_HOURS} giờ làm việc.")
        return cleaned

    def received_at(self) -> dt.datetime:
        """The received moment as an aware datetime in the deployment's time zone."""
        naive = dt.datetime.combine(
            self.cleaned_data["received_date"], self.cleaned_data["received_time"]
        )
        return timezone.make_aware(naive)

    @staticmethod
    def initial_now() -> dict[str, object]:
        now = timezone.localtime()
        return {
            "received_date": now.date(),
            "received_time": now.time().replace(second=0, microsecond=0),
            "amount": 1,
            "unit": DurationUnit.DAYS,
            "apply_cutoff": True,
        }
