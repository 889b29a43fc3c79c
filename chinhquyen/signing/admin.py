"""Signing credentials and trusted roots in the Django admin. Saving goes through the service,
which refreshes the certificate details and drops the loaded key."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from chinhquyen.core.api import DomainError

from .models import RemoteSigningRequest, SigningCredential, TrustRoot


class CertificateField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 8, "cols": 70})

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        from . import pki  # cryptography: loaded when a certificate is entered

        try:
            pki.load_certificate(str(value).strip())
        except ValueError as exc:
            raise ValidationError("Chứng thư số không đúng định dạng PEM.") from exc
        return str(value).strip()


class SigningCredentialForm(forms.ModelForm):
    certificate_pem = CertificateField(label="Chứng thư số (PEM)")

    class Meta:
        model = SigningCredential
        fields = [
            "owner",
            "organisation",
            "kind",
            "label",
            "certificate_pem",
            "pkcs12_path",
            "passphrase_env",
            "pkcs11_module",
            "pkcs11_token_label",
            "pkcs11_key_label",
            "pkcs11_pin_env",
            "remote_provider",
            "remote_user_id",
            "signature_image",
            "seal_image",
            "is_active",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("owner")) == bool(data.get("organisation")):
            raise ValidationError("Chứng thư phải thuộc về đúng một cán bộ hoặc một cơ quan.")
        return data


@admin.register(SigningCredential)
class SigningCredentialAdmin(admin.ModelAdmin):
    form = SigningCredentialForm
    list_display = ["label", "kind", "owner", "organisation", "not_after", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["label", "subject", "fingerprint", "owner__username", "organisation__name"]
    list_select_related = ["owner", "organisation"]
    raw_id_fields = ["owner", "organisation"]
    readonly_fields = [
        "subject",
        "issuer",
        "serial_number",
        "not_before",
        "not_after",
        "fingerprint",
        "created_at",
        "updated_at",
    ]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            from .services import credential_save  # pyHanko: loaded when a credential is saved

            credential_save(actor=request.user, credential=obj)
        except DomainError as exc:
            raise ValidationError(str(exc.detail)) from exc


class TrustRootForm(forms.ModelForm):
    certificate_pem = CertificateField(label="Chứng thư gốc (PEM)")

    class Meta:
        model = TrustRoot
        fields = ["name", "certificate_pem", "enabled"]


@admin.register(TrustRoot)
class TrustRootAdmin(admin.ModelAdmin):
    form = TrustRootForm
    list_display = ["name", "fingerprint", "enabled", "created_at"]
    list_filter = ["enabled"]
    search_fields = ["name", "fingerprint"]
    readonly_fields = ["fingerprint", "created_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from . import pki

        cert = pki.load_certificate(obj.certificate_pem)
        obj.certificate_pem = pki.certificate_pem(cert)
        obj.fingerprint = pki.fingerprint(cert)
        super().save_model(request, obj, form, change)


REQUEST_FIELDS = [
    "credential",
    "requested_by",
    "provider",
    "provider_request_id",
    "description",
    "status",
    "error",
    "created_at",
    "expires_at",
    "decided_at",
]


@admin.register(RemoteSigningRequest)
class RemoteSigningRequestAdmin(admin.ModelAdmin):
    list_display = ["description", "credential", "provider", "status", "created_at", "expires_at"]
    list_filter = ["status", "provider"]
    search_fields = ["description", "provider_request_id"]
    list_select_related = ["credential"]
    fields = tuple(REQUEST_FIELDS)
    readonly_fields = REQUEST_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
