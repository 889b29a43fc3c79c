"""Admin for the legal calendar (day exceptions, office hours) and the PDF form templates.

Writes go through the calendar services so that every process reloads its cached calendars.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from chinhquyen.core.audit import audit_actor
from chinhquyen.core.calendar import (
    calendar_day_delete,
    calendar_day_save,
    calendar_days_delete,
    office_hours_delete,
    office_hours_delete_many,
    office_hours_save,
)
from chinhquyen.core.models import CalendarDay, DocumentTemplate, OfficeHours


class YearListFilter(admin.SimpleListFilter):
    title = "năm"
    parameter_name = "nam"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = CalendarDay.objects.dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any] | None:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


class ScopeListFilter(admin.SimpleListFilter):
    title = "phạm vi áp dụng"
    parameter_name = "pham_vi"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = (
            model_admin.model.objects.exclude(organisation_code="")
            .order_by("organisation_code")
            .values_list("organisation_code", flat=True)
            .distinct()
        )
        return [("__province__", "Toàn tỉnh"), *((code, code) for code in codes)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any] | None:
        value = self.value()
        if value == "__province__":
            return queryset.filter(organisation_code="")
        if value:
            return queryset.filter(organisation_code=value)
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name", "scope", "updated_at"]
    list_filter = ["kind", YearListFilter, ScopeListFilter]
    search_fields = ["name", "note", "organisation_code"]
    date_hierarchy = "date"
    ordering = ["-date", "organisation_code"]
    fields = ["date", "kind", "name", "organisation_code", "note"]

    @admin.display(description="thứ")
    def weekday(self, obj: CalendarDay) -> str:
        return ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"][
            obj.date.weekday()
        ]

    @admin.display(description="phạm vi áp dụng", ordering="organisation_code")
    def scope(self, obj: CalendarDay) -> str:
        return obj.organisation_code or "Toàn tỉnh"

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        calendar_day_save(actor=request.user, day=obj)

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        calendar_day_delete(actor=request.user, day=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        calendar_days_delete(actor=request.user, days=list(queryset))


@admin.register(OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin):
    list_display = [
        "scope",
        "morning_start",
        "morning_end",
        "afternoon_start",
        "afternoon_end",
        "cutoff",
        "updated_at",
    ]
    list_filter = [ScopeListFilter]
    search_fields = ["organisation_code"]
    fields = [
        "organisation_code",
        ("morning_start", "morning_end"),
        ("afternoon_start", "afternoon_end"),
        "cutoff",
    ]

    @admin.display(description="phạm vi áp dụng", ordering="organisation_code")
    def scope(self, obj: OfficeHours) -> str:
        return obj.organisation_code or "Mặc định toàn tỉnh"

    def save_model(self, request: HttpRequest, obj: OfficeHours, form: Any, change: bool) -> None:
        office_hours_save(actor=request.user, hours=obj)

    def delete_model(self, request: HttpRequest, obj: OfficeHours) -> None:
        office_hours_delete(actor=request.user, hours=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[OfficeHours]) -> None:
        office_hours_delete_many(actor=request.user, rows=list(queryset))


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    """Overrides of the PDF form templates; without an active row the file template is used."""

    list_display = ["key", "name", "is_active", "updated_at", "updated_by"]
    list_filter = ["is_active"]
    search_fields = ["key", "name"]
    ordering = ["key"]
    fields = ["key", "name", "is_active", "body", "css", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(
        self, request: HttpRequest, obj: DocumentTemplate, form: Any, change: bool
    ) -> None:
        with audit_actor(request.user):
            obj.updated_by = request.user if getattr(request.user, "pk", None) else None  # type: ignore[assignment]
            obj.save()

    def delete_model(self, request: HttpRequest, obj: DocumentTemplate) -> None:
        with audit_actor(request.user):
            obj.delete()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[DocumentTemplate]) -> None:
        with audit_actor(request.user):
            for row in queryset:
                row.delete()
