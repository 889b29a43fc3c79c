"""Signing credentials and trust roots: saving them (certificate fields filled from the PEM,
a loaded key dropped) and choosing the credential an official or an organisation signs with."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor
from chinhquyen.orgs.models import Organisation

from . import pki
from .keys import signer_cache
from .models import CredentialKind, SigningCredential, TrustRoot


def fill_certificate_fields(credential: SigningCredential) -> None:
    """Copy subject, issuer, serial, validity and fingerprint from ``certificate_pem``."""
    try:
        cert = pki.load_certificate(credential.certificate_pem.strip())
    except ValueError as exc:
        raise DomainError("Chứng thư số không đúng định dạng PEM.", code="bad_certificate") from exc
    credential.certificate_pem = pki.certificate_pem(cert)
    credential.subject = pki.describe_name(cert.subject)[:500]
    credential.issuer = pki.describe_name(cert.issuer)[:500]
    credential.serial_number = format(cert.serial_number, "x")[:64]
    credential.not_before = cert.not_valid_before_utc
    credential.not_after = cert.not_valid_after_utc
    credential.fingerprint = pki.fingerprint(cert)


@transaction.atomic
def credential_save(*, actor: object | None, credential: SigningCredential) -> SigningCredential:
    """Create or update a credential: certificate fields refreshed, loaded key dropped."""
    fill_certificate_fields(credential)
    credential.full_clean(exclude=["signature_image", "seal_image"])
    with audit_actor(actor):
        credential.save()
    if credential.pk:
        signer_cache.invalidate(credential.pk)
    return credential


@transaction.atomic
def trust_root_add(
    *, actor: object | None, name: str, certificate_pem: str, enabled: bool = True
) -> TrustRoot:
    try:
        cert = pki.load_certificate(certificate_pem.strip())
    except ValueError as exc:
        raise DomainError("Chứng thư gốc không đúng định dạng.", code="bad_certificate") from exc
    with audit_actor(actor):
        root, _ = TrustRoot.objects.update_or_create(
            fingerprint=pki.fingerprint(cert),
            defaults={
                "name": name,
                "certificate_pem": pki.certificate_pem(cert),
                "enabled": enabled,
            },
        )
    return root


def active_credential_for_user(
    user: User, *, kinds: Iterable[str] | None = None
) -> SigningCredential:
    wanted = list(kinds or (CredentialKind.PKCS12, CredentialKind.PKCS11))
    order = {kind: index for index, kind in enumerate(wanted)}
    candidates = sorted(
        SigningCredential.objects.filter(owner=user, is_active=True, kind__in=wanted),
        key=lambda c: (order.get(c.kind, 99), -c.pk),
    )
    if not candidates:
        raise DomainError("Cán bộ chưa có chứng thư ký số đang sử dụng.", code="no_credential")
    return candidates[0]


def active_credential_for_organisation(organisation: Organisation) -> SigningCredential:
    credential = (
        SigningCredential.objects.filter(organisation=organisation, is_active=True)
        .exclude(kind=CredentialKind.REMOTE)
        .order_by("-pk")
        .first()
    )
    if credential is None:
        raise DomainError("Cơ quan chưa có chứng thư ký số đang sử dụng.", code="no_credential")
    return credential
