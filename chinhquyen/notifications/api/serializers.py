"""Serializers of the reminder-preference API (the caller's own "cài đặt nhắc việc")."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..forms import TIME_ERRORS

TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


@extend_schema_field({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"})
class HourMinuteField(serializers.TimeField):
    """A local time written "21:00" (not an RFC 3339 time with an offset: quiet hours are on
    the Vietnamese clock)."""


def _time(label: str) -> serializers.TimeField:
    return HourMinuteField(
        label=label,
        format="%H:%M",
        input_formats=TIME_FORMATS,
        allow_null=True,
        required=False,
        default=None,
        error_messages={"invalid": TIME_ERRORS["invalid"]},
        help_text="Giờ:phút theo giờ Việt Nam (ví dụ 21:00); null nếu không có giờ yên lặng.",
    )


def _flag(label: str) -> serializers.BooleanField:
    return serializers.BooleanField(
        label=label,
        error_messages={
            "required": "Trường này là bắt buộc.",
            "invalid": "Giá trị phải là true hoặc false.",
            "null": "Giá trị phải là true hoặc false.",
        },
    )


class ReminderPreferenceSerializer(serializers.Serializer):
    """What the page shows and saves: channels, the daily digest, quiet hours (may cross
    midnight). PUT replaces all of them; quiet hours left out are cleared."""

    email_enabled = _flag("Nhận nhắc việc qua thư điện tử")
    sms_enabled = _flag("Nhận nhắc việc qua tin nhắn SMS")
    digest_enabled = _flag("Nhận bản tin việc cần làm mỗi ngày làm việc")
    quiet_start = _time("Giờ yên lặng từ")
    quiet_end = _time("Giờ yên lặng đến")
    has_email = serializers.SerializerMethodField(
        help_text="Tài khoản có địa chỉ thư điện tử để nhận nhắc việc."
    )
    has_phone = serializers.SerializerMethodField(
        help_text="Tài khoản có số di động (điều kiện để chọn SMS)."
    )
    saved = serializers.SerializerMethodField(
        help_text="false khi chưa lưu lần nào (đang dùng mặc định: thư điện tử, bản tin)."
    )

    def get_has_email(self, obj: Any) -> bool:
        return bool((obj.user.email or "").strip())

    def get_has_phone(self, obj: Any) -> bool:
        return bool((obj.user.phone or "").strip())

    def get_saved(self, obj: Any) -> bool:
        return obj.pk is not None
