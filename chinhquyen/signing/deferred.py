"""Two-step (deferred) signing: an official signs with his own device.

The server never holds the official's key. It prepares the document (signature field,
appearance as ``services.sign_pdf`` draws it, reserved space for the CMS object: pyHanko's
interrupted signing), computes the CMS signed attributes over the document digest and keeps
all of it in a ``PreparedSignature``. The official's device (the signing agent with his USB
token, see ``docs/signing-agent.md``, or a remote signing service) signs the SHA-256 digest of
those signed attributes. ``complete`` then checks the returned signature, builds the CMS
object, embeds it and verifies the signed PDF with the gate used for incoming documents
(``verification.verify_pdf``: bottom line, coverage, DocMDP, trust roots) before the document
moves on (the completion hook registered for the preparation's ``purpose``).

Refusals (each one a Vietnamese ``DomainError`` and a security event): the preparation has
expired, the signature is not over the prepared digest, the certificate is not the
official's approved registered certificate, or it is untrusted, expired or revoked.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import cms as asn1_cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import ExternalSigner, PdfCMSSignedAttributes
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko_certvalidator.registry import SimpleCertificateStore

from chinhquyen.accounts.models import Role, User
from chinhquyen.accounts.permissions import roles_of
from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor

from . import pki, services
from .models import (
    CertificateStatus,
    CredentialKind,
    OfficialCertificate,
    PreparedSignature,
    PreparedStatus,
    SigningCredential,
)
from .purposes import (  # noqa: F401  (re-exported)
    _PURPOSES,
    CompletionHook,
    SigningTarget,
    register_completion_hook,
    register_purpose,
)
from .verification import VerificationResult, collect_trust_roots, verify_pdf

logger = logging.getLogger(__name__)

MD_ALGORITHM = "sha256"
SIGNATURE_FORMATS = ("raw", "cms")
EXTRA_CHAIN_ROOM = 8192  # bytes reserved for certificates the device adds to the chain


# --- Settings -------------------------------------------------------------------------------


def prepared_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "SIGNING_PREPARED_TIMEOUT", 600)))


def crl_files() -> list[Path]:
    raw = getattr(settings, "SIGNING_CRL_FILES", "") or ""
    items = raw if isinstance(raw, (list, tuple)) else str(raw).split(",")
    return [Path(str(p).strip()) for p in items if str(p).strip()]


# --- Security events ------------------------------------------------------------------------


def _security_event(
    *, actor: object | None, request: HttpRequest | None, code: str, detail: dict[str, Any]
) -> None:
    from chinhquyen.audit.models import SecurityEventKind
    from chinhquyen.audit.services import security_event_record

    security_event_record(
        kind=SecurityEventKind.PERMISSION_DENIED,
        request=request,
        user=actor if isinstance(actor, User) and actor.pk else None,
        detail={"action": "signature_refused", "code": code, **detail},
    )


# --- Registered certificates ----------------------------------------------------------------


def may_decide_certificates(user: object) -> bool:
    return bool(getattr(user, "is_superuser", False)) or Role.IT_ADMIN in roles_of(user)


def may_decide_for(admin: User, official: User) -> bool:
    """An IT administrator decides on the certificates of officials in his part of the
    organisation tree (a root administrator: everyone's)."""
    from chinhquyen.accounts.models import Position

    if admin.is_superuser:
        return True
    admin_units = [
        p.unit
        for p in Position.objects.active()
        .filter(user=admin, role=Role.IT_ADMIN)
        .select_related("unit")
    ]
    if any(unit.depth == 0 for unit in admin_units):
        return True
    paths = list(
        Position.objects.active().filter(user=official).values_list("unit__path", flat=True)
    )
    return any(path.startswith(unit.path) for unit in admin_units for path in paths)


def _parse_certificate(pem: str) -> x509.Certificate:
    try:
        return pki.load_certificate(pem.strip())
    except (ValueError, TypeError) as exc:
        raise DomainError(
            "Chứng thư số không đúng định dạng (cần tệp PEM hoặc DER).", code="bad_certificate"
        ) from exc


@transaction.atomic
def certificate_register(
    *,
    actor: User,
    official: User,
    certificate_pem: str | bytes,
    remote_provider: str = "",
    remote_user_id: str = "",
) -> OfficialCertificate:
    """The official registers the certificate of his token (or remote signing account); it
    is used only once an administrator approves it."""
    if actor.pk != official.pk and not may_decide_certificates(actor):
        raise DomainError(
            "Chỉ cán bộ hoặc quản trị hệ thống mới đăng ký chứng thư số cho cán bộ.",
            code="permission_denied",
            status_code=403,
        )
    text = (
        certificate_pem.decode("ascii", "replace")
        if isinstance(certificate_pem, bytes)
        else (certificate_pem)
    )
    if "BEGIN CERTIFICATE" not in text and isinstance(certificate_pem, bytes):
        cert = _parse_certificate_der(certificate_pem)
    else:
        cert = _parse_certificate(text)
    if cert.not_valid_after_utc < timezone.now():
        raise DomainError(
            "Chứng thư số đã hết hạn, không đăng ký được.", code="certificate_expired"
        )
    fp = pki.fingerprint(cert)
    existing = OfficialCertificate.objects.filter(official=official, fingerprint=fp).first()
    if existing is not None and existing.status in (
        CertificateStatus.PENDING,
        CertificateStatus.APPROVED,
    ):
        raise DomainError("Chứng thư số này đã được đăng ký.", code="already_registered")
    with audit_actor(actor):
        if existing is not None:
            existing.delete()
        return OfficialCertificate.objects.create(
            official=official,
            certificate_pem=pki.certificate_pem(cert),
            subject=pki.describe_name(cert.subject)[:500],
            issuer=pki.describe_name(cert.issuer)[:500],
            serial_number=format(cert.serial_number, "x")[:64],
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            fingerprint=fp,
            remote_provider=remote_provider,
            remote_user_id=remote_user_id,
        )


def _parse_certificate_der(data: bytes) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise DomainError(
            "Chứng thư số không đúng định dạng (cần tệp PEM hoặc DER).", code="bad_certificate"
        ) from exc


@transaction.atomic
def certificate_decide(
    *, actor: User, certificate_id: int, approve: bool, note: str = ""
) -> OfficialCertificate:
    """An administrator approves (or rejects) a registered certificate (audited)."""
    if not may_decide_certificates(actor):
        raise DomainError(
            "Chỉ quản trị hệ thống mới phê duyệt chứng thư số.",
            code="permission_denied",
            status_code=403,
        )
    certificate = OfficialCertificate.objects.select_for_update().get(pk=certificate_id)
    if not may_decide_for(actor, certificate.official):
        raise DomainError(
            "Cán bộ này không thuộc phạm vi quản trị của đồng chí.",
            code="permission_denied",
            status_code=403,
        )
    if certificate.status != CertificateStatus.PENDING:
        raise DomainError(
            "Chứng thư số này đã được xử lý.", code="already_decided", status_code=409
        )
    with audit_actor(actor):
        certificate.status = CertificateStatus.APPROVED if approve else CertificateStatus.REJECTED
        certificate.decided_by = actor
        certificate.decided_at = timezone.now()
        certificate.note = note[:500]
        certificate.save(update_fields=["status", "decided_by", "decided_at", "note"])
    return certificate


@transaction.atomic
def certificate_revoke(*, actor: User, certificate_id: int, note: str = "") -> OfficialCertificate:
    if not may_decide_certificates(actor):
        raise DomainError(
            "Chỉ quản trị hệ thống mới thu hồi chứng thư số.",
            code="permission_denied",
            status_code=403,
        )
    certificate = OfficialCertificate.objects.select_for_update().get(pk=certificate_id)
    with audit_actor(actor):
        certificate.status = CertificateStatus.REVOKED
        certificate.decided_by = actor
        certificate.decided_at = timezone.now()
        certificate.note = note[:500]
        certificate.save(update_fields=["status", "decided_by", "decided_at", "note"])
    return certificate


def registered_certificate(official: User, *, remote: bool = False) -> OfficialCertificate:
    """The official's approved, currently valid certificate (the newest one)."""
    now = timezone.now()
    qs = OfficialCertificate.objects.filter(
        official=official,
        status=CertificateStatus.APPROVED,
        not_before__lte=now,
        not_after__gt=now,
    )
    qs = qs.exclude(remote_provider="") if remote else qs.filter(remote_provider="")
    certificate = qs.order_by("-created_at", "-pk").first()
    if certificate is None:
        raise DomainError(
            "Cán bộ chưa có chứng thư số đã được phê duyệt để ký bằng thiết bị của mình "
            "(đăng ký chứng thư số trên trang cá nhân và chờ quản trị phê duyệt).",
            code="no_registered_certificate",
        )
    return certificate


# --- Revocation (CRL files when configured) ------------------------------------------------


def _revoked_by_crl(cert: x509.Certificate) -> bool:
    for path in crl_files():
        try:
            data = path.read_bytes()
        except OSError:
            logger.warning("CRL file unreadable: %s", path)
            continue
        try:
            crl = (
                x509.load_pem_x509_crl(data)
                if b"-----BEGIN" in data
                else x509.load_der_x509_crl(data)
            )
        except ValueError:
            logger.warning("CRL file not a CRL: %s", path)
            continue
        if crl.issuer != cert.issuer:
            continue
        if crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None:
            return True
    return False


# --- Prepare --------------------------------------------------------------------------------


def _appearance_credential(official: User, certificate: OfficialCertificate) -> SigningCredential:
    """An unsaved credential describing the appearance: the official's signature image (from
    his server-side credential, when he has one) and name."""
    credential = SigningCredential(
        owner=official,
        kind=CredentialKind.REMOTE,
        label=str(official),
        certificate_pem=certificate.certificate_pem,
    )
    with_image = (
        SigningCredential.objects.filter(owner=official, is_active=True)
        .exclude(signature_image="")
        .order_by("-pk")
        .first()
    )
    if with_image is not None:
        credential.signature_image = with_image.signature_image
    return credential


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _chain_store(certs: Sequence[x509.Certificate]) -> SimpleCertificateStore:
    """The certificates embedded in the CMS: the given chain and the trust roots that issued
    something in it."""
    store = SimpleCertificateStore()
    issuers = {c.issuer.public_bytes() for c in certs}
    for cert in certs:
        store.register(_asn1(cert))
    for root in collect_trust_roots():
        if root.subject.dump() in issuers:
            store.register(root)
    return store


@dataclass(frozen=True)
class _Prepared:
    prepared_pdf: bytes
    document_digest: bytes
    signed_attrs: bytes
    start: int
    end: int


async def _prepare_async(plan: Any, signer: ExternalSigner, reserved: int) -> _Prepared:
    session = plan.pdf_signer.init_signing_session(plan.writer)
    session.system_time = plan.signing_time
    tbs = session.prepare_tbs_document(validation_info=None, bytes_reserved=reserved)
    prepared, output = tbs.digest_tbs_document()
    attrs = await signer.signed_attrs(
        prepared.document_digest,
        MD_ALGORITHM,
        attr_settings=PdfCMSSignedAttributes(signing_time=plan.signing_time),
        use_pades=True,
    )
    output.seek(0)
    return _Prepared(
        prepared_pdf=output.read(),
        document_digest=prepared.document_digest,
        signed_attrs=attrs.dump(),
        start=prepared.reserved_region_start,
        end=prepared.reserved_region_end,
    )


def prepare(
    *,
    actor: User,
    pdf: bytes,
    official: User,
    description: str,
    certificate: OfficialCertificate | None = None,
    target: models.Model | None = None,
    purpose: str = "",
    reason: str = "",
    location: str = "",
    signer_box: services.BoxSpec = None,
    batch: uuid.UUID | None = None,
) -> PreparedSignature:
    """Prepare ``pdf`` for ``official``'s personal signature with his registered certificate;
    returns the preparation whose ``digest`` (SHA-256 of the signed attributes) his device
    must sign."""
    if purpose and purpose not in _PURPOSES:
        raise DomainError("Mục đích ký không được hỗ trợ.", code="bad_purpose")
    certificate = certificate or registered_certificate(official)
    if certificate.official_id != official.pk or certificate.status != CertificateStatus.APPROVED:
        raise DomainError(
            "Chứng thư số không phải chứng thư đã được phê duyệt của cán bộ.",
            code="certificate_mismatch",
        )
    cert = pki.load_certificate(certificate.certificate_pem)
    chain = pki.load_certificates(certificate.certificate_pem)
    key_size = getattr(cert.public_key(), "key_size", 2048)
    signer = ExternalSigner(
        signing_cert=_asn1(cert),
        cert_registry=_chain_store(chain),
        signature_value=bytes(max(256, -(-int(key_size) // 8))),
    )
    timestamper = services.get_timestamper()
    plan = services._plan(
        pdf=pdf,
        signer=signer,
        credential=_appearance_credential(official, certificate),
        mode="personal",
        reason=reason,
        location=location,
        signer_box=signer_box,
        number_notation="",
        field_name=None,
        timestamper=None,
    )
    reserved = services._bytes_reserved(signer, bool(timestamper)) + EXTRA_CHAIN_ROOM
    result = asyncio.run(_prepare_async(plan, signer, reserved))
    with audit_actor(actor):
        return PreparedSignature.objects.create(
            official=official,
            certificate=certificate,
            target_type=ContentType.objects.get_for_model(target) if target is not None else None,
            target_id=str(target.pk) if target is not None else "",
            purpose=purpose,
            batch=batch,
            description=description[:500],
            md_algorithm=MD_ALGORITHM,
            document_digest=result.document_digest,
            signed_attrs=result.signed_attrs,
            digest=hashlib.sha256(result.signed_attrs).digest(),
            prepared_pdf=result.prepared_pdf,
            reserved_region_start=result.start,
            reserved_region_end=result.end,
            expires_at=timezone.now() + prepared_timeout(),
        )


@dataclass(frozen=True)
class PrepareOutcome:
    target_id: str
    prepared: PreparedSignature | None = None
    code: str = ""
    message: str = ""


def prepare_targets(
    *, actor: User, purpose: str, target_ids: Sequence[str], remote: bool = False
) -> list[PrepareOutcome]:
    """Prepare the actor's signature on each target of ``purpose`` (a batch when several);
    each target succeeds or fails on its own."""
    registered = _PURPOSES.get(purpose)
    if registered is None or registered.load is None:
        raise DomainError("Mục đích ký không được hỗ trợ.", code="bad_purpose")
    certificate = registered_certificate(actor, remote=remote)
    batch = uuid.uuid4() if len(target_ids) > 1 else None
    outcomes: list[PrepareOutcome] = []
    for target_id in target_ids:
        try:
            target = registered.load(actor, str(target_id))
            prepared = prepare(
                actor=actor,
                pdf=target.pdf,
                official=actor,
                description=target.description,
                certificate=certificate,
                target=target.target,
                purpose=purpose,
                reason=target.reason,
                location=target.location,
                batch=batch,
            )
        except DomainError as exc:
            outcomes.append(
                PrepareOutcome(str(target_id), code=exc.error_code, message=str(exc.detail))
            )
        except PermissionDenied as exc:
            outcomes.append(
                PrepareOutcome(str(target_id), code="permission_denied", message=str(exc))
            )
        else:
            outcomes.append(PrepareOutcome(str(target_id), prepared=prepared))
    return outcomes


# --- Complete -------------------------------------------------------------------------------


class SignatureRefused(DomainError):
    """A returned signature that must not go into the document (recorded as a security
    event)."""


def _verify_raw(cert: x509.Certificate, signature: bytes, data: bytes) -> bool:
    key = cert.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


def _cms_signer_info(cms_bytes: bytes) -> tuple[Any, list[x509.Certificate]]:
    info = asn1_cms.ContentInfo.load(cms_bytes)
    if info["content_type"].native != "signed_data":
        raise ValueError("not signed data")
    signed = info["content"]
    signer_info = signed["signer_infos"][0]
    certs = [
        x509.load_der_x509_certificate(c.chosen.dump())
        for c in signed["certificates"]
        if c.name == "certificate"
    ]
    return signer_info, certs


def _message_digest(signer_info: Any) -> bytes | None:
    for attr in signer_info["signed_attrs"]:
        if attr["type"].native == "message_digest":
            value: bytes = attr["values"][0].native
            return value
    return None


def _code_for(result: VerificationResult) -> str:
    problem = " ".join(r.problem for r in result.signatures if not r.valid)
    if "thu hồi" in problem:
        return "certificate_revoked"
    if "hết hạn" in problem or "chưa có hiệu lực" in problem:
        return "certificate_expired"
    if "tin cậy" in problem:
        return "certificate_untrusted"
    if "giá trị chữ ký" in problem or "dữ liệu không khớp" in problem:
        return "signature_mismatch"
    return "verification_failed"


def _embed(prepared: PreparedSignature, cms_bytes: bytes) -> bytes:
    digest = PreparedByteRangeDigest(
        document_digest=bytes(prepared.document_digest),
        reserved_region_start=prepared.reserved_region_start,
        reserved_region_end=prepared.reserved_region_end,
    )
    output = io.BytesIO(bytes(prepared.prepared_pdf))
    PdfTBSDocument.finish_signing(output, digest, cms_bytes)
    return output.getvalue()


def _build_cms(
    prepared: PreparedSignature,
    cert: x509.Certificate,
    chain: Sequence[x509.Certificate],
    signature: bytes,
) -> bytes:
    signer = ExternalSigner(
        signing_cert=_asn1(cert),
        cert_registry=_chain_store([cert, *chain]),
        signature_value=signature,
    )
    attrs = asn1_cms.CMSAttributes.load(bytes(prepared.signed_attrs))
    content = asyncio.run(
        signer.async_sign_prescribed_attributes(
            MD_ALGORITHM, attrs, timestamper=services.get_timestamper()
        )
    )
    data: bytes = content.dump()
    return data


def _check_and_build(
    prepared: PreparedSignature,
    *,
    signature: bytes,
    signature_format: str,
    chain: Sequence[x509.Certificate],
) -> bytes:
    """The CMS to embed, or ``SignatureRefused``."""
    registered = pki.load_certificate(prepared.certificate.certificate_pem)
    if signature_format == "cms":
        try:
            signer_info, cms_certs = _cms_signer_info(signature)
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise SignatureRefused(
                "Chữ ký trả về không đúng định dạng CMS.", code="bad_signature"
            ) from exc
        signer_cert = next(
            (
                c
                for c in cms_certs
                if format(c.serial_number, "x")
                == format(signer_info["sid"].chosen["serial_number"].native, "x")
            ),
            None,
        )
        if signer_cert is None or pki.fingerprint(signer_cert) != prepared.certificate.fingerprint:
            raise SignatureRefused(
                "Chữ ký được tạo bằng chứng thư số khác với chứng thư đã đăng ký của cán bộ.",
                code="certificate_mismatch",
            )
        if _message_digest(signer_info) != bytes(prepared.document_digest):
            raise SignatureRefused(
                "Chữ ký trả về không ký trên nội dung văn bản đã chuẩn bị.",
                code="digest_mismatch",
            )
        return signature
    if chain and pki.fingerprint(chain[0]) != prepared.certificate.fingerprint:
        raise SignatureRefused(
            "Chữ ký được tạo bằng chứng thư số khác với chứng thư đã đăng ký của cán bộ.",
            code="certificate_mismatch",
        )
    if not _verify_raw(registered, signature, bytes(prepared.signed_attrs)):
        raise SignatureRefused(
            "Chữ ký trả về không ký trên nội dung văn bản đã chuẩn bị "
            "(hoặc không được tạo bằng khóa của chứng thư đã đăng ký).",
            code="digest_mismatch",
        )
    return _build_cms(prepared, registered, list(chain[1:]), signature)


def _load_chain(certificates: Sequence[str | bytes]) -> list[x509.Certificate]:
    chain: list[x509.Certificate] = []
    for item in certificates:
        try:
            if isinstance(item, bytes) and b"BEGIN CERTIFICATE" not in item:
                chain.append(x509.load_der_x509_certificate(item))
            else:
                chain.extend(pki.load_certificates(item))
        except ValueError as exc:
            raise SignatureRefused(
                "Chuỗi chứng thư số gửi kèm không đúng định dạng.", code="bad_certificate"
            ) from exc
    return chain


def _refuse(
    prepared: PreparedSignature,
    *,
    actor: object | None,
    request: HttpRequest | None,
    error: DomainError,
    status: str = PreparedStatus.REFUSED,
) -> None:
    with transaction.atomic(), audit_actor(actor):
        PreparedSignature.objects.filter(pk=prepared.pk, status=PreparedStatus.PENDING).update(
            status=status, error=str(error.detail)[:500]
        )
    _security_event(
        actor=actor,
        request=request,
        code=error.error_code,
        detail={"prepared_signature": prepared.pk, "message": str(error.detail)},
    )


def complete(
    *,
    actor: User,
    prepared_id: int,
    signature: bytes,
    certificates: Sequence[str | bytes] = (),
    signature_format: str = "raw",
    request: HttpRequest | None = None,
) -> PreparedSignature:
    """Embed the signature the official's device returned, verify the signed PDF and let the
    document move on. ``signature`` is the raw signature over ``digest`` (``raw``) or a CMS
    ``SignedData`` over the document digest (``cms``, remote signing services);
    ``certificates`` the signer's certificate first, then its chain."""
    if signature_format not in SIGNATURE_FORMATS:
        raise DomainError("Định dạng chữ ký không hợp lệ.", code="bad_format")
    prepared = (
        PreparedSignature.objects.select_related("certificate").filter(pk=prepared_id).first()
    )
    if prepared is None or prepared.official_id != actor.pk:
        raise DomainError("Không tìm thấy văn bản chờ ký.", code="not_found", status_code=404)
    if prepared.status != PreparedStatus.PENDING:
        raise DomainError(
            f"Văn bản chờ ký đã ở trạng thái «{prepared.get_status_display()}».",
            code="not_pending",
            status_code=409,
        )
    try:
        if prepared.expires_at <= timezone.now():
            _refuse(
                prepared,
                actor=actor,
                request=request,
                error=(
                    error := SignatureRefused(
                        "Phiên ký đã hết hạn, vui lòng chuẩn bị ký lại.",
                        code="prepared_expired",
                        status_code=409,
                    )
                ),
                status=PreparedStatus.EXPIRED,
            )
            raise error
        signed_pdf = _completed_pdf(
            prepared,
            signature=signature,
            signature_format=signature_format,
            chain=_load_chain(certificates),
        )
    except SignatureRefused as exc:
        if prepared.status == PreparedStatus.PENDING and exc.error_code != "prepared_expired":
            _refuse(prepared, actor=actor, request=request, error=exc)
        raise
    with transaction.atomic(), audit_actor(actor):
        locked = PreparedSignature.objects.select_for_update().get(pk=prepared.pk)
        if locked.status != PreparedStatus.PENDING:
            raise DomainError("Văn bản này đã được xử lý.", code="not_pending", status_code=409)
        locked.signed_pdf = signed_pdf
        locked.status = PreparedStatus.COMPLETED
        locked.completed_at = timezone.now()
        locked.save(update_fields=["signed_pdf", "status", "completed_at"])
        registered = _PURPOSES.get(locked.purpose) if locked.purpose else None
        if registered is not None:
            registered.complete(locked, signed_pdf)
    return locked


def _completed_pdf(
    prepared: PreparedSignature,
    *,
    signature: bytes,
    signature_format: str,
    chain: Sequence[x509.Certificate],
) -> bytes:
    certificate = prepared.certificate
    registered = pki.load_certificate(certificate.certificate_pem)
    if certificate.status == CertificateStatus.REVOKED or _revoked_by_crl(registered):
        raise SignatureRefused("Chứng thư số của cán bộ đã bị thu hồi.", code="certificate_revoked")
    if certificate.status != CertificateStatus.APPROVED:
        raise SignatureRefused(
            "Chứng thư số của cán bộ chưa được phê duyệt.", code="certificate_mismatch"
        )
    now = timezone.now()
    if registered.not_valid_after_utc < now or registered.not_valid_before_utc > now:
        raise SignatureRefused(
            "Chứng thư số của cán bộ đã hết hạn hoặc chưa có hiệu lực.",
            code="certificate_expired",
        )
    cms_bytes = _check_and_build(
        prepared, signature=signature, signature_format=signature_format, chain=chain
    )
    room = (prepared.reserved_region_end - prepared.reserved_region_start - 2) // 2
    if len(cms_bytes) > room:
        raise SignatureRefused(
            "Chữ ký trả về lớn hơn chỗ dành sẵn trong văn bản.", code="signature_too_large"
        )
    signed_pdf = _embed(prepared, cms_bytes)
    result = verify_pdf(signed_pdf)
    if not result.valid:
        raise SignatureRefused(
            f"Văn bản sau khi ký không đạt kiểm tra chữ ký số: {result.reason}",
            code=_code_for(result),
        )
    return signed_pdf


# --- Batches --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemOutcome:
    prepared_id: int
    ok: bool
    code: str = ""
    message: str = ""


def complete_batch(
    *,
    actor: User,
    items: Sequence[tuple[int, bytes]],
    certificates: Sequence[str | bytes] = (),
    signature_format: str = "raw",
    request: HttpRequest | None = None,
) -> list[ItemOutcome]:
    """Complete many preparations signed in one device session; each item succeeds or fails
    on its own."""
    outcomes: list[ItemOutcome] = []
    for prepared_id, signature in items:
        try:
            complete(
                actor=actor,
                prepared_id=prepared_id,
                signature=signature,
                certificates=certificates,
                signature_format=signature_format,
                request=request,
            )
        except DomainError as exc:
            outcomes.append(
                ItemOutcome(prepared_id, False, code=exc.error_code, message=str(exc.detail))
            )
        except PermissionDenied as exc:
            outcomes.append(
                ItemOutcome(prepared_id, False, code="permission_denied", message=str(exc))
            )
        else:
            outcomes.append(ItemOutcome(prepared_id, True, message="Đã ký."))
    return outcomes


def expire_stale(*, now: dt.datetime | None = None) -> int:
    """Mark preparations past their expiry (a periodic job may call it)."""
    return PreparedSignature.objects.filter(
        status=PreparedStatus.PENDING, expires_at__lte=now or timezone.now()
    ).update(status=PreparedStatus.EXPIRED)
