"""Scheduler state in the Django admin, read-only (the scheduler owns these rows)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Heartbeat, PeriodicJob


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PeriodicJob)
class PeriodicJobAdmin(_ReadOnly):
    list_display = ["name", "last_enqueued_at", "last_result_id"]
    search_fields = ["name"]


@admin.register(Heartbeat)
class HeartbeatAdmin(_ReadOnly):
    list_display = ["name", "beat_at"]
