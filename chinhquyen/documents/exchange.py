"""Document exchange between organisations of this deployment (QCVN 102:2016 shapes).

Sending an outgoing document creates one ``ExchangeMessage`` per recipient (an edXML
MessageHeader). For an organisation of this deployment the message is delivered at once: the
recipient gets an incoming entry waiting for its clerk ("Chờ vào sổ") and the message gets the
status **01 arrived**; the recipient's clerk registering it reports **03**, refusing it **02**,
the leader's assignment **04**, the first task **05**, completion **06**
(``feedback_for_incoming``, called by the incoming services). External recipients (named by
agency code) keep their message until the transport between deployments takes it (``edxml``
serialises it); their feedback can be recorded by hand (``exchange_record_feedback``).

Take-back: the sender asks (**13**), the recipient agrees (**15**, its incoming entry is
withdrawn) or refuses (**16**). Revoke: a new message of business type **1** per original
message; internal recipients' entries are withdrawn at once.

Every function here runs inside the caller's transaction (the services are atomic); the
``exchange_*`` functions are services of their own.

Exchange between deployments: the ``integration`` app registers callbacks in ``HOOKS``
(``exchange_hooks``; this app never imports it). ``message_created`` runs when a message for
an external recipient is created (deliver, revoke), ``status_recorded`` after every status
row; both inside the transaction, so the outbox row they write commits with the change. The
receiving side calls ``receive_external`` / ``receive_external_revoke``.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor
from chinhquyen.orgs.models import Organisation

from . import files, signing, workflow
from .exchange_hooks import HOOKS
from .history import incoming_search_text, record_event
from .models import (
    PRIORITY_URGENCY,
    URGENCY_PRIORITY,
    BusinessType,
    DocumentType,
    ExchangeMessage,
    ExchangeStatus,
    IncomingDocument,
    IncomingFile,
    IncomingStatus,
    OutgoingDocument,
    StatusCode,
)
from .numbering import format_number, issuing_organisation
from .permissions import is_clerk_of, is_leader_of

logger = logging.getLogger(__name__)


def _run_hooks(event: str, **kwargs: Any) -> None:
    for callback in HOOKS[event]:
        callback(**kwargs)


TAKE_BACK_CODES = (
    StatusCode.TAKE_BACK_REQUESTED,
    StatusCode.TAKE_BACK_AGREED,
    StatusCode.TAKE_BACK_REFUSED,
)
# codes a sender may record for an external recipient (feedback received another way)
EXTERNAL_FEEDBACK_CODES = (
    StatusCode.ARRIVED,
    StatusCode.REFUSED,
    StatusCode.ACCEPTED,
    StatusCode.ASSIGNED,
    StatusCode.IN_PROGRESS,
    StatusCode.COMPLETED,
    StatusCode.TAKE_BACK_AGREED,
    StatusCode.TAKE_BACK_REFUSED,
)


def organ_id(organisation: Organisation | None) -> str:
    """The agency code of ``organisation`` or of its nearest ancestor that has one."""
    if organisation is None:
        return ""
    if organisation.agency_code:
        return organisation.agency_code
    for ancestor in reversed(list(organisation.ancestors())):
        if ancestor.agency_code:
            return ancestor.agency_code
    return ""


def document_id(sender_organ_id: str, on: dt.date | None, number_notation: str) -> str:
    """``<senderOrgId>,<yyyy/MM/dd>,<number>/<notation>`` (QCVN 102:2016)."""
    date = f"{on:%Y/%m/%d}" if on else ""
    return f"{sender_organ_id},{date},{number_notation}"


def record_status(
    *,
    message: ExchangeMessage,
    code: str,
    actor: User | None = None,
    description: str = "",
    organisation: Organisation | None = None,
    at: dt.datetime | None = None,
) -> ExchangeStatus:
    """Append a status row and make it the message's current status."""
    if code not in StatusCode.values:
        raise DomainError("Mã trạng thái liên thông không hợp lệ.", code="invalid_status_code")
    when = at or timezone.now()
    reporter = organisation or message.to_organisation
    status = ExchangeStatus.objects.create(
        message=message,
        code=code,
        description=description,
        organ_id=organ_id(reporter) if reporter else message.to_organ_id,
        organ_name=reporter.name if reporter else message.to_name,
        actor=actor if isinstance(actor, User) and actor.pk else None,
        at=when,
    )
    message.status = code
    message.status_at = when
    message.save(update_fields=["status", "status_at"])
    _run_hooks("status_recorded", message=message, status=status)
    return status


