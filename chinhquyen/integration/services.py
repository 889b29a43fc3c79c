"""Writes of the exchange between deployments.

Sending: the documents hooks (``on_message_created``, ``on_status_recorded``) write an
``OutboxMessage`` inside the transaction of the change; ``outbox_deliver`` (the job) builds,
signs and sends due rows through the peer's transport, with exponential backoff, and moves a
row to the dead-letter list after ``INTEGRATION_MAX_ATTEMPTS``; ``outbox_retry`` puts it back.

Receiving: ``receive`` checks a message (``signature.verify`` against the peer registry, the
replay window and the seen message ids), then registers the incoming document through
``documents.exchange.receive_external`` — once per DocumentId — or applies a revoke or a status
to the sender's recipient row. Every refusal is a security event with its reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor
from chinhquyen.documents import edxml
from chinhquyen.documents import exchange as doc_exchange
from chinhquyen.documents.models import (
    BusinessType,
    ExchangeMessage,
    ExchangeStatus,
    StatusCode,
)
from chinhquyen.orgs.models import Organisation

from . import messages, signature
from .models import InboundMessage, OutboxKind, OutboxMessage, OutboxState, Peer
from .transport import transport_for

logger = logging.getLogger(__name__)

#: statuses a recipient reports back to the sender, and the one a sender sends to a recipient
RECIPIENT_CODES = frozenset(
    {
        StatusCode.ARRIVED,
        StatusCode.REFUSED,
        StatusCode.ACCEPTED,
        StatusCode.ASSIGNED,
        StatusCode.IN_PROGRESS,
        StatusCode.COMPLETED,
        StatusCode.TAKE_BACK_AGREED,
        StatusCode.TAKE_BACK_REFUSED,
    }
)
SENDER_CODES = frozenset({StatusCode.TAKE_BACK_REQUESTED})


def _replay_window() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "INTEGRATION_REPLAY_WINDOW", 86400)))


def _max_attempts() -> int:
    return int(getattr(settings, "INTEGRATION_MAX_ATTEMPTS", 12))


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, ... capped at 1 hour."""
    base = int(getattr(settings, "INTEGRATION_RETRY_BASE_SECONDS", 30))
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


# --- the peer registry ------------------------------------------------------------------------


def peer_save(*, actor: object | None, peer: Peer) -> Peer:
    """Validate and save a peer (the certificate is read for its fingerprint and expiry)."""
    try:
        peer.fingerprint = signature.fingerprint_pem(peer.certificate_pem.strip())
        peer.not_after = signature.certificate_not_after(peer.certificate_pem.strip())
    except (ValueError, UnicodeEncodeError) as exc:
        raise DomainError("Chứng thư số (PEM) không đọc được.", code="invalid_certificate") from exc
    peer.agency_code = peer.agency_code.strip()
    with audit_actor(actor):
        peer.save()
    return peer


# --- sending ------------------------------------------------------------------------------------


def _active_peer(agency_code: str) -> Peer | None:
    if not agency_code:
        return None
    return Peer.objects.filter(agency_code=agency_code, is_active=True).first()


def _enqueue(**fields: Any) -> OutboxMessage:
    row = OutboxMessage.objects.create(**fields)
    if getattr(settings, "INTEGRATION_DELIVER_ON_COMMIT", True):
        transaction.on_commit(_enqueue_job)
    return row


def _enqueue_job() -> None:
    try:
        from .tasks import deliver_outbox

        deliver_outbox.enqueue()
    except Exception:  # the periodic job picks it up anyway
        logger.exception("integration.enqueue_failed")


def on_message_created(*, message: ExchangeMessage) -> None:
    """A document for an external recipient: queue it when the recipient is a known peer."""
    peer = _active_peer(message.to_organ_id)
    if peer is None or message.from_organisation_id is None:
        return
    _enqueue(kind=OutboxKind.DOCUMENT, peer=peer, exchange_message=message)


