"""Configuration of the floor an administrator changes: service areas and counters."""

from django.contrib import admin

from .models import Counter, ServiceArea


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "desk", "active"]
    list_filter = ["active"]
    autocomplete_fields = ["desk"]
    filter_horizontal = ["procedures"]


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ["__str__", "desk", "current_officer"]
    autocomplete_fields = ["desk"]
    raw_id_fields = ["current_officer"]
    filter_horizontal = ["areas"]