def feedback_for_incoming(
    *,
    document: IncomingDocument,
    code: str,
    actor: User | None,
    description: str = "",
    at: dt.datetime | None = None,
) -> int:
    """Report a recipient-side step of ``document`` to every message that delivered it."""
    messages = list(
        ExchangeMessage.objects.select_for_update()
        .filter(incoming=document, business_type=BusinessType.NEW)
        .order_by("pk")
    )
    for message in messages:
        if message.status == code:
            continue
        record_status(
            message=message,
            code=code,
            actor=actor,
            description=description,
            organisation=document.organisation,
            at=at,
        )
    return len(messages)


def _withdraw_incoming(
    document: IncomingDocument, *, actor: User | None, reason: str, at: dt.datetime
) -> bool:
    """Mark a delivered incoming entry as taken back / revoked by its sender."""
    document = IncomingDocument.objects.select_for_update().get(pk=document.pk)
    if (document.status, workflow.IncomingAction.WITHDRAW) not in workflow.INCOMING:
        return False
    before = document.status
    document.status = IncomingStatus.WITHDRAWN
    document.note = (document.note + "\n" if document.note else "") + reason
    document.save(update_fields=["status", "note", "updated_at"])
    record_event(
        document=document,
        action=workflow.IncomingAction.WITHDRAW,
        actor=actor,
        from_status=before,
        to_status=document.status,
        note=reason,
        at=at,
    )
    return True


def _receive_internal(
    *,
    message: ExchangeMessage,
    outgoing: OutgoingDocument,
    organisation: Organisation,
    pdf: bytes | None,
    pdf_name: str,
    at: dt.datetime,
) -> IncomingDocument:
    """The recipient's incoming entry for a delivered message (waiting for its clerk)."""
    incoming = IncomingDocument.objects.create(
        organisation=organisation,
        status=IncomingStatus.RECEIVED,
        received_at=at,
        sender_organisation=outgoing.organisation,
        sender_name=message.from_name,
        sender_code=message.from_organ_id,
        number_notation=outgoing.number_notation,
        document_date=outgoing.issued_on,
        document_type=outgoing.document_type,
        summary=outgoing.summary,
        urgency=outgoing.urgency,
        secrecy=outgoing.secrecy,
        pages=outgoing.pages,
        signer_name=message.signer_name,
        is_electronic=outgoing.is_electronic,
        deadline=outgoing.due_date,
    )
    if pdf:
        checked = files.check_upload(pdf, allowed={"pdf"}, name=pdf_name)
        row = IncomingFile(
            document=incoming,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            is_main=True,
        )
        row.file.save(checked.name, checked.django_file(), save=False)
        row.save()
        incoming.extracted_text = files.extract_text(pdf)
        if outgoing.is_electronic:
            incoming.signature_check = signing.verify(pdf)
    incoming.search_text = incoming_search_text(incoming)
    incoming.save(update_fields=["extracted_text", "signature_check", "search_text"])
    record_event(
        document=incoming,
        action="receive",
        actor=None,
        to_status=IncomingStatus.RECEIVED,
        note=f"Nhận liên thông từ {message.from_name}.",
        at=at,
    )
    return incoming


def _header_from(outgoing: OutgoingDocument, *, sender: User | None) -> dict[str, object]:
    org = outgoing.organisation
    profile = getattr(org, "issuer_profile", None)
    signer = outgoing.signer
    number = format_number(outgoing.number) if outgoing.number is not None else ""
    from_id = organ_id(org)
    return {
        "outgoing": outgoing,
        "from_organisation": org,
        "from_organ_id": from_id,
        "from_name": org.name,
        "code_number": number,
        "code_notation": outgoing.notation,
        "promulgation_place": profile.place_name if profile else "",
        "promulgation_date": outgoing.issued_on,
        "document_type_code": outgoing.document_type.edxml_code
        or outgoing.document_type.abbreviation,
        "document_type_name": outgoing.document_type.name,
        "subject": outgoing.summary,
        "content": outgoing.body[:4000],
        "signer_competence": outgoing.signer_authority,
        "signer_position": outgoing.signer_title,
        "signer_name": (signer.full_name or signer.username) if signer else "",
        "due_date": outgoing.due_date,
        "priority": URGENCY_PRIORITY.get(outgoing.urgency, 0),
        "secrecy": outgoing.secrecy,
        "page_count": outgoing.pages,
        "document_id": document_id(from_id, outgoing.issued_on, outgoing.number_notation),
        "sent_by": sender if isinstance(sender, User) and sender.pk else None,
    }


