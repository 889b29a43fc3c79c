"""Django admin for the organisation tree. Every write goes through the services, so the
materialised path, depth and search text stay right and the audit log names the actor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils import timezone

from chinhquyen.core.api import DomainError

from .models import Organisation
from .selectors import search_filter
from .services import (
    UPDATABLE_FIELDS,
    organisation_create,
    organisation_delete,
    organisation_set_predecessors,
    organisation_update,
)


class ActiveFilter(admin.SimpleListFilter):
    title = "hiệu lực"
    parameter_name = "hieu_luc"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("con", "Còn hiệu lực"), ("het", "Hết hiệu lực / chưa hiệu lực")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        active = Organisation.objects.active(timezone.localdate()).values("pk")
        if self.value() == "con":
            return queryset.filter(pk__in=active)
        if self.value() == "het":
            return queryset.exclude(pk__in=active)
        return queryset


class OrganisationAdminForm(forms.ModelForm[Organisation]):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "kind",
            "parent",
            "agency_code",
            "administrative_code",
            "address",
            "phone",
            "email",
            "valid_from",
            "valid_to",
            "predecessors",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parent = data.get("parent")
        if self.instance.pk and parent is not None and parent.path.startswith(self.instance.path):
            self.add_error(
                "parent",
                "Không thể chuyển một đơn vị vào chính nó hoặc vào đơn vị cấp dưới của nó.",
            )
        predecessors = data.get("predecessors") or []
        if self.instance.pk and any(p.pk == self.instance.pk for p in predecessors):
            self.add_error("predecessors", "Một đơn vị không thể là tiền thân của chính nó.")
        return data


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    form = OrganisationAdminForm
    list_display = ["tree_name", "kind", "agency_code", "valid_from", "valid_to", "active"]
    list_filter = ["kind", ActiveFilter]
    search_fields = ["name", "short_name", "agency_code", "search_text"]
    ordering = ["path"]  # tree order: each unit right after its parent
    list_select_related = ["parent"]
    list_per_page = 100
    autocomplete_fields = ["parent"]
    filter_horizontal = ["predecessors"]
    readonly_fields = ["path", "depth", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "kind", "parent", "agency_code"]}),
        ("Hành chính, liên hệ", {"fields": ["administrative_code", "address", "phone", "email"]}),
        ("Hiệu lực và lịch sử", {"fields": ["valid_from", "valid_to", "predecessors"]}),
        ("Hệ thống", {"fields": ["path", "depth", "created_at", "updated_at"]}),
    ]

    @admin.display(description="tên cơ quan, đơn vị", ordering="path")
    def tree_name(self, obj: Organisation) -> str:
        return f"{'— ' * obj.depth}{obj.name}"

    @admin.display(description="còn hiệu lực", boolean=True)
    def active(self, obj: Organisation) -> bool:
        return obj.is_active()

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        if not search_term:
            return queryset, False
        return queryset.filter(search_filter(search_term)), False

    def save_model(
        self, request: HttpRequest, obj: Organisation, form: ModelForm, change: bool
    ) -> None:
        values = {
            name: form.cleaned_data[name] for name in UPDATABLE_FIELDS if name in form.cleaned_data
        }
        if change:
            current = Organisation.objects.get(pk=obj.pk)
            changes = {k: v for k, v in values.items() if getattr(current, k) != v}
            saved = organisation_update(actor=request.user, org=current, data=changes)
        else:
            for name in (
                "short_name",
                "agency_code",
                "administrative_code",
                "address",
                "phone",
                "email",
            ):
                values[name] = values.get(name) or ""
            saved = organisation_create(actor=request.user, **values)
        # The admin keeps using ``obj`` (form.instance) afterwards: make it the saved row.
        for name in ("pk", "path", "depth", "search_text", "created_at", "updated_at"):
            setattr(obj, name, getattr(saved, name))
        obj._state.adding = False
        obj._state.db = saved._state.db

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        organisation_set_predecessors(
            actor=request.user,
            org=form.instance,
            predecessors=form.cleaned_data.get("predecessors") or [],
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: Organisation) -> None:
        try:
            organisation_delete(actor=request.user, org=obj)
        except DomainError as err:
            self.message_user(request, str(err.detail), messages.ERROR)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # Deepest first, so a unit's children go before it.
        for org in queryset.order_by("-depth"):
            self.delete_model(request, org)

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().changeform_view(request, *args, **kwargs)
        except (DomainError, ValidationError) as err:
            message = str(err.detail) if isinstance(err, DomainError) else " ".join(err.messages)
            self.message_user(request, message, messages.ERROR)
            return redirect(request.get_full_path())
