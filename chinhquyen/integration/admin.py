"""The IT administrator's tools: the peer registry (saved through the service, audited), the
outbox with its dead letters (retry action) and the received messages (read-only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from chinhquyen.core.api import DomainError

from . import webhooks
from .models import (
    InboundMessage,
    OutboxMessage,
    OutboxState,
    Peer,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookState,
)


class PeerForm(forms.ModelForm):
    endpoint_url = forms.URLField(
        label="Địa chỉ nhận",
        max_length=500,
        assume_scheme="https",
        help_text=Peer._meta.get_field("endpoint_url").help_text,
    )

    class Meta:
        model = Peer
        fields = [
            "agency_code",
            "name",
            "endpoint_url",
            "transport",
            "certificate_pem",
            "is_active",
        ]
        widgets = {"certificate_pem": forms.Textarea(attrs={"rows": 8, "cols": 70})}

    def clean_certificate_pem(self) -> str:
        from . import signature

        value = str(self.cleaned_data.get("certificate_pem") or "").strip()
        try:
            signature.fingerprint_pem(value)
        except (ValueError, UnicodeEncodeError) as exc:
            raise ValidationError("Chứng thư số không đúng định dạng PEM.") from exc
        return value


@admin.register(Peer)
class PeerAdmin(admin.ModelAdmin):
    form = PeerForm
    list_display = ["agency_code", "name", "transport", "endpoint_url", "not_after", "is_active"]
    list_filter = ["transport", "is_active"]
    search_fields = ["agency_code", "name"]
    readonly_fields = ["fingerprint", "not_after", "created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Peer, form: Any, change: bool) -> None:
        from . import services  # not at start-up: the transport and EDXML code is heavy

        try:
            services.peer_save(actor=request.user, peer=obj)
        except DomainError as exc:
            raise ValidationError(str(exc.detail)) from exc


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "kind",
        "peer",
        "status_code",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["state", "kind"]
    search_fields = ["peer__agency_code", "exchange_message__document_id"]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("integration.change_outboxmessage"))

    @admin.action(description="Gửi lại các thông điệp gửi thất bại", permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        from . import services

        count = 0
        for row in queryset.filter(state=OutboxState.DEAD):
            services.outbox_retry(actor=request.user, row=row)
            count += 1
        self.message_user(
            request, f"Đã đưa {count} thông điệp vào hàng đợi gửi lại.", messages.SUCCESS
        )


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ["received_at", "peer", "kind", "document_id", "status_code", "message_id"]
    list_filter = ["kind"]
    search_fields = ["document_id", "message_id", "peer__agency_code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- webhooks ---------------------------------------------------------------------------------


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label="Địa chỉ nhận (HTTPS)", max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label="Loại sự kiện",
        choices=sorted(webhooks.EVENT_TYPES.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "event_types", "organisation", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("url") and data.get("event_types"):
            try:
                webhooks.validate(url=data["url"], event_types=list(data["event_types"]))
            except DomainError as exc:
                raise ValidationError(str(exc.detail)) from exc
        return data


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("at", "status", "error", "duration_ms")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "url", "organisation", "is_active", "previous_secret_until"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    actions = ["rotate_secret"]

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool
    ) -> None:
        secret = webhooks.endpoint_save(actor=request.user, endpoint=obj)
        if secret:
            self.message_user(
                request,
                f"Khóa bí mật của «{obj.name}» (chỉ hiện một lần, hãy lưu lại ngay): {secret}",
                messages.WARNING,
            )

    @admin.action(description="Đổi khóa bí mật (khóa cũ vẫn ký trong thời gian chuyển tiếp)")
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            secret = webhooks.endpoint_rotate_secret(actor=request.user, endpoint=endpoint)
            self.message_user(
                request,
                f"Khóa bí mật mới của «{endpoint.name}» (chỉ hiện một lần): {secret}",
                messages.WARNING,
            )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "created_at",
        "endpoint",
        "event_type",
        "state",
        "attempts",
        "last_status",
        "last_error",
        "delivered_at",
    ]
    list_filter = ["state", "event_type", "endpoint"]
    search_fields = ["msg_id", "key"]
    inlines = [WebhookAttemptInline]
    actions = ["replay"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("integration.change_webhookdelivery"))

    @admin.action(description="Gửi lại các sự kiện đã chọn", permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = 0
        for row in queryset.exclude(state=WebhookState.PENDING):
            webhooks.replay(actor=request.user, delivery=row)
            count += 1
        self.message_user(
            request, f"Đã đưa {count} sự kiện vào hàng đợi gửi lại.", messages.SUCCESS
        )
