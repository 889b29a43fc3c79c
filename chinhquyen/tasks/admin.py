"""Reminder rules are data: administrators change them here."""

from django.contrib import admin

from .models import ReminderRule


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "when", "working_days", "channel", "active"]
    list_filter = ["when", "active"]
