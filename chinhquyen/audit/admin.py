"""Security events in the Django admin: read-only (the log is append-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "username", "user", "ip", "method", "path"]
    list_filter = ["kind", "created_at"]
    search_fields = ["username", "ip", "path"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    readonly_fields = [f.name for f in SecurityEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
