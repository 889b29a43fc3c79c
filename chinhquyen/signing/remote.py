"""Remote signing providers (SmartCA-style: the official confirms on a phone, we poll).

A provider receives the digest of the prepared PDF and, once the official approves, returns a
CMS signature (DER ``ContentInfo``) over it; ``services.remote_signing_poll`` writes that
into the placeholder (pyHanko interrupted signing). Providers register by name; the built-in
``sandbox`` provider keeps its requests in ``RemoteSigningRequest`` and signs with the
official's demo key when the official approves on the "Xác nhận ký số" page.
"""

from __future__ import annotations

import asyncio
import enum
import uuid
from dataclasses import dataclass
from typing import Protocol

from django.db import transaction
from django.utils import timezone
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor

from .keys import KeyUnavailable, signer_cache
from .models import RemoteRequestStatus, RemoteSigningRequest, SigningCredential


class PollStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"


@dataclass(frozen=True)
class PollResult:
    status: PollStatus
    cms: bytes | None = None
    message: str = ""


class RemoteSigningProvider(Protocol):
    name: str
    label: str

    def request_signature(
        self,
        credential: SigningCredential,
        digest: bytes,
        description: str,
        *,
        md_algorithm: str = "sha256",
    ) -> str:
        """Send the digest for the official to confirm; returns the provider's request id."""
        ...

    def poll(self, request_id: str) -> PollResult:
        """pending | approved (with the CMS signature) | rejected | expired."""
        ...


_PROVIDERS: dict[str, RemoteSigningProvider] = {}


def register_provider(provider: RemoteSigningProvider) -> None:
    _PROVIDERS[provider.name] = provider


def get_provider(name: str) -> RemoteSigningProvider:
    provider = _PROVIDERS.get(name)
    if provider is None:
        raise DomainError(
            f"Chưa cấu hình nhà cung cấp ký số từ xa «{name}».", code="unknown_provider"
        )
    return provider


def provider_names() -> list[str]:
    return sorted(_PROVIDERS)


class SandboxProvider:
    """A local stand-in for a remote signing service (demo and tests)."""

    name = "sandbox"
    label = "Ký số từ xa thử nghiệm"

    def request_signature(
        self,
        credential: SigningCredential,
        digest: bytes,
        description: str,
        *,
        md_algorithm: str = "sha256",
    ) -> str:
        from .services import sandbox_enabled

        if not sandbox_enabled():
            raise DomainError(
                "Dịch vụ ký số từ xa thử nghiệm chỉ dùng khi bật SIGNING_SANDBOX.",
                code="sandbox_disabled",
            )
        if not credential.owner_id:
            raise DomainError("Ký từ xa cần chứng thư của một cán bộ.", code="bad_credential")
        return uuid.uuid4().hex

    def poll(self, request_id: str) -> PollResult:
        request = RemoteSigningRequest.objects.filter(
            provider=self.name, provider_request_id=request_id
        ).first()
        if request is None:
            return PollResult(PollStatus.EXPIRED, message="Không tìm thấy yêu cầu.")
        if request.status == RemoteRequestStatus.APPROVED and request.signature_cms:
            return PollResult(PollStatus.APPROVED, cms=bytes(request.signature_cms))
        if request.status == RemoteRequestStatus.REJECTED:
            return PollResult(PollStatus.REJECTED)
        if request.expires_at < timezone.now():
            return PollResult(PollStatus.EXPIRED)
        return PollResult(PollStatus.PENDING)


register_provider(SandboxProvider())


def may_confirm(user: object, request: RemoteSigningRequest) -> bool:
    """Only the credential's owner confirms a signature with it."""
    owner_id = request.credential.owner_id
    return bool(owner_id) and getattr(user, "pk", None) == owner_id


async def _sandbox_cms(request: RemoteSigningRequest) -> bytes:
    from .services import get_timestamper

    signer = signer_cache.get(request.credential)
    cms = await signer.async_sign(
        bytes(request.digest),
        request.md_algorithm,
        use_pades=True,
        timestamper=get_timestamper(),
        signed_attr_settings=PdfCMSSignedAttributes(signing_time=timezone.now()),
    )
    data: bytes = cms.dump()
    return data


@transaction.atomic
def sandbox_decide(*, actor: object, request_id: int, approve: bool) -> RemoteSigningRequest:
    """The official's answer on the sandbox confirmation page."""
    request = (
        RemoteSigningRequest.objects.select_for_update()
        .select_related("credential")
        .get(pk=request_id, provider=SandboxProvider.name)
    )
    if not may_confirm(actor, request):
        raise DomainError(
            "Chỉ chủ chứng thư mới được xác nhận yêu cầu này.",
            code="permission_denied",
            status_code=403,
        )
    if request.status != RemoteRequestStatus.PENDING:
        raise DomainError("Yêu cầu này đã được xử lý.", code="already_decided", status_code=409)
    if request.expires_at < timezone.now():
        raise DomainError("Yêu cầu ký đã hết hạn.", code="expired", status_code=409)
    with audit_actor(actor):
        if approve:
            try:
                request.signature_cms = asyncio.run(_sandbox_cms(request))
            except KeyUnavailable as exc:
                raise DomainError(str(exc), code="key_unavailable") from exc
            request.status = RemoteRequestStatus.APPROVED
        else:
            request.status = RemoteRequestStatus.REJECTED
        request.decided_at = timezone.now()
        request.save(update_fields=["signature_cms", "status", "decided_at"])
    return request
