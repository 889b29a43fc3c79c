"""What the sandbox gateway remembers about each transaction it was sent (to refuse a second
payment of the same order and to answer ``querydr`` like the real gateway)."""

from __future__ import annotations

import secrets

from django.db import models


def _token() -> str:
    return secrets.token_urlsafe(24)


class SandboxStatus(models.TextChoices):
    PENDING = "pending", "Chờ khách hàng xác nhận"
    PAID = "paid", "Thành công"
    FAILED = "failed", "Không thành công"
    CANCELLED = "cancelled", "Khách hàng hủy"


class SandboxTransaction(models.Model):
    token = models.CharField(max_length=40, unique=True, default=_token)
    tmn_code = models.CharField(max_length=16)
    txn_ref = models.CharField(max_length=100)
    amount = models.PositiveBigIntegerField(help_text="vnp_Amount (đồng × 100)")
    order_info = models.CharField(max_length=255)
    return_url = models.CharField(max_length=1000)
    bank_code = models.CharField(max_length=20, blank=True, default="")
    create_date = models.CharField(max_length=14)
    expire_date = models.CharField(max_length=14, blank=True, default="")
    status = models.CharField(
        max_length=16, choices=SandboxStatus.choices, default=SandboxStatus.PENDING
    )
    response_code = models.CharField(max_length=4, blank=True, default="")
    transaction_status = models.CharField(max_length=4, blank=True, default="")
    transaction_no = models.CharField(max_length=20, blank=True, default="")
    pay_date = models.CharField(max_length=14, blank=True, default="")
    card_number = models.CharField(max_length=32, blank=True, default="")
    ipn_response = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "giao dịch cổng thử nghiệm"
        verbose_name_plural = "giao dịch cổng thử nghiệm"
        constraints = [
            models.UniqueConstraint(
                fields=["tmn_code", "txn_ref"], name="payments_sandbox_txn_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tmn_code}/{self.txn_ref}"
