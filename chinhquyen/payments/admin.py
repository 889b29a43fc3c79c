"""Payments in the Django admin: read-only. Every change goes through ``services`` (which write
the history); the admin is for looking things up."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Payment, PaymentEvent, SandboxTransaction


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PaymentEventInline(_ReadOnly, admin.TabularInline):  # type: ignore[misc]
    model = PaymentEvent
    extra = 0
    fields = ("created_at", "source", "from_status", "to_status", "actor", "note")
    readonly_fields = ("created_at", "source", "from_status", "to_status", "actor", "note")
    can_delete = False


@admin.register(Payment)
class PaymentAdmin(_ReadOnly, admin.ModelAdmin):  # type: ignore[misc]
    list_display = [
        "reference",
        "status",
        "amount",
        "payable_type",
        "payable_id",
        "payer_name",
        "provider",
        "receipt_number",
        "created_at",
        "paid_at",
    ]
    list_filter = ["status", "provider", "payable_type", "needs_review", "created_at"]
    search_fields = ["reference", "receipt_number", "provider_transaction_no", "payer_name"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [PaymentEventInline]


@admin.register(SandboxTransaction)
class SandboxTransactionAdmin(_ReadOnly, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ["txn_ref", "tmn_code", "amount", "status", "response_code", "created_at"]
    list_filter = ["status"]
    search_fields = ["txn_ref"]
    readonly_fields = [f.name for f in SandboxTransaction._meta.fields]
