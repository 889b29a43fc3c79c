"""The official's "Cài đặt nhắc việc" form."""

from __future__ import annotations

from typing import Any

from django import forms

from chinhquyen.accounts.models import User

from .preferences import preference_errors

TIME_ERRORS = {"invalid": "Giờ không hợp lệ: nhập theo dạng giờ:phút, ví dụ 21:00."}


class ReminderPreferenceForm(forms.Form):
    email_enabled = forms.BooleanField(
        label="Nhận nhắc việc qua thư điện tử",
        required=False,
        help_text="Gửi tới địa chỉ thư điện tử trong hồ sơ cá nhân.",
    )
    sms_enabled = forms.BooleanField(
        label="Nhận nhắc việc qua tin nhắn SMS",
        required=False,
        help_text="Gửi tới số điện thoại di động trong hồ sơ cá nhân.",
    )
    digest_enabled = forms.BooleanField(
        label="Nhận bản tin việc cần làm mỗi ngày làm việc",
        required=False,
        help_text="Tổng hợp hồ sơ, văn bản, nhiệm vụ quá hạn, đến hạn và sắp đến hạn.",
    )
    quiet_start = forms.TimeField(
        label="Giờ yên lặng từ",
        required=False,
        error_messages=TIME_ERRORS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Để trống cả hai ô nếu không cần giờ yên lặng.",
    )
    quiet_end = forms.TimeField(
        label="Giờ yên lặng đến",
        required=False,
        error_messages=TIME_ERRORS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Có thể qua nửa đêm, ví dụ từ 21:00 đến 07:00.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        errors = preference_errors(data, self.user, skip=set(self.errors))
        for name, message in errors.items():
            self.add_error(name, message)
        return data
