"""Django admin for the procedure catalogue. Every write goes through the services: a draft
and its fees, papers and steps are saved as a whole (``version_save_draft``), published and
retired versions are read-only, and publishing is an admin action calling ``version_publish``.
Only catalogue managers (``permissions.can_manage_catalog``) see these pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from chinhquyen.core.api import DomainError

from .models import (
    Fee,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredPaper,
    VersionStatus,
)
from .permissions import can_manage_catalog
from .services import (
    FEE_FIELDS,
    PAPER_FIELDS,
    STEP_FIELDS,
    VERSION_FIELDS,
    field_upsert,
    procedure_create,
    procedure_update,
    steps_exceed_message,
    version_create_draft,
    version_delete_draft,
    version_publish,
    version_retire,
    version_save_draft,
)


class CatalogAdminMixin:
    """Catalogue pages are for catalogue managers only."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_manage_catalog(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_catalog(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return can_manage_catalog(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_catalog(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Fields ---------------------------------------------------------------------------------


@admin.register(Field)
class FieldAdmin(CatalogAdminMixin, admin.ModelAdmin[Field]):
    list_display = ["code", "name"]
    search_fields = ["code", "name", "search_text"]
    fields = ["code", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj else []

    def save_model(self, request: HttpRequest, obj: Field, form: Any, change: bool) -> None:
        saved = field_upsert(actor=request.user, code=obj.code, name=obj.name)
        obj.pk = saved.pk


# --- Procedures -----------------------------------------------------------------------------


class VersionLinkInline(admin.TabularInline[ProcedureVersion, Procedure]):
    model = ProcedureVersion
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["number", "name", "status", "valid_from", "valid_to"]
    readonly_fields = ["number", "name", "status", "valid_from", "valid_to"]
    ordering = ["-number"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_catalog(request.user)


class ProcedureAddForm(forms.ModelForm[Procedure]):
    name = forms.CharField(label="tên thủ tục", max_length=500)

    class Meta:
        model = Procedure
        fields = ["code", "field", "level"]


@admin.register(Procedure)
class ProcedureAdmin(CatalogAdminMixin, admin.ModelAdmin[Procedure]):
    list_display = ["code", "current_name", "field", "level"]
    list_filter = ["level", "field"]
    search_fields = ["code", "search_text"]
    list_select_related = ["field"]
    inlines = [VersionLinkInline]
    actions = ["create_draft"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):  # type: ignore[no-untyped-def]
        if obj is None:
            kwargs["form"] = ProcedureAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["code", "field", "level"] if obj else ["code", "name", "field", "level"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj else []

    @admin.display(description="tên thủ tục (phiên bản mới nhất)")
    def current_name(self, obj: Procedure) -> str:
        latest = obj.versions.order_by("-number").first()
        return latest.name if latest else ""

    def save_model(self, request: HttpRequest, obj: Procedure, form: Any, change: bool) -> None:
        try:
            if change:
                procedure_update(
                    actor=request.user,
                    procedure=obj,
                    data={"field": form.cleaned_data["field"], "level": form.cleaned_data["level"]},
                )
            else:
                created = procedure_create(
                    actor=request.user,
                    code=form.cleaned_data["code"],
                    field=form.cleaned_data["field"],
                    level=form.cleaned_data["level"],
                    name=form.cleaned_data["name"],
                )
                obj.pk = created.pk
        except DomainError as exc:
            raise ValidationError(str(exc.detail)) from exc

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        return None  # versions are created by the service, never edited from this page

    @admin.action(description="Tạo bản nháp mới (sao chép phiên bản đang áp dụng)")
    def create_draft(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> None:
        for procedure in queryset:
            try:
                version_create_draft(actor=request.user, procedure=procedure)
            except DomainError as exc:
                self.message_user(request, f"{procedure.code}: {exc.detail}", messages.ERROR)
            else:
                self.message_user(request, f"{procedure.code}: đã tạo bản nháp mới.")


# --- Versions with fees, papers and steps ----------------------------------------------------


class DraftOnlyInline:
    """Inlines of a version are editable only while the version is a draft."""

    def _editable(self, obj: ProcedureVersion | None) -> bool:
        return obj is not None and obj.status == VersionStatus.DRAFT

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_catalog(request.user) and self._editable(obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_catalog(request.user) and self._editable(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_catalog(request.user) and self._editable(obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_catalog(request.user)


class StepFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """The steps' total must fit in the statutory time of the version being saved."""

    def clean(self) -> None:
        super().clean()
        total = Decimal(0)
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            total += Decimal(str(data.get("allotted_hours") or 0))
        message = steps_exceed_message(total, self.instance)
        if message:
            raise ValidationError(message)


class FeeInline(DraftOnlyInline, admin.TabularInline[Fee, ProcedureVersion]):
    model = Fee
    extra = 0
    fields = ["order", "kind", "case_description", "amount", "note"]


class PaperInline(DraftOnlyInline, admin.StackedInline[RequiredPaper, ProcedureVersion]):
    model = RequiredPaper
    extra = 0
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("order", "required"),
                    "name",
                    ("original_count", "certified_copy_count", "photocopy_count"),
                    "note",
                    "template",
                ]
            },
        )
    ]


class StepInline(DraftOnlyInline, admin.TabularInline[ProcessStep, ProcedureVersion]):
    model = ProcessStep
    formset = StepFormSet
    extra = 0
    fields = [
        "order",
        "name",
        "responsible_unit",
        "responsible_unit_kind",
        "responsible_role",
        "allotted_hours",
        "is_external",
        "external_organisation",
        "external_organisation_name",
    ]
    autocomplete_fields = ["responsible_unit", "external_organisation"]


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(CatalogAdminMixin, admin.ModelAdmin[ProcedureVersion]):
    list_display = ["procedure", "name", "number", "status", "valid_from", "valid_to"]
    list_filter = ["status", "online_level", "procedure__level", "procedure__field"]
    search_fields = ["procedure__code", "search_text"]
    list_select_related = ["procedure"]
    inlines = [FeeInline, PaperInline, StepInline]
    autocomplete_fields = ["competent_organisations"]
    actions = ["publish_today", "retire_today", "create_draft"]
    fieldsets = [
        (None, {"fields": ["procedure", "number", "status", "name", "public_link"]}),
        (
            "Cơ quan thực hiện",
            {
                "fields": [
                    "competent_organisations",
                    "competent_all_communes",
                    "competent_description",
                ]
            },
        ),
        (
            "Thời hạn, mức độ trực tuyến, kết quả",
            {
                "fields": [
                    ("processing_time", "processing_time_unit"),
                    "processing_time_note",
                    "online_level",
                    ("result_type", "result_name"),
                ]
            },
        ),
        (
            "Nội dung",
            {
                "fields": [
                    "applicants",
                    "description",
                    "conditions",
                    "implementing_steps",
                    "legal_basis",
                    "no_papers_required",
                    "form_schema",
                ]
            },
        ),
        (
            "Hiệu lực",
            {"fields": ["valid_from", "valid_to", "published_at", "retired_at", "created_by"]},
        ),
    ]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # new versions come from "Tạo bản nháp" (copy) or a new procedure

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not can_manage_catalog(request.user):
            return False
        return obj is None or obj.status == VersionStatus.DRAFT

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (
            can_manage_catalog(request.user)
            and obj is not None
            and obj.status == VersionStatus.DRAFT
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fixed = [
            "procedure",
            "number",
            "status",
            "public_link",
            "valid_from",
            "valid_to",
            "published_at",
            "retired_at",
            "created_by",
        ]
        return fixed

    @admin.display(description="trang công khai")
    def public_link(self, obj: ProcedureVersion) -> str:
        if not obj.is_valid_on():
            return "—"
        url = reverse("catalog:detail", args=[obj.procedure.code])
        return format_html('<a href="{}">{}</a>', url, url)

    def save_model(
        self, request: HttpRequest, obj: ProcedureVersion, form: Any, change: bool
    ) -> None:
        # Written together with the inlines in save_related (one service call).
        return None

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        data = {k: form.cleaned_data[k] for k in VERSION_FIELDS if k in form.cleaned_data}
        rows: dict[str, list[dict[str, Any]]] = {}
        for formset in formsets:
            model = formset.model
            allowed = {Fee: FEE_FIELDS, RequiredPaper: PAPER_FIELDS, ProcessStep: STEP_FIELDS}[
                model
            ]
            key = {Fee: "fees", RequiredPaper: "papers", ProcessStep: "steps"}[model]
            items: list[dict[str, Any]] = []
            for inline_form in formset.forms:
                cleaned = getattr(inline_form, "cleaned_data", None) or {}
                if not cleaned or cleaned.get("DELETE"):
                    continue
                row = {k: v for k, v in cleaned.items() if k in allowed}
                if model is RequiredPaper and inline_form.instance.pk:
                    row["id"] = inline_form.instance.pk
                items.append(row)
            rows[key] = items
        try:
            version_save_draft(
                actor=request.user,
                version=form.instance,
                data=data,
                competent_organisations=form.cleaned_data.get("competent_organisations"),
                fees=rows.get("fees"),
                papers=rows.get("papers"),
                steps=rows.get("steps"),
            )
        except (ValidationError, DomainError) as exc:
            texts = exc.messages if isinstance(exc, ValidationError) else [str(exc.detail)]
            for text in texts:
                self.message_user(request, text, messages.ERROR)
            transaction.set_rollback(True)
            request._catalog_save_failed = True  # type: ignore[attr-defined]

    def construct_change_message(
        self, request: HttpRequest, form: Any, formsets: Any, add: bool = False
    ) -> Any:
        # The inlines are saved by the service, not by formset.save(): describe the form only
        # (the audit log records every row that changed).
        return super().construct_change_message(request, form, [], add)

    def response_change(self, request: HttpRequest, obj: ProcedureVersion) -> HttpResponse:
        if getattr(request, "_catalog_save_failed", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def delete_model(self, request: HttpRequest, obj: ProcedureVersion) -> None:
        version_delete_draft(actor=request.user, version=obj)

    @admin.action(description="Công bố các bản nháp đã chọn (hiệu lực từ hôm nay)")
    def publish_today(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        for version in queryset.select_related("procedure"):
            try:
                version_publish(actor=request.user, version=version)
            except DomainError as exc:
                self.message_user(
                    request, f"{version.procedure.code}: {exc.detail}", messages.ERROR
                )
            else:
                self.message_user(request, f"{version.procedure.code}: đã công bố.")

    @admin.action(description="Bãi bỏ các phiên bản đã chọn (từ hôm nay)")
    def retire_today(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        for version in queryset.select_related("procedure"):
            try:
                version_retire(actor=request.user, version=version)
            except DomainError as exc:
                self.message_user(
                    request, f"{version.procedure.code}: {exc.detail}", messages.ERROR
                )
            else:
                self.message_user(request, f"{version.procedure.code}: đã bãi bỏ.")

    @admin.action(description="Tạo bản nháp mới từ phiên bản đã chọn")
    def create_draft(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        for version in queryset.select_related("procedure"):
            try:
                version_create_draft(
                    actor=request.user, procedure=version.procedure, from_version=version
                )
            except DomainError as exc:
                self.message_user(
                    request, f"{version.procedure.code}: {exc.detail}", messages.ERROR
                )
            else:
                self.message_user(request, f"{version.procedure.code}: đã tạo bản nháp mới.")