def message_header(outgoing: OutgoingDocument) -> dict[str, object]:
    """The ``ExchangeMessage`` header fields of an outgoing document (for exports)."""
    return _header_from(outgoing, sender=None)


def deliver(
    *,
    outgoing: OutgoingDocument,
    actor: User | None,
    pdf: bytes | None,
    pdf_name: str,
    at: dt.datetime,
) -> list[ExchangeMessage]:
    """One message per recipient of ``outgoing``; internal recipients receive it now."""
    header = _header_from(outgoing, sender=actor)
    manifest = []
    if pdf:
        checked = files.check_upload(pdf, allowed={"pdf"}, name=pdf_name)
        manifest.append(
            {
                "content_id": "van-ban-1",
                "name": checked.name,
                "content_type": checked.content_type,
                "size": checked.size,
                "sha256": checked.sha256,
                "description": "Văn bản",
            }
        )
    messages = []
    for recipient in outgoing.recipients.select_related("organisation").order_by("pk"):
        target = issuing_organisation(recipient.organisation) if recipient.organisation else None
        message = ExchangeMessage.objects.create(
            **header,
            to_organisation=target,
            to_organ_id=organ_id(target) if target else recipient.agency_code,
            to_name=target.name if target else recipient.name,
            attachments=manifest,
            business_type=BusinessType.NEW,
            created_at=at,
        )
        if target is not None:
            message.incoming = _receive_internal(
                message=message,
                outgoing=outgoing,
                organisation=target,
                pdf=pdf,
                pdf_name=pdf_name,
                at=at,
            )
            message.save(update_fields=["incoming"])
            record_status(message=message, code=StatusCode.ARRIVED, organisation=target, at=at)
        else:
            _run_hooks("message_created", message=message)
        messages.append(message)
    return messages


def revoke_messages(
    *, outgoing: OutgoingDocument, actor: User | None, reason: str, at: dt.datetime
) -> list[ExchangeMessage]:
    """Business type 1 (revoke) for every message that sent ``outgoing``."""
    created = []
    originals = ExchangeMessage.objects.filter(
        outgoing=outgoing, business_type=BusinessType.NEW
    ).order_by("pk")
    for original in originals:
        revoke = ExchangeMessage.objects.get(pk=original.pk)
        revoke.pk = None
        revoke.id = None
        revoke.incoming = original.incoming
        revoke.related = original
        revoke.business_type = BusinessType.REVOKE
        revoke.business_reason = reason
        revoke.status = ""
        revoke.status_at = None
        revoke.sent_by = actor if isinstance(actor, User) and actor.pk else None
        revoke.created_at = at
        revoke.save(force_insert=True)
        if original.incoming_id is not None and original.to_organisation_id is not None:
            _withdraw_incoming(
                original.incoming,  # type: ignore[arg-type]
                actor=actor,
                reason=f"Nơi gửi thu hồi văn bản: {reason}",
                at=at,
            )
            record_status(
                message=revoke,
                code=StatusCode.ARRIVED,
                organisation=original.to_organisation,
                at=at,
            )
        elif original.to_organisation_id is None:
            _run_hooks("message_created", message=revoke)
        created.append(revoke)
    return created


