"""Serializers of the payments API: they only render (no business rules)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chinhquyen.payments.models import Payment, PaymentEvent
from chinhquyen.payments.providers import provider_label

STATUS_HELP = (
    "created (chờ thanh toán), pending (đang thanh toán), paid (đã thanh toán), failed (không "
    "thành công), cancelled (đã hủy), expired (hết hạn)"
)


class PaymentSerializer(serializers.ModelSerializer[Payment]):
    # Plain strings (values listed in help_text) rather than an enum component, so the schema
    # has one name per choice set.
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    provider_label = serializers.SerializerMethodField()
    organisation_name = serializers.SerializerMethodField()
    receipt_url = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = [
            "reference",
            "payable_type",
            "payable_id",
            "description",
            "amount",
            "currency",
            "status",
            "status_label",
            "provider",
            "provider_label",
            "organisation",
            "organisation_name",
            "payer_name",
            "receipt_number",
            "provider_transaction_no",
            "bank_code",
            "created_at",
            "expires_at",
            "paid_at",
            "receipt_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_provider_label(self, obj: Payment) -> str:
        return provider_label(obj.provider)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_organisation_name(self, obj: Payment) -> str | None:
        return obj.organisation.name if obj.organisation_id and obj.organisation else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_receipt_url(self, obj: Payment) -> str | None:
        """API address of the receipt PDF once the payment is paid."""
        if not obj.is_paid:
            return None
        return reverse("payments_api:receipt", args=[obj.reference])


class PaymentEventSerializer(serializers.ModelSerializer[PaymentEvent]):
    from_status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    to_status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    actor = serializers.SerializerMethodField()

    class Meta:
        model = PaymentEvent
        fields = [
            "created_at",
            "source",
            "source_label",
            "from_status",
            "to_status",
            "note",
            "actor",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_actor(self, obj: PaymentEvent) -> str | None:
        return obj.actor.get_username() if obj.actor_id and obj.actor else None


class PaymentDetailSerializer(PaymentSerializer):
    events = PaymentEventSerializer(many=True, read_only=True)

    class Meta(PaymentSerializer.Meta):
        fields = [*PaymentSerializer.Meta.fields, "events"]
        read_only_fields = fields


class StatusTotalSerializer(serializers.Serializer):
    status = serializers.CharField()
    status_label = serializers.CharField()
    count = serializers.IntegerField()
    amount = serializers.IntegerField(help_text="Tổng số tiền (đồng)")


class TotalsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Số khoản thanh toán phù hợp bộ lọc")
    amount = serializers.IntegerField(help_text="Tổng số tiền (đồng) của các khoản đó")
    paid_count = serializers.IntegerField(help_text="Số khoản đã thanh toán")
    paid_amount = serializers.IntegerField(help_text="Số tiền đã thu (đồng)")
    by_status = StatusTotalSerializer(many=True)


class ReconciliationPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    totals = TotalsSerializer()
    results = PaymentSerializer(many=True)


class IpnAnswerSerializer(serializers.Serializer):
    RspCode = serializers.CharField(
        help_text=(
            "00 đã ghi nhận; 01 không tìm thấy giao dịch; 02 giao dịch đã được xác nhận trước "
            "đó; 04 sai số tiền; 97 sai chữ ký; 99 lỗi khác"
        )
    )
    Message = serializers.CharField()
