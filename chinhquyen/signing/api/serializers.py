"""Serializers of the signing API (parsing and rendering only)."""

from __future__ import annotations

from typing import Any

from django import forms
from rest_framework import serializers

from chinhquyen.core.ids import MAX_ID

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


# --- Two-step signing with the official's own device ---------------------------------------


class OfficialCertificateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    official = serializers.IntegerField(source="official_id")
    subject = serializers.CharField()
    issuer = serializers.CharField()
    serial_number = serializers.CharField()
    not_before = serializers.DateTimeField()
    not_after = serializers.DateTimeField()
    fingerprint = serializers.CharField()
    status = serializers.CharField()
    note = serializers.CharField()


class CertificateRegisterSerializer(serializers.Serializer):
    certificate_pem = serializers.CharField(max_length=20000)


class CertificateDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class PrepareRequestSerializer(serializers.Serializer):
    purpose = serializers.CharField(max_length=50)
    target_ids = serializers.ListField(
        child=serializers.CharField(max_length=64), min_length=1, max_length=100
    )
    remote = serializers.BooleanField(
        default=False, help_text="Ký số từ xa (chứng thư của dịch vụ ký từ xa đã đăng ký)."
    )


class PreparedItemSerializer(serializers.Serializer):
    target_id = serializers.CharField()
    id = serializers.IntegerField(allow_null=True)
    digest = serializers.CharField(allow_null=True, help_text="Giá trị băm cần ký (base64).")
    algorithm = serializers.CharField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    description = serializers.CharField(allow_null=True)
    code = serializers.CharField()
    message = serializers.CharField()


class PrepareResponseSerializer(serializers.Serializer):
    certificate = OfficialCertificateSerializer()
    items = PreparedItemSerializer(many=True)


class SignatureItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    signature = serializers.CharField(max_length=100000, help_text="Chữ ký (base64).")


class CompleteRequestSerializer(serializers.Serializer):
    items = serializers.ListField(child=SignatureItemSerializer(), min_length=1, max_length=100)
    certificate_chain = serializers.ListField(
        child=serializers.CharField(max_length=20000), required=False, default=list, max_length=10
    )
    signature_format = serializers.ChoiceField(choices=["raw", "cms"], default="raw")


class CompletedItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ok = serializers.BooleanField()
    code = serializers.CharField()
    message = serializers.CharField()


class CompleteResponseSerializer(serializers.Serializer):
    items = CompletedItemSerializer(many=True)


class RemoteRequestSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=100
    )
    description = serializers.CharField(max_length=500)


class RemoteRequestResponseSerializer(serializers.Serializer):
    transaction_id = serializers.CharField()


class RemotePollSerializer(serializers.Serializer):
    transaction_id = serializers.CharField(max_length=150)


class RemotePollResponseSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="pending | completed | rejected | expired | failed")
    message = serializers.CharField()
    items = CompletedItemSerializer(many=True)
