"""Read-only admin pages for dossiers (superusers, for support and audits).

Dossiers change only through the services (workflow table, locks, history): nothing can be
added, changed or deleted here. Officials work in the one-stop screens and the API.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Dossier, DossierEvent, DossierStep


class ReadOnlyMixin:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DossierEventInline(ReadOnlyMixin, admin.TabularInline):
    model = DossierEvent
    fields = readonly_fields = ("at", "action", "actor_name", "from_status", "to_status", "reason")
    extra = 0
    can_delete = False


class DossierStepInline(ReadOnlyMixin, admin.TabularInline):
    model = DossierStep
    fields = readonly_fields = (
        "name",
        "kind",
        "from_unit",
        "unit",
        "assignee",
        "started_at",
        "due_at",
        "finished_at",
        "result",
    )
    extra = 0
    can_delete = False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "procedure_name",
        "applicant_name",
        "status",
        "received_at",
        "due_at",
        "classification",
    ]
    list_filter = ["status", "channel", "classification"]
    search_fields = ["code", "search_text"]
    date_hierarchy = "received_at"
    exclude = ["lookup_pin_hash", "search_text", "request_fingerprint"]
    list_select_related = ["procedure"]
    inlines = [DossierStepInline, DossierEventInline]