def receive_external(
    *,
    organisation: Organisation,
    header: dict[str, Any],
    files_in: list[tuple[str, bytes]],
    at: dt.datetime,
) -> ExchangeMessage:
    """A document sent by another deployment to ``organisation``: its incoming entry waits for
    the clerk ("Chờ vào sổ") and the message gets **01 arrived** (reported back by the hooks).

    ``header`` holds ``ExchangeMessage`` fields of the sender's message; ``files_in`` the
    attachments (name, content): the first PDF is the main file, the others are kept when their
    type is accepted for incoming documents.
    """
    type_code = str(header.get("document_type_code", ""))
    document_type = (
        DocumentType.objects.filter(edxml_code=type_code).first()
        or DocumentType.objects.filter(abbreviation=type_code).exclude(abbreviation="").first()
        if type_code
        else None
    )
    number = str(header.get("code_number", ""))
    notation = str(header.get("code_notation", ""))
    incoming = IncomingDocument.objects.create(
        organisation=organisation,
        status=IncomingStatus.RECEIVED,
        received_at=at,
        sender_name=str(header.get("from_name", ""))[:255] or str(header["from_organ_id"]),
        sender_code=str(header["from_organ_id"])[:35],
        number_notation=(f"{number}/{notation}" if number else notation)[:100],
        document_date=header.get("promulgation_date"),
        document_type=document_type,
        summary=str(header.get("subject", "")) or "(không có trích yếu)",
        urgency=PRIORITY_URGENCY.get(int(header.get("priority") or 0), "normal"),
        pages=header.get("page_count"),
        signer_name=str(header.get("signer_name", ""))[:150],
        is_electronic=True,
        deadline=header.get("due_date"),
    )
    main_pdf: bytes | None = None
    for name, content in files_in:
        try:
            checked = files.check_upload(content, allowed=files.INCOMING_TYPES, name=name)
        except DomainError:
            logger.warning("documents.exchange.attachment_skipped", extra={"file": name})
            continue
        is_main = main_pdf is None and checked.is_pdf
        row = IncomingFile(
            document=incoming,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            is_main=is_main,
        )
        row.file.save(checked.name, checked.django_file(), save=False)
        row.save()
        if is_main:
            main_pdf = content
    if main_pdf is not None:
        incoming.extracted_text = files.extract_text(main_pdf)
        incoming.signature_check = signing.verify(main_pdf)
    incoming.search_text = incoming_search_text(incoming)
    incoming.save(update_fields=["extracted_text", "signature_check", "search_text"])
    record_event(
        document=incoming,
        action="receive",
        actor=None,
        to_status=IncomingStatus.RECEIVED,
        note=f"Nhận liên thông từ {incoming.sender_name} ({incoming.sender_code}).",
        at=at,
    )
    fields = {f.name for f in ExchangeMessage._meta.get_fields()}
    message = ExchangeMessage.objects.create(
        **{k: v for k, v in header.items() if k in fields},
        from_organisation=None,
        to_organisation=organisation,
        to_organ_id=organ_id(organisation),
        to_name=organisation.name,
        incoming=incoming,
        business_type=BusinessType.NEW,
        created_at=at,
    )
    record_status(message=message, code=StatusCode.ARRIVED, organisation=organisation, at=at)
    return message


def receive_external_revoke(
    *, original: ExchangeMessage, reason: str, at: dt.datetime
) -> ExchangeMessage:
    """The sender (another deployment) revoked a document it sent: the incoming entry is
    withdrawn and a business type 1 message is kept beside the original."""
    revoke = ExchangeMessage.objects.get(pk=original.pk)
    revoke.pk = None
    revoke.id = None
    revoke.related = original
    revoke.business_type = BusinessType.REVOKE
    revoke.business_reason = reason
    revoke.status = ""
    revoke.status_at = None
    revoke.created_at = at
    revoke.save(force_insert=True)
    if original.incoming is not None:
        _withdraw_incoming(
            original.incoming, actor=None, reason=f"Nơi gửi thu hồi văn bản: {reason}", at=at
        )
    return revoke


def _take_back_state(message: ExchangeMessage) -> str:
    last = message.statuses.filter(code__in=TAKE_BACK_CODES).order_by("-at", "-pk").first()
    return last.code if last is not None else ""


def _lock_message(message: ExchangeMessage) -> ExchangeMessage:
    return (
        ExchangeMessage.objects.select_for_update(of=("self",))
        .select_related("from_organisation", "to_organisation", "incoming")
        .get(pk=message.pk)
    )


