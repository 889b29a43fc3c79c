"""The demo public-key infrastructure: ``setup_demo_pki()`` (``manage.py signing_setup_demo``).

Creates, under the PKI directory (``SIGNING_PKI_DIR``, default ``var/pki``):

* ``ca/`` — the demo certificate authority "CA Chính Quyền thử nghiệm" (RSA-2048), added as a
  trusted root;
* ``tsa/`` — the sandbox timestamping certificate;
* ``officials/<username>.p12`` — a personal key and certificate for every active official,
  with a blue signature image, as a PKCS#12 credential and a sandbox remote credential (its
  certificate registered and approved for remote signing: "Ký số từ xa", confirmed on the
  sandbox "phone" page);
* ``organisations/<agency code>.p12`` — a key for every organisation that has demo
  officials, with a red round seal image.

Key files are encrypted with the passphrase in ``SIGNING_DEMO_PASSPHRASE`` (default
``chinhquyen-demo``). Idempotent: existing keys and credentials issued by the current demo CA
are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from django.core.files.base import ContentFile
from django.db import transaction

from chinhquyen.accounts.models import Position, User, UserKind
from chinhquyen.orgs.models import Organisation, OrganisationKind

from . import pki
from .models import CredentialKind, SigningCredential
from .services import credential_save, trust_root_add

#: Kinds of organisation that have a seal of their own; a unit signs with its agency's seal.
SEAL_HOLDER_KINDS = frozenset(
    {
        OrganisationKind.PROVINCIAL_COMMITTEE,
        OrganisationKind.DEPARTMENT,
        OrganisationKind.SERVICE_CENTRE,
        OrganisationKind.COMMUNE_COMMITTEE,
    }
)


@dataclass
class DemoPkiSummary:
    ca_created: bool = False
    tsa_created: bool = False
    personal_created: list[str] = field(default_factory=list)
    organisation_created: list[str] = field(default_factory=list)
    personal_total: int = 0
    organisation_total: int = 0


def _key_pair(directory: Path, stem: str, make: Any) -> tuple[pki.KeyPair, bool]:
    key_path, cert_path = directory / f"{stem}.key.pem", directory / f"{stem}.cert.pem"
    passphrase = pki.demo_passphrase()
    if key_path.exists() and cert_path.exists():
        try:
            return pki.load_key_pair(key_path, cert_path, passphrase), False
        except (ValueError, TypeError):
            pass  # unreadable (another passphrase): make a new one
    pair: pki.KeyPair = make()
    pki.write_private(key_path, pki.private_key_pem(pair.key, passphrase))
    cert_path.write_text(pair.certificate_pem, encoding="ascii")
    return pair, True


def demo_ca() -> tuple[pki.KeyPair, bool]:
    return _key_pair(pki.pki_dir() / "ca", "ca", lambda: pki.make_ca(pki.DEMO_CA_NAME))


def seal_holder(unit: Organisation) -> Organisation:
    """The organisation whose seal a unit's documents carry: the unit itself when it holds a
    seal, else its nearest ancestor that does."""
    if unit.kind in SEAL_HOLDER_KINDS:
        return unit
    for ancestor in reversed(list(unit.ancestors())):
        if ancestor.kind in SEAL_HOLDER_KINDS:
            return ancestor
    return unit


def _issued_by(credential: SigningCredential | None, ca: pki.KeyPair) -> bool:
    if credential is None:
        return False
    try:
        cert = pki.load_certificate(credential.certificate_pem)
    except ValueError:
        return False
    return cert.issuer == ca.certificate.subject and _verify_signed_by(cert, ca)


def _verify_signed_by(cert: Any, ca: pki.KeyPair) -> bool:
    try:
        cert.verify_directly_issued_by(ca.certificate)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _write_p12(relative: str, pair: pki.KeyPair, ca: pki.KeyPair, name: str) -> None:
    data = pki.pkcs12_bytes(
        pair, passphrase=pki.demo_passphrase(), chain=[ca.certificate], name=name
    )
    pki.write_private(pki.pki_dir() / relative, data)


def _ensure_personal(user: User, ca: pki.KeyPair, summary: DemoPkiSummary) -> None:
    relative = f"officials/{user.username}.p12"
    credential = SigningCredential.objects.filter(
        owner=user, kind=CredentialKind.PKCS12, label__startswith="Chữ ký số cá nhân"
    ).first()
    remote = SigningCredential.objects.filter(
        owner=user, kind=CredentialKind.REMOTE, remote_provider="sandbox"
    ).first()
    if (
        _issued_by(credential, ca)
        and (pki.pki_dir() / relative).exists()
        and _issued_by(remote, ca)
    ):
        return
    name = user.full_name or user.get_full_name() or user.username
    pair = pki.issue_certificate(ca, common_name=name, organisation="", email=user.email or "")
    _write_p12(relative, pair, ca, user.username)
    image = pki.signature_image_png(name)
    for kind, label, existing in (
        (CredentialKind.PKCS12, f"Chữ ký số cá nhân — {name}", credential),
        (CredentialKind.REMOTE, f"Ký số từ xa (thử nghiệm) — {name}", remote),
    ):
        obj = existing or SigningCredential(owner=user, kind=kind)
        obj.label = label
        obj.certificate_pem = pair.certificate_pem
        obj.pkcs12_path = relative
        obj.passphrase_env = pki.DEMO_PASSPHRASE_ENV
        obj.is_active = True
        if kind == CredentialKind.REMOTE:
            obj.remote_provider = "sandbox"
            obj.remote_user_id = user.username
        obj.signature_image.save(f"{user.username}.png", ContentFile(image), save=False)
        credential_save(actor=None, credential=obj)
    summary.personal_created.append(user.username)


def _ensure_remote_certificate(user: User) -> None:
    """The sandbox remote account's certificate, registered and approved for the official's
    own remote signing ("Ký số từ xa" on the pages that sign with his own device)."""
    from django.utils import timezone

    from .models import CertificateStatus, OfficialCertificate

    remote = SigningCredential.objects.filter(
        owner=user, kind=CredentialKind.REMOTE, remote_provider="sandbox", is_active=True
    ).first()
    if remote is None:
        return
    cert = pki.load_certificate(remote.certificate_pem)
    fp = pki.fingerprint(cert)
    OfficialCertificate.objects.filter(official=user, remote_provider="sandbox").exclude(
        fingerprint=fp
    ).delete()
    OfficialCertificate.objects.update_or_create(
        official=user,
        fingerprint=fp,
        defaults={
            "certificate_pem": pki.certificate_pem(cert),
            "subject": pki.describe_name(cert.subject)[:500],
            "issuer": pki.describe_name(cert.issuer)[:500],
            "serial_number": format(cert.serial_number, "x")[:64],
            "not_before": cert.not_valid_before_utc,
            "not_after": cert.not_valid_after_utc,
            "remote_provider": "sandbox",
            "remote_user_id": remote.remote_user_id,
            "status": CertificateStatus.APPROVED,
            "decided_at": timezone.now(),
            "note": "Dữ liệu mẫu: tài khoản ký số từ xa thử nghiệm.",
        },
    )


def _ensure_seal(org: Organisation, ca: pki.KeyPair, summary: DemoPkiSummary) -> None:
    stem = org.agency_code or f"org-{org.pk}"
    relative = f"organisations/{stem}.p12"
    credential = SigningCredential.objects.filter(
        organisation=org, kind=CredentialKind.PKCS12
    ).first()
    if _issued_by(credential, ca) and (pki.pki_dir() / relative).exists():
        return
    parent = org.parent.name if org.parent_id and org.parent else ""
    pair = pki.issue_certificate(ca, common_name=org.name, organisation=parent or org.name)
    _write_p12(relative, pair, ca, stem)
    obj = credential or SigningCredential(organisation=org, kind=CredentialKind.PKCS12)
    obj.label = f"Chữ ký số cơ quan — {org.name}"
    obj.certificate_pem = pair.certificate_pem
    obj.pkcs12_path = relative
    obj.passphrase_env = pki.DEMO_PASSPHRASE_ENV
    obj.is_active = True
    obj.seal_image.save(
        f"{stem}.png", ContentFile(pki.seal_image_png(org.name, parent)), save=False
    )
    credential_save(actor=None, credential=obj)
    summary.organisation_created.append(stem)


@transaction.atomic
def setup_demo_pki() -> DemoPkiSummary:
    """Create (or keep) the demo CA, TSA certificate, trusted root and demo credentials."""
    summary = DemoPkiSummary()
    ca, summary.ca_created = demo_ca()
    _tsa, summary.tsa_created = _key_pair(
        pki.pki_dir() / "tsa",
        "tsa",
        lambda: pki.issue_certificate(
            ca, common_name=pki.DEMO_TSA_NAME, organisation=pki.DEMO_CA_NAME, timestamping=True
        ),
    )
    trust_root_add(actor=None, name=pki.DEMO_CA_NAME, certificate_pem=ca.certificate_pem)

    officials = list(
        User.objects.filter(kind=UserKind.OFFICIAL, is_active=True).order_by("username")
    )
    holders: dict[int, Organisation] = {}
    for user in officials:
        _ensure_personal(user, ca, summary)
        _ensure_remote_certificate(user)
    positions = Position.objects.active().filter(user__in=officials).select_related("unit")
    for position in positions:
        holder = seal_holder(position.unit)
        holders.setdefault(holder.pk, holder)
    for org in sorted(holders.values(), key=lambda o: o.path):
        _ensure_seal(org, ca, summary)
    summary.personal_total = len(officials)
    summary.organisation_total = len(holders)
    return summary


def load_demo_signing(context: dict[str, Any]) -> dict[str, Any]:
    """A ``load_demo`` loader (accounts.demo.DEMO_LOADERS) running ``setup_demo_pki``."""
    return {"signing": setup_demo_pki()}
