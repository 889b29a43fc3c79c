"""Remote signing (SmartCA-style): the document is prepared here, its digest goes to the
credential's provider (``remote``), the official confirms on a phone (or the sandbox page) and
polling embeds the returned CMS into the prepared PDF (pyHanko interrupted signing)."""

from __future__ import annotations

import datetime as dt
import io
import logging

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_cms import ExternalSigner
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko_certvalidator.registry import SimpleCertificateStore

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor

from .appearance import BoxSpec
from .models import CredentialKind, RemoteRequestStatus, RemoteSigningRequest, SigningCredential
from .pades import MD_ALGORITHM, SignMode, _bytes_reserved, _plan
from .timestamps import _der
from .verification import collect_trust_roots

logger = logging.getLogger(__name__)


def _remote_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "SIGNING_REMOTE_TIMEOUT", 300)))


def _credential_cert_store(credential: SigningCredential) -> SimpleCertificateStore:
    store = SimpleCertificateStore()
    for root in collect_trust_roots():
        store.register(root)
    return store


@transaction.atomic
def remote_signing_start(
    *,
    actor: object | None,
    pdf: bytes,
    credential: SigningCredential,
    mode: SignMode | str = "personal",
    description: str,
    reason: str = "",
    location: str = "",
    signer_box: BoxSpec = None,
    number_notation: str = "",
    field_name: str | None = None,
) -> RemoteSigningRequest:
    """Prepare the document, send its digest to the credential's remote provider and record
    the request; the official confirms on a phone (or the sandbox page)."""
    from .remote import get_provider

    if credential.kind != CredentialKind.REMOTE or not credential.is_active:
        raise DomainError("Chứng thư này không dùng để ký từ xa.", code="bad_credential")
    provider = get_provider(credential.remote_provider)
    cert = asn1_x509.Certificate.load(_der(credential.certificate_pem.encode("ascii")))
    external = ExternalSigner(
        signing_cert=cert,
        cert_registry=_credential_cert_store(credential),
        signature_value=256,
    )
    plan = _plan(
        pdf=pdf,
        signer=external,
        credential=credential,
        mode=str(mode),
        reason=reason,
        location=location,
        signer_box=signer_box,
        number_notation=number_notation,
        field_name=field_name,
        timestamper=None,
    )
    reserved = _bytes_reserved(external, True) + 16384  # the provider's CMS may be larger
    session = plan.pdf_signer.init_signing_session(plan.writer)
    session.system_time = plan.signing_time
    tbs = session.prepare_tbs_document(validation_info=None, bytes_reserved=reserved)
    prepared, output = tbs.digest_tbs_document()
    output.seek(0)
    prepared_pdf = output.read()
    request_id = provider.request_signature(
        credential, prepared.document_digest, description, md_algorithm=MD_ALGORITHM
    )
    with audit_actor(actor):
        request = RemoteSigningRequest.objects.create(
            credential=credential,
            requested_by=actor if isinstance(actor, User) and actor.pk else None,
            provider=provider.name,
            provider_request_id=request_id,
            description=description[:500],
            md_algorithm=MD_ALGORITHM,
            digest=prepared.document_digest,
            prepared_pdf=prepared_pdf,
            reserved_region_start=prepared.reserved_region_start,
            reserved_region_end=prepared.reserved_region_end,
            expires_at=timezone.now() + _remote_timeout(),
        )
    return request


def _finish(request: RemoteSigningRequest, cms_bytes: bytes) -> bytes:
    prepared = PreparedByteRangeDigest(
        document_digest=bytes(request.digest),
        reserved_region_start=request.reserved_region_start,
        reserved_region_end=request.reserved_region_end,
    )
    output = io.BytesIO(bytes(request.prepared_pdf))
    PdfTBSDocument.finish_signing(output, prepared, cms_bytes)
    return output.getvalue()


@transaction.atomic
def remote_signing_poll(*, actor: object | None, request_id: int) -> RemoteSigningRequest:
    """Ask the provider; when the official approved, finish the PDF (``signed_pdf``)."""
    from .remote import PollStatus, get_provider

    request = RemoteSigningRequest.objects.select_for_update().get(pk=request_id)
    if request.status in (
        RemoteRequestStatus.COMPLETED,
        RemoteRequestStatus.REJECTED,
        RemoteRequestStatus.EXPIRED,
        RemoteRequestStatus.FAILED,
    ):
        return request
    result = get_provider(request.provider).poll(request.provider_request_id)
    with audit_actor(actor):
        if result.status == PollStatus.APPROVED and result.cms:
            try:
                request.signed_pdf = _finish(request, result.cms)
                request.status = RemoteRequestStatus.COMPLETED
            except Exception:
                logger.exception("remote signature could not be embedded")
                request.status = RemoteRequestStatus.FAILED
                request.error = "Chữ ký trả về không gắn được vào văn bản."
        elif result.status == PollStatus.REJECTED:
            request.status = RemoteRequestStatus.REJECTED
        elif result.status == PollStatus.EXPIRED or (
            result.status == PollStatus.PENDING and request.expires_at < timezone.now()
        ):
            request.status = RemoteRequestStatus.EXPIRED
        else:
            return request
        request.save(update_fields=["status", "signed_pdf", "error"])
    return request
