"""Data of the citizen reports an administrator changes: categories, clocks, routing rules."""

from django.contrib import admin

from .models import FeedbackCategory, FeedbackClocks, RoutingRule


@admin.register(FeedbackCategory)
class FeedbackCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "active", "sort_order"]
    list_editable = ["active", "sort_order"]


@admin.register(FeedbackClocks)
class FeedbackClocksAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "coordinating_unit",
        "classify_days",
        "forward_days",
        "answer_days",
        "publish_days",
    ]
    autocomplete_fields = ["coordinating_unit"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return not FeedbackClocks.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "category", "commune", "unit"]
    list_filter = ["category"]
    autocomplete_fields = ["commune", "unit"]