def on_status_recorded(*, message: ExchangeMessage, status: ExchangeStatus) -> None:
    """A status to report to the other deployment (never echoes one that came from there)."""
    if getattr(_receiving, "active", False):
        return
    if message.business_type != BusinessType.NEW:
        return
    if message.from_organisation_id is None and message.to_organisation_id is not None:
        if status.code not in RECIPIENT_CODES:
            return
        peer = _active_peer(message.from_organ_id)
    elif message.to_organisation_id is None and message.from_organisation_id is not None:
        if status.code not in SENDER_CODES:
            return
        peer = _active_peer(message.to_organ_id)
    else:
        return
    if peer is None:
        return
    _enqueue(
        kind=OutboxKind.STATUS,
        peer=peer,
        exchange_message=message,
        status_code=status.code,
        status_description=status.description,
        status_at=status.at,
    )


_receiving = threading.local()  # set while a status from a peer is being recorded


def build_outbox_bytes(row: OutboxMessage, *, now: dt.datetime | None = None) -> bytes:
    message = row.exchange_message
    if row.kind == OutboxKind.DOCUMENT:
        return messages.signed_document(message, now=now)
    if message.from_organisation_id is None:  # we are the recipient, reporting to the sender
        organisation = message.to_organisation
        reporter_id, other_id = message.to_organ_id, message.from_organ_id
    else:  # we are the sender (take-back request)
        organisation = message.from_organisation
        reporter_id, other_id = message.from_organ_id, message.to_organ_id
    assert organisation is not None
    from chinhquyen.documents.numbering import issuing_organisation

    organisation = issuing_organisation(organisation)
    xml = messages.status_xml(
        message,
        code=row.status_code,
        description=row.status_description,
        at=row.status_at or row.created_at,
        reporter_organ_id=reporter_id,
        reporter_name=organisation.name,
    )
    return messages.signed(
        xml,
        organisation=organisation,
        from_organ_id=reporter_id,
        to_organ_id=other_id,
        kind="status",
        now=now,
    )


def outbox_send(row_id: int, *, now: dt.datetime | None = None) -> str:
    """One attempt for one due row; returns its state afterwards. Safe to run concurrently:
    the row is claimed by pushing its next attempt forward first."""
    when = now or timezone.now()
    current = (
        OutboxMessage.objects.filter(
            pk=row_id, state=OutboxState.PENDING, next_attempt_at__lte=when
        )
        .values_list("attempts", flat=True)
        .first()
    )
    if current is None:
        return "skipped"
    # claim it with one conditional UPDATE (any database): a concurrent sender that read the
    # same attempt count updates nothing and skips the row
    claimed = OutboxMessage.objects.filter(
        pk=row_id, state=OutboxState.PENDING, attempts=current
    ).update(attempts=current + 1, next_attempt_at=when + backoff(current + 1))
    if not claimed:
        return "skipped"
    row = OutboxMessage.objects.select_related(
        "peer", "exchange_message__from_organisation", "exchange_message__to_organisation"
    ).get(pk=row_id)
    try:
        data = build_outbox_bytes(row)  # signed at the real time, whatever the schedule
        receipt = transport_for(row.peer).send(row.peer, data)
    except DomainError as exc:
        receipt = None
        error, retry = str(exc), True
    except Exception as exc:  # a bug or a broken key: keep the row, retry later
        logger.exception("integration.outbox_build_failed", extra={"row": row_id})
        receipt = None
        error, retry = f"{exc.__class__.__name__}: {exc}", True
    if receipt is not None and receipt.ok:
        row.state = OutboxState.SENT
        row.sent_at = timezone.now()
        row.receipt = receipt.detail
        row.last_error = ""
        row.save(update_fields=["state", "sent_at", "receipt", "last_error"])
        return row.state
    if receipt is not None:
        error, retry = receipt.error, receipt.retry
        row.receipt = receipt.detail
    row.last_error = error[:2000]
    if not retry or row.attempts >= _max_attempts():
        row.state = OutboxState.DEAD
    row.save(update_fields=["state", "last_error", "receipt"])
    return row.state


