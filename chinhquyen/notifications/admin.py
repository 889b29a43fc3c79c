"""Admin: editable templates, the read-only outbox with a "gửi lại" action, sandbox SMS.

Writes go through the services (template validation and audit; retries re-enqueue delivery).
Templates are never deleted (the software refers to their keys): untick "đang dùng" instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from chinhquyen.accounts.models import User

from .models import Notification, NotificationTemplate, SandboxSms


def _actor(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) else None


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    list_display = ["key", "channel", "subject", "active", "updated_at"]
    list_filter = ["channel", "active"]
    search_fields = ["key", "subject", "body", "description"]
    ordering = ["key", "channel"]
    fields = ["key", "channel", "active", "subject", "body", "description"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # the software looks templates up by key and channel: those never change once created
        return ["key", "channel"] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: NotificationTemplate, form: Any, change: bool
    ) -> None:
        from .services import notification_template_save  # not at start-up

        notification_template_save(actor=_actor(request), template=obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "channel",
        "recipient",
        "template_key",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "channel", "template_key", "created_at"]
    search_fields = ["recipient", "dedupe_key", "provider_message_id", "template_key"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.change_notification")

    @admin.action(description="Gửi lại các thông báo đã chọn", permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        selected = list(queryset.values_list("pk", flat=True))
        from .services import notification_retry

        count = notification_retry(actor=_actor(request), notification_ids=selected)
        skipped = len(selected) - count
        if count:
            self.message_user(request, f"Đã đưa {count} thông báo vào hàng đợi gửi lại.")
        if skipped:
            self.message_user(
                request,
                f"Bỏ qua {skipped} thông báo đã gửi, đang gửi hoặc đang chờ gửi.",
                level=messages.WARNING,
            )


@admin.register(SandboxSms)
class SandboxSmsAdmin(admin.ModelAdmin):
    list_display = ["received_at", "to", "brandname", "message", "message_id"]
    search_fields = ["to", "message", "message_id"]
    date_hierarchy = "received_at"
    readonly_fields = [f.name for f in SandboxSms._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
