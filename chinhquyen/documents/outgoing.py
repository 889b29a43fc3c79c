"""Outgoing documents (văn bản đi): drafting with recipients, submission and review, the ND 30
PDF, numbering and issue, signing, dispatch through the exchange, revocation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from chinhquyen.accounts.models import Position, User
from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor
from chinhquyen.core.pdf import render_pdf
from chinhquyen.orgs.models import Organisation

from . import exchange, files, layout, numbering, signing, workflow
from . import permissions as perms
from .handling import (
    MAX_REASON,
    MAX_SUMMARY,
    MAX_TEXT,
    _choice,
    _deny,
    _local_date,
    _lock_outgoing,
    _move_outgoing,
    _now,
    _text,
)
from .history import outgoing_search_text, record_event
from .models import (
    ApprovalStep,
    DocumentType,
    IncomingDocument,
    OutgoingDocument,
    OutgoingRecipient,
    OutgoingStatus,
    RegisterKind,
    ReviewDecision,
    Secrecy,
    Task,
    TaskStatus,
    Urgency,
)
from .workflow import OutgoingAction


@dataclass(frozen=True)
class RecipientInput:
    """A recipient: an organisation of this deployment, or an external one by name/code."""

    organisation: Organisation | None = None
    name: str = ""
    agency_code: str = ""


def _set_recipients(document: OutgoingDocument, recipients: Sequence[RecipientInput]) -> None:
    rows: list[OutgoingRecipient] = []
    seen: set[int] = set()
    for item in recipients:
        if item.organisation is not None:
            org = item.organisation
            if org.pk in seen:
                continue
            seen.add(org.pk)
            if org.pk == document.organisation_id:
                raise DomainError("Không gửi văn bản cho chính cơ quan ban hành.", code="self")
            if not org.is_active():
                raise DomainError(f"«{org}» đã hết hiệu lực.", code="inactive_recipient")
            rows.append(
                OutgoingRecipient(
                    document=document,
                    organisation=org,
                    name=org.name,
                    agency_code=exchange.organ_id(org),
                )
            )
        else:
            name = _text(item.name, label="tên nơi nhận", limit=255)
            if not name:
                raise DomainError("Nơi nhận bên ngoài phải có tên.", code="recipient_name")
            code = (item.agency_code or "").strip().upper()
            if code:
                from chinhquyen.orgs.validators import validate_agency_code

                try:
                    validate_agency_code(code)
                except Exception as exc:
                    raise DomainError(
                        f"Mã định danh «{code}» không hợp lệ.", code="invalid_agency_code"
                    ) from exc
            rows.append(OutgoingRecipient(document=document, name=name, agency_code=code))
    OutgoingRecipient.objects.filter(document=document).delete()
    OutgoingRecipient.objects.bulk_create(rows)


def _apply_upload(document: OutgoingDocument, upload: Any) -> None:
    checked = files.check_upload(upload, allowed=files.DRAFT_TYPES)
    document.file.save(checked.name, checked.django_file(), save=False)
    document.file_name = checked.name
    document.file_type = checked.extension
    if checked.is_pdf:
        document.extracted_text = files.extract_text(checked.content)
        document.pages = files.page_count(checked.content)


@transaction.atomic
def outgoing_create(
    *,
    actor: User,
    drafting_unit: Organisation,
    document_type: DocumentType,
    summary: str,
    body: str = "",
    upload: Any = None,
    urgency: str = Urgency.NORMAL,
    secrecy: str = Secrecy.NORMAL,
    is_legal_normative: bool | None = None,
    is_electronic: bool = True,
    due_date: dt.date | None = None,
    in_reply_to: IncomingDocument | None = None,
    recipients: Sequence[RecipientInput] = (),
    signer_authority: str = "",
    signer_title: str = "",
    at: dt.datetime | None = None,
) -> OutgoingDocument:
    """A new draft: uploaded (DOCX or PDF, checked by content) or written as text."""
    when = _now(at)
    if not perms.can_draft(actor, drafting_unit):
        raise _deny("Bạn chỉ được soạn thảo văn bản cho đơn vị mình công tác.")
    if not document_type.active:
        raise DomainError("Loại văn bản này không còn được dùng.", code="inactive_type")
    if in_reply_to is not None and not perms.can_view_incoming(actor, in_reply_to):
        raise DomainError("Không tìm thấy văn bản đến được trả lời.", code="invalid_reply")
    document = OutgoingDocument(
        organisation=numbering.issuing_organisation(drafting_unit),
        drafting_unit=drafting_unit,
        drafted_by=actor,
        document_type=document_type,
        summary=_text(summary, label="trích yếu", required=True, limit=MAX_SUMMARY),
        body=_text(body, label="nội dung", limit=100_000),
        is_legal_normative=(
            document_type.is_legal_normative if is_legal_normative is None else is_legal_normative
        ),
        urgency=_choice(urgency, Urgency, "Độ khẩn"),
        secrecy=_choice(secrecy, Secrecy, "Độ mật"),
        is_electronic=is_electronic,
        due_date=due_date,
        in_reply_to=in_reply_to,
        signer_authority=_text(signer_authority, label="thẩm quyền ký", limit=100),
        signer_title=_text(signer_title, label="chức vụ người ký", limit=150),
    )
    if upload is not None:
        _apply_upload(document, upload)
    document.search_text = outgoing_search_text(document)
    with audit_actor(actor):
        document.save()
        _set_recipients(document, recipients)
        record_event(
            document=document,
            action="draft",
            actor=actor,
            to_status=document.status,
            note="Tạo dự thảo.",
            at=when,
        )
    return document


EDITABLE_FIELDS = frozenset(
    {
        "summary",
        "body",
        "urgency",
        "secrecy",
        "is_legal_normative",
        "is_electronic",
        "due_date",
        "signer_authority",
        "signer_title",
        "document_type",
    }
)


@transaction.atomic
def outgoing_update(
    *,
    actor: User,
    document: OutgoingDocument,
    upload: Any = None,
    recipients: Sequence[RecipientInput] | None = None,
    **changes: Any,
) -> OutgoingDocument:
    """The drafter edits a draft (or a returned one): fields, file, recipients."""
    document = _lock_outgoing(document)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise DomainError(f"Không sửa được: {', '.join(sorted(unknown))}.", code="not_editable")
    if recipients is not None and document.status in (
        OutgoingStatus.APPROVED,
        OutgoingStatus.ISSUED,
        OutgoingStatus.SIGNED,
    ):
        # recipients may still be completed by the clerk before dispatch
        if not (perms.can_issue(actor, document) or perms.can_edit_draft(actor, document)):
            raise _deny("Chỉ văn thư được sửa nơi nhận trước khi phát hành.")
        if changes or upload is not None:
            raise DomainError("Văn bản đã duyệt không sửa được nội dung.", code="not_editable")
    elif not perms.can_edit_draft(actor, document):
        raise _deny("Chỉ người soạn thảo được sửa dự thảo chưa trình hoặc bị trả lại.")
    for name, value in changes.items():
        if name in ("summary",):
            value = _text(value, label="trích yếu", required=True, limit=MAX_SUMMARY)
        elif name == "body":
            value = _text(value, label="nội dung", limit=100_000)
        elif name == "urgency":
            value = _choice(value, Urgency, "Độ khẩn")
        elif name == "secrecy":
            value = _choice(value, Secrecy, "Độ mật")
        setattr(document, name, value)
    if upload is not None:
        _apply_upload(document, upload)
    document.search_text = outgoing_search_text(document)
    with audit_actor(actor):
        document.save()
        if recipients is not None:
            _set_recipients(document, recipients)
    return document


@transaction.atomic
def outgoing_submit(
    *,
    actor: User,
    document: OutgoingDocument,
    reviewers: Sequence[User],
    note: str = "",
    at: dt.datetime | None = None,
) -> OutgoingDocument:
    """Send the draft through the approval chain, in order; the last reviewer is the leader who
    signs."""
    when = _now(at)
    document = _lock_outgoing(document)
    workflow.outgoing_target(document.status, OutgoingAction.SUBMIT)
    if not perms.can_edit_draft(actor, document):
        raise _deny("Chỉ người soạn thảo được trình dự thảo.")
    if not document.file and not document.body.strip():
        raise DomainError(
            "Dự thảo chưa có nội dung: hãy tải tệp lên hoặc nhập nội dung.", code="empty_draft"
        )
    if document.document_type.is_letter:
        layout.require_letter_unit(document)  # a công văn is numbered <issuer>-<unit>
    chain = list(reviewers)
    if not chain:
        raise DomainError("Vui lòng chọn người duyệt.", code="reviewers_required")
    if len({r.pk for r in chain}) != len(chain):
        raise DomainError("Một người chỉ duyệt một lần trong lượt trình.", code="duplicate")
    for reviewer in chain:
        if reviewer.pk == actor.pk:
            raise DomainError("Không tự duyệt dự thảo của mình.", code="self_review")
        if not perms.can_be_reviewer(reviewer, document):
            raise DomainError(
                f"{reviewer} không phải lãnh đạo phụ trách đơn vị soạn thảo.",
                code="invalid_reviewer",
            )
    if not perms.is_leader_of(chain[-1], document.organisation):
        raise DomainError(
            "Người duyệt cuối cùng phải là lãnh đạo cơ quan ban hành (người ký).",
            code="last_not_leader",
        )
    document.review_round += 1
    document.signer = chain[-1]
    with audit_actor(actor):
        ApprovalStep.objects.bulk_create(
            [
                ApprovalStep(document=document, round=document.review_round, order=i, reviewer=r)
                for i, r in enumerate(chain, start=1)
            ]
        )
        _move_outgoing(
            document,
            OutgoingAction.SUBMIT,
            actor=actor,
            note=_text(note, label="ghi chú") or "Trình: " + ", ".join(str(r) for r in chain),
            at=when,
            fields=["review_round", "signer"],
        )
    return document


def _position_title(user: User, organisation: Organisation) -> str:
    for position in Position.objects.active().filter(user=user).select_related("unit"):
        if organisation.path.startswith(position.unit.path) and position.title:
            return position.title
    return ""


@transaction.atomic
def outgoing_review(
    *,
    actor: User,
    document: OutgoingDocument,
    approve: bool,
    comment: str = "",
    at: dt.datetime | None = None,
) -> OutgoingDocument:
    """The current reviewer agrees (forward to the next, or approve at the last) or returns."""
    when = _now(at)
    document = _lock_outgoing(document)
    step = perms.current_step(document) if document.status == OutgoingStatus.IN_REVIEW else None
    if step is None:
        workflow.outgoing_target(document.status, OutgoingAction.APPROVE)
        raise DomainError("Không có bước duyệt đang chờ.", code="no_step", status_code=409)
    if step.reviewer_id != actor.pk:
        raise _deny("Dự thảo đang chờ ý kiến của người khác.")
    comment = _text(comment, label="ý kiến", required=not approve)
    step.comment = comment
    step.at = when
    with audit_actor(actor):
        if approve:
            step.decision = ReviewDecision.APPROVED
            step.save(update_fields=["decision", "comment", "at"])
            pending = ApprovalStep.objects.filter(
                document=document, round=document.review_round, decision=ReviewDecision.PENDING
            ).exists()
            if pending:
                _move_outgoing(document, OutgoingAction.FORWARD, actor=actor, note=comment, at=when)
            else:
                document.signer = actor
                if not document.signer_title:
                    document.signer_title = _position_title(actor, document.organisation)
                _move_outgoing(
                    document,
                    OutgoingAction.APPROVE,
                    actor=actor,
                    note=comment,
                    at=when,
                    fields=["signer", "signer_title"],
                )
        else:
            step.decision = ReviewDecision.REJECTED
            step.save(update_fields=["decision", "comment", "at"])
            ApprovalStep.objects.filter(
                document=document, round=document.review_round, decision=ReviewDecision.PENDING
            ).delete()
            _move_outgoing(document, OutgoingAction.REJECT, actor=actor, note=comment, at=when)
    return document


@transaction.atomic
def outgoing_cancel(
    *, actor: User, document: OutgoingDocument, reason: str = "", at: dt.datetime | None = None
) -> OutgoingDocument:
    document = _lock_outgoing(document)
    workflow.outgoing_target(document.status, OutgoingAction.CANCEL)
    if not perms.can_edit_draft(actor, document):
        raise _deny("Chỉ người soạn thảo được hủy dự thảo.")
    with audit_actor(actor):
        _move_outgoing(
            document,
            OutgoingAction.CANCEL,
            actor=actor,
            note=_text(reason, label="lý do") or "Hủy dự thảo.",
            at=_now(at),
        )
    return document


def render_outgoing_pdf(document: OutgoingDocument) -> bytes:
    """The document written as text, laid out per Nghị định 30/2020 (see ``layout``)."""
    return render_pdf("pdf/documents/outgoing.html", layout.outgoing_layout(document))


@transaction.atomic
def _issue_number(
    *, actor: User, document: OutgoingDocument, at: dt.datetime | None = None
) -> OutgoingDocument:
    when = _now(at)
    document = _lock_outgoing(document)
    workflow.outgoing_target(document.status, OutgoingAction.ISSUE)
    if not perms.can_issue(actor, document):
        raise _deny("Chỉ văn thư của cơ quan ban hành được cấp số văn bản.")
    on = _local_date(when)
    register = numbering.register_for(
        organisation=document.organisation,
        year=on.year,
        kind=RegisterKind.OUTGOING,
        sequence=numbering.sequence_for(
            secrecy=document.secrecy, is_legal_normative=document.is_legal_normative
        ),
    )
    document.notation = layout.notation(document)
    document.issued_on = on
    document.issued_at = when
    document.issued_by = actor
    with audit_actor(actor):
        _complete_reply_tasks(document, actor=actor, at=when)
        # the number last: the counter row stays locked only until the commit just below
        document.register = register
        document.number = numbering.next_number(register)
        _move_outgoing(
            document,
            OutgoingAction.ISSUE,
            actor=actor,
            note=f"Số {document.number_notation}, ngày {on:%d/%m/%Y}.",
            at=when,
            fields=["register", "number", "notation", "issued_on", "issued_at", "issued_by"],
        )
    return document


def _complete_reply_tasks(document: OutgoingDocument, *, actor: User, at: dt.datetime) -> None:
    """A reply drafted by an official for his task on an incoming document completes that
    task when the reply is issued (before the number: the counter lock is always last)."""
    incoming = document.in_reply_to
    if incoming is None:
        return
    tasks = list(
        Task.objects.select_for_update()
        .filter(document=incoming, assignee_id=document.drafted_by_id)
        .filter(status__in=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS])
        .order_by("pk")
    )
    if not tasks:
        return
    result = f"Văn bản trả lời được ban hành: {document.document_type.name} {document.summary}"
    result = result[:MAX_TEXT]
    for task in tasks:
        task.status = TaskStatus.DONE
        task.result = result
        task.completed_at = at
        task.save(update_fields=["status", "result", "completed_at"])
    record_event(document=incoming, action="task_done", actor=actor, note=result, at=at)


@transaction.atomic
def outgoing_prepare_pdf(*, actor: User, document: OutgoingDocument) -> OutgoingDocument:
    """The PDF to sign of an issued document: the uploaded PDF draft, or the text laid out with
    its number and date. Nothing to do for a DOCX draft (its PDF is uploaded) or once signed."""
    document = _lock_outgoing(document)
    if not (perms.can_issue(actor, document) or document.drafted_by_id == actor.pk):
        raise _deny("Chỉ văn thư hoặc người soạn thảo được tạo bản PDF.")
    if document.status != OutgoingStatus.ISSUED or document.signed_at is not None:
        raise DomainError(
            "Chỉ tạo bản PDF sau khi cấp số và trước khi ký số.",
            code="invalid_transition",
            status_code=409,
        )
    pdf: bytes | None = None
    if document.file and document.file_type == "pdf":
        pdf = files.read_field(document.file)
    elif document.body.strip():
        pdf = render_outgoing_pdf(document)
    if pdf is None:
        return document
    document.pdf_file.save(f"{document.number or 0:02d}.pdf", ContentFile(pdf), save=False)
    document.extracted_text = files.extract_text(pdf)
    document.pages = files.page_count(pdf)
    document.search_text = outgoing_search_text(document)
    with audit_actor(actor):
        document.save(
            update_fields=["pdf_file", "extracted_text", "pages", "search_text", "updated_at"]
        )
    return document


def outgoing_issue(
    *, actor: User, document: OutgoingDocument, at: dt.datetime | None = None
) -> OutgoingDocument:
    """The clerk gives the number and the date (only now), then the PDF to sign is prepared.

    Two transactions: the number is committed first, so rendering the PDF (which takes far
    longer than numbering) never holds the register's counter lock. Should the rendering fail,
    the document stays issued and ``outgoing_prepare_pdf`` (or an uploaded PDF) completes it.
    """
    document = _issue_number(actor=actor, document=document, at=at)
    return outgoing_prepare_pdf(actor=actor, document=document)


@transaction.atomic
def outgoing_attach_pdf(
    *, actor: User, document: OutgoingDocument, upload: Any
) -> OutgoingDocument:
    """The PDF to sign when the draft was a DOCX (with the number filled in), or a scan of the
    hand-signed paper for a paper document."""
    document = _lock_outgoing(document)
    if not (perms.can_issue(actor, document) or document.drafted_by_id == actor.pk):
        raise _deny("Chỉ văn thư hoặc người soạn thảo được tải bản PDF.")
    if document.status != OutgoingStatus.ISSUED or document.signed_at is not None:
        raise DomainError(
            "Chỉ tải bản PDF sau khi cấp số và trước khi ký số.",
            code="invalid_transition",
            status_code=409,
        )
    checked = files.check_upload(upload, allowed={"pdf"})
    document.pdf_file.save(checked.name, checked.django_file(), save=False)
    document.extracted_text = files.extract_text(checked.content)
    document.pages = files.page_count(checked.content)
    document.search_text = outgoing_search_text(document)
    with audit_actor(actor):
        document.save(
            update_fields=["pdf_file", "extracted_text", "pages", "search_text", "updated_at"]
        )
    return document


def _pdf_of(document: OutgoingDocument) -> bytes:
    if not document.pdf_file:
        raise DomainError(
            "Cần bản PDF của văn bản để ký số: hãy tải bản PDF (đã điền số, ngày) lên.",
            code="pdf_required",
        )
    return files.read_field(document.pdf_file)


def _place(document: OutgoingDocument) -> str:
    return layout.place_name(document.organisation)


@transaction.atomic
def outgoing_sign(
    *, actor: User, document: OutgoingDocument, pin: str | None, at: dt.datetime | None = None
) -> OutgoingDocument:
    """The approving leader signs the numbered PDF with his personal signature, confirmed
    with the secret of his signing method (``pin``: the key file's passphrase or the token's
    PIN) — never in one click."""
    when = _now(at)
    document = _lock_outgoing(document)
    workflow.outgoing_target(document.status, OutgoingAction.SIGN)
    if not perms.can_sign(actor, document):
        raise _deny("Chỉ lãnh đạo đã phê duyệt văn bản được ký số.")
    if not document.is_electronic:
        raise DomainError("Văn bản giấy được ký tay, không ký số.", code="paper_document")
    signed = signing.sign_personal(
        pdf=_pdf_of(document),
        signer=actor,
        pin=pin,
        reason=f"Ký ban hành văn bản số {document.number_notation}",
        location=_place(document),
    )
    document.pdf_file.save(f"{document.number:02d}-ky.pdf", ContentFile(signed), save=False)
    document.signed_at = when
    with audit_actor(actor):
        _move_outgoing(
            document,
            OutgoingAction.SIGN,
            actor=actor,
            note="Ký số cá nhân.",
            at=when,
            fields=["pdf_file", "signed_at"],
        )
    return document


# The leader signs with his own device (USB token through the signing agent): the signing
# app prepares the PDF, the device signs, the signing app verifies; then this hook moves the
# document on exactly as ``outgoing_sign`` does.
DEVICE_SIGN_PURPOSE = "documents.outgoing_sign"


def outgoing_device_target(actor: User, target_id: str) -> Any:
    """The numbered PDF the leader may sign now (``signing.purposes.SigningTarget``)."""
    from chinhquyen.signing.purposes import SigningTarget

    document = OutgoingDocument.objects.filter(
        pk=int(target_id) if target_id.isdigit() else 0
    ).first()
    if document is None:
        raise DomainError("Không tìm thấy văn bản đi.", code="not_found", status_code=404)
    workflow.outgoing_target(document.status, OutgoingAction.SIGN)
    if not perms.can_sign(actor, document):
        raise _deny("Chỉ lãnh đạo đã phê duyệt văn bản được ký số.")
    if not document.is_electronic or document.signed_at is not None:
        raise DomainError(
            "Văn bản này không chờ ký số.", code="invalid_transition", status_code=409
        )
    return SigningTarget(
        pdf=_pdf_of(document),
        description=f"Văn bản số {document.number_notation}: {document.summary[:200]}",
        target=document,
        reason=f"Ký ban hành văn bản số {document.number_notation}",
        location=_place(document),
    )


def outgoing_device_signed(prepared: Any, signed_pdf: bytes) -> None:
    """Store the verified PDF the leader signed with his device and mark the document signed
    (runs in the signing app's completing transaction)."""
    when = timezone.now()
    actor = prepared.official
    document = _lock_outgoing(OutgoingDocument.objects.get(pk=int(prepared.target_id)))
    workflow.outgoing_target(document.status, OutgoingAction.SIGN)
    if not perms.can_sign(actor, document) or document.signed_at is not None:
        raise _deny("Văn bản không còn chờ lãnh đạo này ký số.")
    if not bytes(prepared.prepared_pdf).startswith(_pdf_of(document)):
        raise DomainError(
            "Bản PDF của văn bản đã thay đổi sau khi chuẩn bị ký; vui lòng ký lại.",
            code="pdf_changed",
            status_code=409,
        )
    document.pdf_file.save(f"{document.number:02d}-ky.pdf", ContentFile(signed_pdf), save=False)
    document.signed_at = when
    with audit_actor(actor):
        _move_outgoing(
            document,
            OutgoingAction.SIGN,
            actor=actor,
            note="Ký số cá nhân bằng thiết bị ký của lãnh đạo (USB token).",
            at=when,
            fields=["pdf_file", "signed_at"],
        )


@transaction.atomic
def outgoing_dispatch(
    *,
    actor: User,
    document: OutgoingDocument,
    recipients: Sequence[RecipientInput] | None = None,
    at: dt.datetime | None = None,
) -> OutgoingDocument:
    """The clerk adds the organisation's signature (seal) and sends to every recipient:
    organisations of this deployment receive it at once (status 01)."""
    when = _now(at)
    document = _lock_outgoing(document)
    workflow.outgoing_target(document.status, OutgoingAction.DISPATCH)
    if not perms.can_issue(actor, document):
        raise _deny("Chỉ văn thư của cơ quan ban hành được phát hành văn bản.")
    if document.status == OutgoingStatus.ISSUED and document.is_electronic:
        raise DomainError(
            "Văn bản điện tử phải được lãnh đạo ký số trước khi phát hành.", code="not_signed"
        )
    if recipients is not None:
        _set_recipients(document, recipients)
    if not document.recipients.exists():
        raise DomainError("Văn bản chưa có nơi nhận.", code="no_recipients")
    fields = []
    pdf: bytes | None = None
    if document.is_electronic:
        pdf = signing.sign_organisation(
            pdf=_pdf_of(document),
            organisation=document.organisation,
            reason=f"Phát hành văn bản số {document.number_notation}",
            location=_place(document),
        )
        document.pdf_file.save(f"{document.number:02d}-phat-hanh.pdf", ContentFile(pdf), save=False)
        document.sealed_at = when
        fields += ["pdf_file", "sealed_at"]
    elif document.pdf_file:
        pdf = files.read_field(document.pdf_file)
    document.sent_at = when
    fields.append("sent_at")
    with audit_actor(actor):
        _move_outgoing(
            document,
            OutgoingAction.DISPATCH,
            actor=actor,
            note="Phát hành đến " + ", ".join(r.name for r in document.recipients.all()),
            at=when,
            fields=fields,
        )
        exchange.deliver(
            outgoing=document,
            actor=actor,
            pdf=pdf,
            pdf_name=f"{document.number_notation.replace('/', '-')}.pdf",
            at=when,
        )
    return document


@transaction.atomic
def outgoing_revoke(
    *, actor: User, document: OutgoingDocument, reason: str, at: dt.datetime | None = None
) -> OutgoingDocument:
    """Revoke a sent document: business type 1 to every recipient."""
    when = _now(at)
    document = _lock_outgoing(document)
    workflow.outgoing_target(document.status, OutgoingAction.REVOKE)
    if not perms.can_revoke(actor, document):
        raise _deny("Chỉ văn thư, lãnh đạo cơ quan ban hành được thu hồi văn bản.")
    document.revoke_reason = _text(reason, label="lý do thu hồi", required=True, limit=MAX_REASON)
    document.revoked_at = when
    with audit_actor(actor):
        _move_outgoing(
            document,
            OutgoingAction.REVOKE,
            actor=actor,
            note=document.revoke_reason,
            at=when,
            fields=["revoke_reason", "revoked_at"],
        )
        exchange.revoke_messages(
            outgoing=document, actor=actor, reason=document.revoke_reason, at=when
        )
    return document