def outbox_deliver(*, now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send every due row (oldest first); returns counts by resulting state."""
    when = now or timezone.now()
    counts: dict[str, int] = {}
    ids = list(
        OutboxMessage.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=when)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for row_id in ids:
        state = outbox_send(row_id, now=when)
        counts[state] = counts.get(state, 0) + 1
    return counts


def outbox_retry(*, actor: object | None, row: OutboxMessage) -> OutboxMessage:
    """The administrator sends a dead letter again (the attempts start over)."""
    with transaction.atomic(), audit_actor(actor):
        row = OutboxMessage.objects.select_for_update().get(pk=row.pk)
        if row.state != OutboxState.DEAD:
            raise DomainError("Chỉ gửi lại được thông điệp gửi thất bại.", code="not_dead")
        row.state = OutboxState.PENDING
        row.attempts = 0
        row.next_attempt_at = timezone.now()
        row.save(update_fields=["state", "attempts", "next_attempt_at"])
    transaction.on_commit(_enqueue_job)
    return row


# --- receiving ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    accepted: bool
    code: str = "accepted"
    reason: str = ""
    http_status: int = 200
    duplicate: bool = False
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"accepted": self.accepted, "code": self.code}
        if self.reason:
            data["reason"] = self.reason
        if self.accepted:
            data["duplicate"] = self.duplicate
        data.update(self.detail)
        return data


def trust_from_registry(agency_code: str) -> signature.Trusted:
    peer = _active_peer(agency_code)
    if peer is None:
        raise signature.Rejected(
            "unknown_sender",
            f"Nơi gửi «{agency_code}» không có trong danh bạ liên thông của hệ thống này.",
        )
    return signature.Trusted(certificate_pem=peer.certificate_pem, agency_code=peer.agency_code)


def check(data: bytes, *, now: dt.datetime) -> signature.Verified:
    """Signature, sender and replay window (not the seen ids: ``receive`` checks those)."""
    verified = signature.verify(data, trust_for=trust_from_registry, now=now)
    sent_at = verified.transport.sent_at
    if sent_at < now - _replay_window() or sent_at > now + dt.timedelta(minutes=5):
        raise signature.Rejected(
            "replay",
            "Thời điểm gửi nằm ngoài khoảng thời gian cho phép: thông điệp cũ bị gửi lại "
            "hoặc đồng hồ hệ thống gửi sai.",
            409,
        )
    return verified


def _security_event(request: HttpRequest | None, rejected: signature.Rejected, data: bytes) -> None:
    from chinhquyen.audit.models import SecurityEventKind
    from chinhquyen.audit.services import security_event_record

    security_event_record(
        kind=SecurityEventKind.SIGNATURE_FAILED,
        request=request,
        username="",
        detail={
            "source": "edxml",
            "code": rejected.code,
            "reason": rejected.reason,
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )


def receive(
    data: bytes, *, request: HttpRequest | None = None, now: dt.datetime | None = None
) -> Outcome:
    """Check and take one message from a peer (the exchange endpoint and the axis poller)."""
    when = now or timezone.now()
    try:
        verified = check(data, now=when)
        peer = Peer.objects.get(agency_code=verified.transport.from_organ_id)
        return _take(data, verified, peer, when)
    except signature.Rejected as rejected:
        _security_event(request, rejected, data)
        logger.warning("integration.rejected", extra={"code": rejected.code})
        return Outcome(
            accepted=False,
            code=rejected.code,
            reason=rejected.reason,
            http_status=rejected.http_status,
        )


def _target_organisation(organ_id: str) -> Organisation:
    organisation = Organisation.objects.filter(agency_code=organ_id).first() if organ_id else None
    if organisation is None:
        raise signature.Rejected(
            "unknown_recipient", f"Nơi nhận «{organ_id}» không thuộc hệ thống này.", 422
        )
    return organisation


def _take(data: bytes, verified: signature.Verified, peer: Peer, when: dt.datetime) -> Outcome:
    from lxml import etree

    info = verified.transport
    root = etree.fromstring(verified.signed_xml, parser=signature._parser())
    try:
        with transaction.atomic():
            inbound = InboundMessage(
                message_id=info.message_id,
                sent_at=info.sent_at,
                received_at=when,
                peer=peer,
                kind=info.kind,
                to_organ_id=info.to_organ_id,
                sha256=hashlib.sha256(data).hexdigest(),
            )
            if messages.is_status(root):
                outcome = _take_status(verified, inbound, when)
            else:
                outcome = _take_document(verified, inbound, when)
            if outcome.duplicate:  # its id is kept (no replay), not its content
                inbound.document_key = None
            else:
                inbound.xml.save(f"{info.message_id}.xml", ContentFile(data), save=False)
            inbound.save()
    except IntegrityError as exc:
        if _seen(info.message_id):
            raise signature.Rejected(
                "replay", "Thông điệp đã được nhận trước đó (gửi lại trái phép).", 409
            ) from exc
        # the same document delivered twice at the same moment: the other one registered it
        return Outcome(accepted=True, duplicate=True, detail={"message_id": info.message_id})
    except edxml.EdxmlError as exc:
        raise signature.Rejected("malformed", str(exc), 400) from exc
    return outcome


def _seen(message_id: str) -> bool:
    return InboundMessage.objects.filter(message_id=message_id).exists()


def _take_document(
    verified: signature.Verified, inbound: InboundMessage, when: dt.datetime
) -> Outcome:
    info = verified.transport
    if _seen(info.message_id):
        raise signature.Rejected(
            "replay", "Thông điệp đã được nhận trước đó (gửi lại trái phép).", 409
        )
    parsed = edxml.from_xml(verified.signed_xml)
    if parsed.from_organ.organ_id != info.from_organ_id:
        raise signature.Rejected("wrapped", "Nơi gửi trong thông điệp khác nơi gửi đã ký.", 403)
    to_ids = {organ.organ_id for organ in parsed.to_organs}
    if info.to_organ_id not in to_ids:
        raise signature.Rejected(
            "unknown_recipient", "Nơi nhận của thông điệp không khớp phần đã ký.", 422
        )
    organisation = _target_organisation(info.to_organ_id)
    key = f"{info.from_organ_id}|{info.to_organ_id}|{parsed.business_type}|{parsed.document_id}"
    inbound.kind = OutboxKind.DOCUMENT
    inbound.document_id = parsed.document_id
    inbound.business_type = parsed.business_type
    inbound.document_key = key[:400]
    earlier = (
        InboundMessage.objects.select_for_update().filter(document_key=inbound.document_key).first()
    )
    if earlier is not None:
        inbound.exchange_message_id = earlier.exchange_message_id
        return Outcome(
            accepted=True,
            duplicate=True,
            detail={"document_id": parsed.document_id, "message_id": info.message_id},
        )
    original = (
        ExchangeMessage.objects.select_for_update()
        .filter(
            document_id=parsed.document_id,
            from_organ_id=info.from_organ_id,
            to_organisation=organisation,
            from_organisation__isnull=True,
            business_type=BusinessType.NEW,
        )
        .first()
    )
    if parsed.business_type == BusinessType.REVOKE:
        if original is None:
            raise signature.Rejected(
                "unknown_document", "Chưa nhận văn bản gốc để thu hồi: gửi lại sau.", 425
            )
        message = doc_exchange.receive_external_revoke(
            original=original, reason=parsed.business_reason, at=when
        )
    else:
        header = _header(parsed, info)
        if parsed.business_type != BusinessType.NEW:
            header["business_reason"] = parsed.business_reason
            header["subject"] = f"[{BusinessType(parsed.business_type).label}] {parsed.subject}"
        message = doc_exchange.receive_external(
            organisation=organisation,
            header=header,
            files_in=[(a.name, a.content) for a in parsed.attachments],
            at=when,
        )
        if parsed.business_type != BusinessType.NEW and original is not None:
            message.related = original
            message.save(update_fields=["related"])
    inbound.exchange_message = message
    return Outcome(
        accepted=True,
        detail={"document_id": parsed.document_id, "message_id": info.message_id},
    )


def _header(parsed: edxml.EdxmlMessage, info: signature.TransportInfo) -> dict[str, Any]:
    return {
        "from_organ_id": info.from_organ_id,
        "from_name": parsed.from_organ.name,
        "code_number": parsed.code_number[:20],
        "code_notation": parsed.code_notation[:60],
        "promulgation_place": parsed.promulgation_place[:100],
        "promulgation_date": parsed.promulgation_date,
        "document_type_code": parsed.document_type[:10],
        "document_type_name": parsed.document_type_name[:100],
        "subject": parsed.subject,
        "content": parsed.content,
        "signer_competence": parsed.signer_competence[:100],
        "signer_position": parsed.signer_position[:150],
        "signer_name": parsed.signer_name[:150],
        "due_date": parsed.due_date,
        "priority": min(max(parsed.priority, 0), 3),
        "page_count": parsed.page_amount,
        "document_id": parsed.document_id[:255],
        "attachments": [
            {
                "content_id": a.content_id,
                "name": a.name,
                "content_type": a.content_type,
                "size": len(a.content),
                "sha256": a.sha256,
                "description": a.description,
            }
            for a in parsed.attachments
        ],
    }


def _take_status(
    verified: signature.Verified, inbound: InboundMessage, when: dt.datetime
) -> Outcome:
    info = verified.transport
    if _seen(info.message_id):
        raise signature.Rejected(
            "replay", "Thông điệp đã được nhận trước đó (gửi lại trái phép).", 409
        )
    status = messages.status_from_xml(verified.signed_xml)
    if status.from_organ.organ_id != info.from_organ_id:
        raise signature.Rejected("wrapped", "Nơi báo trạng thái khác nơi đã ký.", 403)
    if status.code not in StatusCode.values:
        raise signature.Rejected("malformed", "Mã trạng thái không hợp lệ.", 400)
    inbound.kind = OutboxKind.STATUS
    inbound.document_id = status.document_id
    inbound.status_code = status.code
    base = ExchangeMessage.objects.select_for_update().filter(
        document_id=status.document_id, business_type=BusinessType.NEW
    )
    if status.code in SENDER_CODES:  # the sender asks us (the recipient) to give it back
        target = base.filter(from_organisation__isnull=True, from_organ_id=info.from_organ_id)
        target = target.filter(to_organ_id=info.to_organ_id)
    else:  # a recipient reports on a document we sent
        target = base.filter(from_organisation__isnull=False, to_organ_id=info.from_organ_id)
    message = target.order_by("pk").first()
    if message is None:
        raise signature.Rejected(
            "unknown_document", "Không tìm thấy văn bản mà trạng thái này phản hồi.", 425
        )
    inbound.exchange_message = message
    # one status row per reported (code, time): a redelivered status changes nothing
    second = dt.timedelta(seconds=1)
    stamp = status.timestamp
    if message.statuses.filter(code=status.code, at__gte=stamp, at__lt=stamp + second).exists():
        return Outcome(accepted=True, duplicate=True, detail={"document_id": status.document_id})
    # the XML time has whole seconds: a status of the same second as the latest one we hold
    # (ours, with microseconds) comes after it
    latest_at = message.statuses.order_by("-at").values_list("at", flat=True).first()
    if latest_at is not None and stamp <= latest_at < stamp + second:
        stamp = latest_at + dt.timedelta(microseconds=1)
    _receiving.active = True
    try:
        row = doc_exchange.record_status(
            message=message,
            code=status.code,
            description=status.description[:4000],
            organisation=None if message.from_organisation_id else message.to_organisation,
            at=stamp,
        )
    finally:
        _receiving.active = False
    ExchangeStatus.objects.filter(pk=row.pk).update(
        organ_id=info.from_organ_id[:35], organ_name=(status.from_organ.name or "")[:255]
    )
    # statuses may arrive out of order (retries): the current one is the latest reported
    latest = message.statuses.order_by("-at", "-pk").first()
    if latest is not None and latest.code != message.status:
        ExchangeMessage.objects.filter(pk=message.pk).update(
            status=latest.code, status_at=latest.at
        )
    return Outcome(accepted=True, detail={"document_id": status.document_id, "status": status.code})


def axis_poll() -> int:
    """Fetch what waits on the national axis for this deployment's agencies, take each message
    and acknowledge it (taken, a duplicate or refused for good); returns how many were taken."""
    from . import transport

    if not transport.axis_url():
        return 0
    organ_ids = list(
        Organisation.objects.exclude(agency_code="").values_list("agency_code", flat=True)
    )
    taken = 0
    for organ_id in organ_ids:
        try:
            waiting = transport.axis_fetch(organ_id)
        except Exception:
            logger.exception("integration.axis_fetch_failed", extra={"organ_id": organ_id})
            continue
        for axis_id, data in waiting:
            outcome = receive(data)
            if (not outcome.accepted and outcome.http_status in (425, 429)) or (
                outcome.http_status >= 500
            ):
                continue  # leave it on the axis: try again at the next poll
            transport.axis_ack(organ_id, axis_id)
            taken += int(outcome.accepted)
    return taken
