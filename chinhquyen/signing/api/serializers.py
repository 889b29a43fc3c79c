"""Serializers of the signing API (parsing and rendering only)."""

from __future__ import annotations

from typing import Any

from django import forms
from rest_framework import serializers

from ..forms import read_pdf_upload


class VerifyRequestSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="Tệp PDF có chữ ký số, tối đa 20 MB.",
        error_messages={"required": "Vui lòng gửi tệp PDF cần kiểm tra (trường «file»)."},
    )

    def validate_file(self, value: Any) -> bytes:
        try:
            return read_pdf_upload(value)
        except forms.ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class SignatureReportSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="Tên ô chữ ký trong tệp.")
    signer = serializers.CharField(help_text="Người ký (tên trên chứng thư số).")
    issuer = serializers.CharField(help_text="Tổ chức cấp chứng thư số.")
    signing_time = serializers.CharField(
        allow_null=True, help_text="Thời gian ký do người ký khai (ISO 8601, +07:00)."
    )
    timestamp = serializers.CharField(
        allow_null=True, help_text="Dấu thời gian do đơn vị cấp dấu thời gian chứng nhận."
    )
    intact = serializers.BooleanField(help_text="Dữ liệu được ký còn nguyên vẹn.")
    trusted = serializers.BooleanField(help_text="Chứng thư số do tổ chức tin cậy cấp.")
    coverage = serializers.CharField(
        help_text="Phạm vi chữ ký: ENTIRE_FILE, ENTIRE_REVISION, ... (theo pyHanko)."
    )
    modification_level = serializers.CharField(
        allow_null=True, help_text="Mức thay đổi sau khi ký: NONE, LTA_UPDATES, FORM_FILLING..."
    )
    docmdp_ok = serializers.BooleanField(
        allow_null=True, help_text="Các thay đổi sau khi ký nằm trong phạm vi được phép."
    )
    valid = serializers.BooleanField(help_text="Kết luận cho chữ ký này.")
    problem = serializers.CharField(help_text="Lý do không hợp lệ (rỗng nếu hợp lệ).")


class VerificationResultSerializer(serializers.Serializer):
    valid = serializers.BooleanField(help_text="Tất cả chữ ký hợp lệ và tệp không bị sửa.")
    reason = serializers.CharField(help_text="Kết luận bằng tiếng Việt.")
    signatures = SignatureReportSerializer(many=True)
