"""Online fee payments: a payment pays for a "payable" of another app, e.g. ("dossier", "42").

The payments app knows nothing about dossiers: the payable is only a (type, id) pair, a
description and an amount. The payable's owner learns about the paid state through
``chinhquyen.payments.hooks.on_payment_paid``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .sandbox.models import SandboxTransaction

__all__ = [
    "EventSource",
    "Payment",
    "PaymentCounter",
    "PaymentEvent",
    "PaymentStatus",
    "SandboxTransaction",
]


class PaymentStatus(models.TextChoices):
    CREATED = "created", "Chờ thanh toán"
    PENDING = "pending", "Đang thanh toán"
    PAID = "paid", "Đã thanh toán"
    FAILED = "failed", "Không thành công"
    CANCELLED = "cancelled", "Đã hủy"
    EXPIRED = "expired", "Hết hạn"


class EventSource(models.TextChoices):
    APP = "app", "Ứng dụng"
    RETURN = "return", "Trang kết quả (trình duyệt)"
    IPN = "ipn", "Thông báo từ cổng thanh toán (IPN)"
    RECONCILE = "reconcile", "Đối soát"
    ADMIN = "admin", "Cán bộ quản trị"
    SCHEDULER = "scheduler", "Tác vụ định kỳ"


class Payment(models.Model):
    reference = models.CharField(
        "mã giao dịch", max_length=32, unique=True, help_text="vnp_TxnRef gửi sang cổng."
    )
    payable_type = models.CharField("loại khoản cần thanh toán", max_length=50)
    payable_id = models.CharField("mã khoản cần thanh toán", max_length=64)
    description = models.CharField("nội dung", max_length=255)
    amount = models.PositiveBigIntegerField("số tiền (đồng)")
    currency = models.CharField("đơn vị tiền tệ", max_length=3, default="VND")
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="đơn vị thu",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    provider = models.CharField("cổng thanh toán", max_length=32)
    status = models.CharField(
        "trạng thái",
        max_length=16,
        choices=PaymentStatus.choices,
        default=PaymentStatus.CREATED,
        db_index=True,
    )
    provider_transaction_no = models.CharField(
        "mã giao dịch tại cổng", max_length=64, blank=True, default=""
    )
    bank_code = models.CharField("ngân hàng", max_length=20, blank=True, default="")
    response_code = models.CharField("mã phản hồi của cổng", max_length=8, blank=True, default="")
    needs_review = models.BooleanField(
        "cần đối soát",
        default=False,
        help_text="Cổng báo giao dịch bị nghi ngờ: không tự hết hạn, chờ cán bộ đối soát.",
    )
    receipt_number = models.CharField(
        "số biên lai", max_length=20, unique=True, null=True, blank=True
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nộp (tài khoản)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="payments",
    )
    payer_name = models.CharField("người nộp", max_length=150, blank=True, default="")
    payer_phone = models.CharField("số điện thoại", max_length=20, blank=True, default="")
    payer_email = models.EmailField("thư điện tử", blank=True, default="")
    idempotency_key = models.CharField(
        "khóa chống trùng", max_length=100, unique=True, null=True, blank=True
    )
    client_ip = models.GenericIPAddressField("địa chỉ IP người nộp", null=True, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField("chuyển sang cổng lúc", null=True, blank=True)
    expires_at = models.DateTimeField("hết hạn lúc", null=True, blank=True, db_index=True)
    paid_at = models.DateTimeField("thanh toán lúc", null=True, blank=True, db_index=True)
    return_payload = models.JSONField("dữ liệu trang kết quả", default=dict, blank=True)
    ipn_payload = models.JSONField("dữ liệu IPN", default=dict, blank=True)

    class Meta:
        verbose_name = "khoản thanh toán"
        verbose_name_plural = "khoản thanh toán"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["payable_type", "payable_id"]),
            models.Index(fields=["status", "expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="paid", receipt_number__isnull=False, paid_at__isnull=False)
                | ~Q(status="paid"),
                name="payments_paid_has_receipt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.amount:,} đồng".replace(",", ".")

    @property
    def is_paid(self) -> bool:
        return self.status == PaymentStatus.PAID

    @property
    def is_open(self) -> bool:
        """Still payable: created or waiting for the gateway."""
        return self.status in (PaymentStatus.CREATED, PaymentStatus.PENDING)


class PaymentEvent(models.Model):
    """Append-only history of a payment: every state change, and notable non-changes (the
    browser came back, a suspicious transaction to review)."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField("thời điểm", auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField("nguồn", max_length=16, choices=EventSource.choices)
    from_status = models.CharField(
        "trạng thái trước", max_length=16, choices=PaymentStatus.choices, blank=True
    )
    to_status = models.CharField("trạng thái sau", max_length=16, choices=PaymentStatus.choices)
    note = models.CharField("ghi chú", max_length=500, blank=True, default="")
    payload = models.JSONField("dữ liệu", default=dict, blank=True)

    class Meta:
        verbose_name = "lịch sử thanh toán"
        verbose_name_plural = "lịch sử thanh toán"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.payment.reference}: {self.from_status or '—'} → {self.to_status}"


class PaymentCounter(models.Model):
    """Transaction-safe sequences (``select_for_update``): receipt numbers per year, payment
    references per day. The UNIQUE constraints on Payment are the backstop."""

    name = models.CharField(max_length=32)
    period = models.CharField(max_length=16)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "bộ đếm số"
        verbose_name_plural = "bộ đếm số"
        constraints = [
            models.UniqueConstraint(fields=["name", "period"], name="payments_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.period}: {self.value}"
