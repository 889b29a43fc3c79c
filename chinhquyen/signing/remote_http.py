"""Remote signing over HTTP (SmartCA-style): the client adapter and the sandbox service, which
speak the same protocol (``docs/signing-agent.md``, "Remote signing service").

    POST {base}/sign            {"user_id", "description", "algorithm", "digests": [b64]}
                                -> 201 {"transaction_id", "status": "pending", "expires_at"}
    GET  {base}/transactions/ID -> 200 {"transaction_id", "status", "signatures": [b64],
                                        "certificate_chain": [PEM], "message"}

``status`` is ``pending`` (the official has not confirmed on his phone yet), ``approved``
(``signatures``: raw signatures over each digest, in order, and the signer's chain),
``rejected`` or ``expired``. Requests carry ``Authorization: Bearer <SIGNING_REMOTE_API_KEY>``.
Errors: ``{"error": {"code", "message"}}`` with 400/401/404.

The server sends the digest of a ``PreparedSignature`` (two-step signing, ``deferred``) and
completes it with the returned signature: the same checks as for a USB token.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor

from .models import PreparedSignature, PreparedStatus, SandboxTransaction

logger = logging.getLogger(__name__)
STATUSES = ("pending", "approved", "rejected", "expired")


@dataclass(frozen=True)
class TransactionStatus:
    status: str
    signatures: list[bytes] = field(default_factory=list)
    certificate_chain: list[str] = field(default_factory=list)
    message: str = ""


def _unavailable(exc: Exception | None = None) -> DomainError:
    return DomainError(
        "Dịch vụ ký số từ xa không phản hồi, vui lòng thử lại sau.",
        code="remote_unavailable",
        status_code=503,
    )


class RemoteSigningClient:
    """The HTTP adapter for a SmartCA-style remote signing service."""

    def __init__(self, base_url: str, api_key: str = "", timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    def _answer(self, response: Any) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError as exc:
            raise _unavailable(exc) from exc
        if response.status_code >= 500:
            raise _unavailable()
        if response.status_code >= 400:
            error = data.get("error") or {} if isinstance(data, dict) else {}
            raise DomainError(
                "Dịch vụ ký số từ xa từ chối yêu cầu: "
                + str(error.get("message") or response.status_code),
                code="remote_refused",
            )
        if not isinstance(data, dict):
            raise _unavailable()
        return data

    def request(
        self, *, user_id: str, digests: list[bytes], algorithm: str, description: str
    ) -> str:
        """Ask the official (on his phone) to sign ``digests``; the transaction id."""
        import requests

        try:
            response = requests.post(
                f"{self.base_url}/sign",
                json={
                    "user_id": user_id,
                    "description": description[:500],
                    "algorithm": algorithm,
                    "digests": [base64.b64encode(d).decode("ascii") for d in digests],
                },
                headers=self._headers(),
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            logger.warning("remote signing service unreachable", exc_info=True)
            raise _unavailable(exc) from exc
        data = self._answer(response)
        transaction_id = str(data.get("transaction_id") or "")
        if not transaction_id:
            raise _unavailable()
        return transaction_id

    def status(self, transaction_id: str) -> TransactionStatus:
        import requests

        try:
            response = requests.get(
                f"{self.base_url}/transactions/{transaction_id}",
                headers=self._headers(),
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            logger.warning("remote signing service unreachable", exc_info=True)
            raise _unavailable(exc) from exc
        data = self._answer(response)
        status = str(data.get("status") or "")
        if status not in STATUSES:
            raise _unavailable()
        try:
            signatures = [base64.b64decode(s, validate=True) for s in data.get("signatures") or []]
        except (ValueError, TypeError) as exc:
            raise _unavailable(exc) from exc
        return TransactionStatus(
            status=status,
            signatures=signatures,
            certificate_chain=[str(c) for c in data.get("certificate_chain") or []],
            message=str(data.get("message") or ""),
        )


def client() -> RemoteSigningClient:
    base = str(getattr(settings, "SIGNING_REMOTE_URL", "") or "")
    if not base:
        raise DomainError(
            "Chưa cấu hình dịch vụ ký số từ xa (SIGNING_REMOTE_URL).", code="remote_not_configured"
        )
    return RemoteSigningClient(
        base,
        api_key=str(getattr(settings, "SIGNING_REMOTE_API_KEY", "") or ""),
        timeout=float(getattr(settings, "SIGNING_REMOTE_HTTP_TIMEOUT", 10)),
    )


# --- Two-step signing through the remote service --------------------------------------------


def remote_request(*, actor: User, prepared_ids: list[int], description: str) -> str:
    """Send the digests of the actor's prepared signatures in one request (a batch: one
    confirmation on the phone)."""
    prepared = list(
        PreparedSignature.objects.select_related("certificate")
        .filter(pk__in=prepared_ids, official=actor, status=PreparedStatus.PENDING)
        .order_by("pk")
    )
    if len(prepared) != len(set(prepared_ids)):
        raise DomainError("Không tìm thấy văn bản chờ ký.", code="not_found", status_code=404)
    user_ids = {p.certificate.remote_user_id for p in prepared}
    if len(user_ids) != 1 or not next(iter(user_ids)):
        raise DomainError(
            "Chứng thư số đã chọn không dùng để ký số từ xa.", code="certificate_mismatch"
        )
    transaction_id = client().request(
        user_id=user_ids.pop(),
        digests=[bytes(p.digest) for p in prepared],
        algorithm=prepared[0].md_algorithm,
        description=description,
    )
    with audit_actor(actor):
        PreparedSignature.objects.filter(pk__in=[p.pk for p in prepared]).update(
            remote_transaction_id=transaction_id
        )
    return transaction_id


@dataclass(frozen=True)
class RemoteOutcome:
    status: str  # pending | completed | rejected | expired | failed
    items: list[Any] = field(default_factory=list)
    message: str = ""


def remote_poll(*, actor: User, transaction_id: str, request: Any = None) -> RemoteOutcome:
    """Ask the service; once the official approved, complete every item (each verified on its
    own, as with a USB token)."""
    from . import deferred

    prepared = list(
        PreparedSignature.objects.filter(
            remote_transaction_id=transaction_id, official=actor
        ).order_by("pk")
    )
    if not transaction_id or not prepared:
        raise DomainError("Không tìm thấy giao dịch ký.", code="not_found", status_code=404)
    answer = client().status(transaction_id)
    pending = [p for p in prepared if p.status == PreparedStatus.PENDING]
    if answer.status == "pending":
        if pending and all(p.expires_at <= timezone.now() for p in pending):
            deferred.expire_stale()
            return RemoteOutcome(
                "expired", message="Hết thời gian chờ xác nhận ký trên điện thoại."
            )
        return RemoteOutcome("pending", message="Đang chờ xác nhận ký trên điện thoại.")
    if answer.status in ("rejected", "expired"):
        message = (
            "Cán bộ đã từ chối ký trên điện thoại."
            if answer.status == "rejected"
            else "Hết thời gian chờ xác nhận ký trên điện thoại."
        )
        with audit_actor(actor):
            PreparedSignature.objects.filter(pk__in=[p.pk for p in pending]).update(
                status=PreparedStatus.REFUSED
                if answer.status == "rejected"
                else PreparedStatus.EXPIRED,
                error=message,
            )
        return RemoteOutcome(answer.status, message=answer.message or message)
    if len(answer.signatures) != len(prepared):
        return RemoteOutcome("failed", message="Dịch vụ ký số từ xa trả về thiếu chữ ký.")
    items = deferred.complete_batch(
        actor=actor,
        items=[
            (p.pk, s)
            for p, s in zip(prepared, answer.signatures, strict=True)
            if p.status == PreparedStatus.PENDING
        ],
        certificates=answer.certificate_chain,
        request=request,
    )
    return RemoteOutcome("completed", items=items)


# --- The sandbox service (speaks the protocol above, over HTTP: ``views.sandbox_remote_*``) ---


def sandbox_api_key_ok(header: str) -> bool:
    import hmac

    expected = str(getattr(settings, "SIGNING_REMOTE_API_KEY", "") or "")
    if not expected:
        return True
    return hmac.compare_digest(header.removeprefix("Bearer ").strip(), expected)


def sandbox_create(*, body: dict[str, Any]) -> SandboxTransaction:
    user_id = str(body.get("user_id") or "")[:150]
    algorithm = str(body.get("algorithm") or "sha256").lower()
    digests = body.get("digests")
    if not user_id or algorithm != "sha256":
        raise DomainError("Thiếu mã người dùng hoặc thuật toán không hỗ trợ.", code="bad_request")
    if not isinstance(digests, list) or not 1 <= len(digests) <= 100:
        raise DomainError("Cần từ 1 đến 100 giá trị băm.", code="bad_request")
    try:
        if any(len(base64.b64decode(d, validate=True)) != 32 for d in digests):
            raise ValueError
    except (ValueError, TypeError) as exc:
        raise DomainError("Giá trị băm không hợp lệ.", code="bad_request") from exc
    timeout = int(getattr(settings, "SIGNING_REMOTE_TIMEOUT", 300))
    return SandboxTransaction.objects.create(
        transaction_id=uuid.uuid4().hex,
        user_id=user_id,
        description=str(body.get("description") or "")[:500],
        algorithm=algorithm,
        digests=digests,
        expires_at=timezone.now() + dt.timedelta(seconds=timeout),
    )


def sandbox_view(tx: SandboxTransaction) -> dict[str, Any]:
    status = tx.status
    if status == "pending" and tx.expires_at <= timezone.now():
        status = "expired"
    return {
        "transaction_id": tx.transaction_id,
        "status": status,
        "expires_at": tx.expires_at.isoformat(),
        "signatures": tx.signatures if status == "approved" else [],
        "certificate_chain": tx.certificate_chain if status == "approved" else [],
        "message": "",
    }


@transaction.atomic
def sandbox_transaction_decide(
    *, actor: User, transaction_id: str, approve: bool
) -> SandboxTransaction:
    """The official's answer on the sandbox "phone": signs each digest with the key of his
    remote credential (``SigningCredential`` of kind remote whose ``remote_user_id`` is the
    transaction's user id, a PKCS#12 file in the sandbox)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
    from cryptography.hazmat.primitives.serialization import pkcs12

    from .keys import resolve_pkcs12_path, secret_from_env
    from .models import CredentialKind, SigningCredential

    tx = SandboxTransaction.objects.select_for_update().get(transaction_id=transaction_id)
    credential = SigningCredential.objects.filter(
        kind=CredentialKind.REMOTE, remote_user_id=tx.user_id, owner=actor, is_active=True
    ).first()
    if credential is None:
        raise DomainError(
            "Chỉ chủ tài khoản ký số từ xa mới xác nhận giao dịch này.",
            code="permission_denied",
            status_code=403,
        )
    if tx.status != "pending" or tx.expires_at <= timezone.now():
        raise DomainError(
            "Giao dịch đã được xử lý hoặc hết hạn.", code="already_decided", status_code=409
        )
    if approve:
        secret = secret_from_env(credential.passphrase_env)
        key, cert, extra = pkcs12.load_key_and_certificates(
            resolve_pkcs12_path(credential.pkcs12_path).read_bytes(),
            secret.encode() if secret else None,
        )
        signatures = []
        for digest in tx.digests:
            raw = base64.b64decode(digest)
            if isinstance(key, rsa.RSAPrivateKey):
                value = key.sign(raw, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
            elif isinstance(key, ec.EllipticCurvePrivateKey):
                value = key.sign(raw, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
            else:
                raise DomainError("Khóa không được hỗ trợ.", code="key_unavailable")
            signatures.append(base64.b64encode(value).decode("ascii"))
        from cryptography.hazmat.primitives.serialization import Encoding

        tx.signatures = signatures
        tx.certificate_chain = [
            c.public_bytes(Encoding.PEM).decode("ascii") for c in [cert, *(extra or [])] if c
        ]
    tx.status = "approved" if approve else "rejected"
    tx.decided_at = timezone.now()
    with audit_actor(actor):
        tx.save(update_fields=["signatures", "certificate_chain", "status", "decided_at"])
    return tx