@transaction.atomic
def exchange_request_take_back(
    *, actor: User, message: ExchangeMessage, reason: str, at: dt.datetime | None = None
) -> ExchangeStatus:
    """The sender asks a recipient to give a document back (status 13)."""
    message = _lock_message(message)
    if not is_clerk_of(actor, message.from_organisation) and not is_leader_of(
        actor, message.from_organisation
    ):
        raise PermissionDenied("Chỉ văn thư, lãnh đạo cơ quan gửi được đề nghị lấy lại văn bản.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Vui lòng nêu lý do đề nghị lấy lại văn bản.", code="reason_required")
    if message.business_type != BusinessType.NEW:
        raise DomainError("Chỉ lấy lại được văn bản đã gửi.", code="invalid_message")
    if message.status in ("", StatusCode.REFUSED):
        raise DomainError(
            "Nơi nhận chưa nhận hoặc đã từ chối văn bản: không cần lấy lại.", code="invalid_state"
        )
    state = _take_back_state(message)
    if state == StatusCode.TAKE_BACK_REQUESTED:
        raise DomainError("Đã đề nghị lấy lại, đang chờ nơi nhận trả lời.", code="pending")
    if state == StatusCode.TAKE_BACK_AGREED:
        raise DomainError("Văn bản đã được lấy lại.", code="already_taken_back")
    with audit_actor(actor):
        return record_status(
            message=message,
            code=StatusCode.TAKE_BACK_REQUESTED,
            actor=actor,
            description=reason,
            organisation=message.from_organisation,
            at=at,
        )


@transaction.atomic
def exchange_answer_take_back(
    *,
    actor: User,
    message: ExchangeMessage,
    agree: bool,
    reason: str = "",
    at: dt.datetime | None = None,
) -> ExchangeStatus:
    """The recipient agrees (15: its entry is withdrawn) or refuses (16) to give it back."""
    if message.incoming_id is not None:  # lock order: the incoming document, then the message
        IncomingDocument.objects.select_for_update().filter(pk=message.incoming_id).first()
    message = _lock_message(message)
    recipient = message.to_organisation
    if recipient is None or not (is_clerk_of(actor, recipient) or is_leader_of(actor, recipient)):
        raise PermissionDenied("Chỉ văn thư, lãnh đạo cơ quan nhận được trả lời đề nghị này.")
    if _take_back_state(message) != StatusCode.TAKE_BACK_REQUESTED:
        raise DomainError("Không có đề nghị lấy lại văn bản đang chờ trả lời.", code="no_request")
    reason = (reason or "").strip()
    if not agree and not reason:
        raise DomainError("Vui lòng nêu lý do từ chối.", code="reason_required")
    when = at or timezone.now()
    with audit_actor(actor):
        if agree and message.incoming is not None:
            _withdraw_incoming(
                message.incoming,
                actor=actor,
                reason=f"Đồng ý cho nơi gửi lấy lại văn bản. {reason}".strip(),
                at=when,
            )
        return record_status(
            message=message,
            code=StatusCode.TAKE_BACK_AGREED if agree else StatusCode.TAKE_BACK_REFUSED,
            actor=actor,
            description=reason,
            organisation=recipient,
            at=when,
        )


@transaction.atomic
def exchange_record_feedback(
    *,
    actor: User,
    message: ExchangeMessage,
    code: str,
    description: str = "",
    at: dt.datetime | None = None,
) -> ExchangeStatus:
    """Record the feedback of an external recipient (received by the transport or by phone).

    Internal recipients report by themselves through their own actions.
    """
    message = _lock_message(message)
    if message.to_organisation_id is not None:
        raise DomainError(
            "Nơi nhận trong hệ thống tự cập nhật trạng thái khi xử lý văn bản.",
            code="internal_recipient",
        )
    if not is_clerk_of(actor, message.from_organisation):
        raise PermissionDenied("Chỉ văn thư cơ quan gửi được cập nhật trạng thái nơi nhận.")
    if code not in EXTERNAL_FEEDBACK_CODES:
        raise DomainError("Mã trạng thái không hợp lệ.", code="invalid_status_code")
    with audit_actor(actor):
        return record_status(
            message=message,
            code=code,
            actor=actor,
            description=(description or "").strip(),
            organisation=None,
            at=at,
        )
