"""Administration of the documents' reference data (types, issuers, unit abbreviations) and
read-only views of registers and counters."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    DocumentType,
    IssuerProfile,
    Register,
    RegisterCounter,
    UnitAbbreviation,
)


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin[DocumentType]):
    list_display = ("name", "abbreviation", "is_legal_normative", "edxml_code", "order", "active")
    list_editable = ("is_legal_normative", "order", "active")
    search_fields = ("name", "abbreviation")
    list_filter = ("active", "is_legal_normative")


@admin.register(IssuerProfile)
class IssuerProfileAdmin(admin.ModelAdmin[IssuerProfile]):
    list_display = ("organisation", "abbreviation", "parent_name", "place_name")
    search_fields = ("organisation__name", "abbreviation")
    autocomplete_fields = ("organisation",)


@admin.register(UnitAbbreviation)
class UnitAbbreviationAdmin(admin.ModelAdmin[UnitAbbreviation]):
    list_display = ("unit", "abbreviation")
    search_fields = ("unit__name", "abbreviation")
    autocomplete_fields = ("unit",)


class CounterInline(admin.StackedInline[RegisterCounter, Register]):
    model = RegisterCounter
    can_delete = False
    readonly_fields = ("last_number",)


@admin.register(Register)
class RegisterAdmin(admin.ModelAdmin[Register]):
    """Registers are created by numbering; their counters are never edited by hand."""

    list_display = ("organisation", "year", "kind", "sequence")
    list_filter = ("kind", "sequence", "year")
    search_fields = ("organisation__name",)
    readonly_fields = ("organisation", "year", "kind", "sequence", "created_at")
    inlines = (CounterInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Register | None = None) -> bool:
        return False


# Exchange messages (ExchangeMessage, ExchangeStatus) stay out of the admin: they carry the
# subject and body of documents, secret ones included, which the application shows only to
# those its visibility rules allow (security finding #9, point 6). Their screens are the
# documents app's own.
