"""Every write to official documents. Keyword-only, typed, one transaction, attributed.

Each service locks the document row (``select_for_update``), checks the actor's right
(``permissions``; ``PermissionDenied`` otherwise) and the transition (``workflow``;
``DomainError`` 409 otherwise), writes, appends a ``DocumentEvent`` and, for documents that
came through the exchange, reports the recipient-side status (``exchange``).

Numbers: an incoming document gets its number (số đến) when it is registered, an outgoing
document its number and date when the clerk issues it — both from ``numbering.next_number`` in
the same transaction, so a failure anywhere gives the number back.

Lock order, everywhere: the outgoing document, then incoming documents, then exchange messages
by id, then the register counter — always last, just before the commit.
Every service takes ``at`` (default now) for imports, the demo and tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from chinhquyen.accounts.models import Position, User
from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor
from chinhquyen.core.calendar import VN_TZ
from chinhquyen.core.pdf import render_pdf
from chinhquyen.orgs.models import Organisation

from . import exchange, files, layout, numbering, signing, workflow
from . import permissions as perms
from .history import incoming_search_text, outgoing_search_text, record_event
from .models import (
    ApprovalStep,
    Assignment,
    AssignmentRole,
    DocumentType,
    IncomingDocument,
    IncomingFile,
    IncomingStatus,
    OutgoingDocument,
    OutgoingRecipient,
    OutgoingStatus,
    RegisterKind,
    ReviewDecision,
    Secrecy,
    StatusCode,
    Task,
    TaskStatus,
    Urgency,
)
from .workflow import IncomingAction, OutgoingAction

MAX_SUMMARY = 2000
MAX_TEXT = 20000
MAX_REASON = 4000


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _local_date(at: dt.datetime) -> dt.date:
    return at.astimezone(VN_TZ).date()


def _text(value: str | None, *, label: str, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"Vui lòng nhập {label}.", code="required")
    if len(text) > limit:
        raise DomainError(f"{label.capitalize()} dài quá {limit} ký tự.", code="too_long")
    return text


def _choice(value: str, choices: type[Urgency] | type[Secrecy], label: str) -> str:
    if value not in choices.values:
        raise DomainError(f"{label} không hợp lệ.", code="invalid_choice")
    return value


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _lock_incoming(document: IncomingDocument) -> IncomingDocument:
    return (
        IncomingDocument.objects.select_for_update(of=("self",))
        .select_related("organisation", "document_type")
        .get(pk=document.pk)
    )


def _lock_outgoing(document: OutgoingDocument) -> OutgoingDocument:
    return (
        OutgoingDocument.objects.select_for_update(of=("self",))
        .select_related("organisation", "drafting_unit", "document_type")
        .get(pk=document.pk)
    )


def _move_incoming(
    document: IncomingDocument,
    action: str,
    *,
    actor: User | None,
    note: str = "",
    at: dt.datetime,
    fields: Iterable[str] = (),
) -> str:
    """Apply a transition of the incoming table, save ``fields`` and write the event."""
    before = document.status
    document.status = workflow.incoming_target(before, action)
    document.search_text = incoming_search_text(document)
    document.save(update_fields=["status", "search_text", "updated_at", *fields])
    record_event(
        document=document,
        action=action,
        actor=actor,
        from_status=before,
        to_status=document.status,
        note=note,
        at=at,
    )
    return before


def _move_outgoing(
    document: OutgoingDocument,
    action: str,
    *,
    actor: User | None,
    note: str = "",
    at: dt.datetime,
    fields: Iterable[str] = (),
) -> str:
    before = document.status
    document.status = workflow.outgoing_target(before, action)
    document.search_text = outgoing_search_text(document)
    document.save(update_fields=["status", "search_text", "updated_at", *fields])
    record_event(
        document=document,
        action=action,
        actor=actor,
        from_status=before,
        to_status=document.status,
        note=note,
        at=at,
    )
    return before


def _store_incoming_file(
    document: IncomingDocument, checked: files.CheckedFile, *, is_main: bool
) -> IncomingFile:
    row = IncomingFile(
        document=document,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        is_main=is_main,
    )
    row.file.save(checked.name, checked.django_file(), save=False)
    row.save()
    return row


def _works_under(user: User, unit: Organisation) -> bool:
    return any(
        p.unit.path.startswith(unit.path)
        for p in Position.objects.active().filter(user=user).select_related("unit")
    )


# --------------------------------------------------------------------------------------------
# Incoming documents
# --------------------------------------------------------------------------------------------


@transaction.atomic
def incoming_register(
    *,
    actor: User,
    organisation: Organisation,
    summary: str,
    sender_name: str = "",
    sender_organisation: Organisation | None = None,
    number_notation: str = "",
    document_date: dt.date | None = None,
    document_type: DocumentType | None = None,
    urgency: str = Urgency.NORMAL,
    secrecy: str = Secrecy.NORMAL,
    pages: int | None = None,
    signer_name: str = "",
    is_electronic: bool = False,
    uploads: Sequence[Any] = (),
    deadline: dt.date | None = None,
    note: str = "",
    received_at: dt.datetime | None = None,
    at: dt.datetime | None = None,
) -> IncomingDocument:
    """Register a document received on paper or by e-mail: it gets its incoming number now.

    The first PDF among ``uploads`` is the main file: its text is kept for searching, and for
    an electronic document its signatures are verified (the result is stored; an invalid one
    can then be returned to the sender).
    """
    when = _now(at)
    if not perms.can_register(actor, organisation):
        raise _deny("Chỉ văn thư của cơ quan được vào sổ văn bản đến.")
    summary = _text(summary, label="trích yếu", required=True, limit=MAX_SUMMARY)
    sender_name = _text(sender_name, label="tên cơ quan gửi", limit=255)
    if sender_organisation is not None and not sender_name:
        sender_name = sender_organisation.name
    if not sender_name:
        raise DomainError("Vui lòng nhập tác giả (cơ quan gửi).", code="sender_required")
    received = received_at or when
    if received > when + dt.timedelta(minutes=5):
        raise DomainError("Ngày đến không được sau thời điểm hiện tại.", code="future_received")
    if document_date is not None and document_date > _local_date(received):
        raise DomainError("Ngày văn bản không được sau ngày đến.", code="document_date_after")
    if deadline is not None and deadline < _local_date(received):
        raise DomainError("Hạn xử lý không được trước ngày đến.", code="deadline_before")
    checked = [files.check_upload(u, allowed=files.INCOMING_TYPES) for u in uploads]
    document = IncomingDocument(
        organisation=organisation,
        received_at=received,
        sender_organisation=sender_organisation,
        sender_name=sender_name,
        sender_code=exchange.organ_id(sender_organisation) if sender_organisation else "",
        number_notation=_text(number_notation, label="số, ký hiệu", limit=100),
        document_date=document_date,
        document_type=document_type,
        summary=summary,
        urgency=_choice(urgency, Urgency, "Độ khẩn"),
        secrecy=_choice(secrecy, Secrecy, "Độ mật"),
        pages=pages,
        signer_name=_text(signer_name, label="người ký", limit=150),
        is_electronic=is_electronic,
        deadline=deadline,
        note=_text(note, label="ghi chú"),
        status=IncomingStatus.REGISTERED,
        registered_at=when,
        registered_by=actor,
    )
    main = next((c for c in checked if c.is_pdf), None)
    if main is not None:
        document.extracted_text = files.extract_text(main.content)
        if document.pages is None:
            document.pages = files.page_count(main.content)
        if is_electronic:
            document.signature_check = signing.verify(main.content)
    register = numbering.register_for(
        organisation=organisation,
        year=_local_date(when).year,
        kind=RegisterKind.INCOMING,
        sequence=numbering.sequence_for(secrecy=document.secrecy),
    )
    with audit_actor(actor):
        document.search_text = incoming_search_text(document)  # the number is put in front
        document.save()
        for item in checked:
            _store_incoming_file(document, item, is_main=item is main)
        # the number last: one statement takes it and stores it (numbering.take_number); the
        # counter row stays locked only for the audit and history rows and the commit
        numbering.take_number(
            register, document=document, field="incoming_number", prefix_search_text=True
        )
        LogEntry.objects.log_create(
            document,
            action=LogEntry.Action.UPDATE,
            changes={
                "register": ["None", str(register.pk)],
                "incoming_number": ["None", str(document.incoming_number)],
            },
        )
        record_event(
            document=document,
            action=IncomingAction.REGISTER,
            actor=actor,
            to_status=document.status,
            note=f"Số đến {document.incoming_number_display}.",
            at=when,
        )
    return document


@transaction.atomic
def incoming_accept(
    *, actor: User, document: IncomingDocument, at: dt.datetime | None = None
) -> IncomingDocument:
    """Register a document that arrived through the exchange (status 03 to its sender)."""
    when = _now(at)
    document = _lock_incoming(document)
    if not perms.can_clerk_incoming(actor, document):
        raise _deny("Chỉ văn thư của cơ quan nhận được vào sổ văn bản này.")
    workflow.incoming_target(document.status, IncomingAction.REGISTER)
    register = numbering.register_for(
        organisation=document.organisation,
        year=_local_date(when).year,
        kind=RegisterKind.INCOMING,
        sequence=numbering.sequence_for(secrecy=document.secrecy),
    )
    document.registered_at = when
    document.registered_by = actor
    with audit_actor(actor):
        exchange.feedback_for_incoming(
            document=document, code=StatusCode.ACCEPTED, actor=actor, at=when
        )
        # the number last: the counter row stays locked only until the commit
        document.register = register
        document.incoming_number = numbering.next_number(register)
        _move_incoming(
            document,
            IncomingAction.REGISTER,
            actor=actor,
            note=f"Số đến {document.incoming_number_display}.",
            at=when,
            fields=["register", "incoming_number", "registered_at", "registered_by"],
        )
    return document


@transaction.atomic
def incoming_return(
    *, actor: User, document: IncomingDocument, reason: str, at: dt.datetime | None = None
) -> IncomingDocument:
    """Return an invalid or misaddressed document to its sender (status 02 to the sender)."""
    when = _now(at)
    document = _lock_incoming(document)
    if not perms.can_clerk_incoming(actor, document):
        raise _deny("Chỉ văn thư của cơ quan nhận được trả lại văn bản.")
    document.return_reason = _text(reason, label="lý do trả lại", required=True, limit=MAX_REASON)
    with audit_actor(actor):
        _move_incoming(
            document,
            IncomingAction.RETURN,
            actor=actor,
            note=document.return_reason,
            at=when,
            fields=["return_reason"],
        )
        exchange.feedback_for_incoming(
            document=document,
            code=StatusCode.REFUSED,
            actor=actor,
            description=document.return_reason,
            at=when,
        )
    return document


@transaction.atomic
def incoming_submit(
    *,
    actor: User,
    document: IncomingDocument,
    leader: User,
    note: str = "",
    at: dt.datetime | None = None,
) -> IncomingDocument:
    """The clerk submits the document to a leader of the organisation."""
    when = _now(at)
    document = _lock_incoming(document)
    if not perms.can_clerk_incoming(actor, document):
        raise _deny("Chỉ văn thư của cơ quan được trình văn bản đến.")
    if not perms.is_leader_of(leader, document.organisation):
        raise DomainError(
            "Người được trình phải là lãnh đạo của cơ quan nhận văn bản.", code="not_a_leader"
        )
    document.submitted_to = leader
    document.submitted_at = when
    with audit_actor(actor):
        _move_incoming(
            document,
            IncomingAction.SUBMIT,
            actor=actor,
            note=_text(note, label="ghi chú") or f"Trình {leader}.",
            at=when,
            fields=["submitted_to", "submitted_at"],
        )
    return document


@transaction.atomic
def incoming_assign(
    *,
    actor: User,
    document: IncomingDocument,
    lead_unit: Organisation,
    coordinate_units: Sequence[Organisation] = (),
    inform_units: Sequence[Organisation] = (),
    deadline: dt.date | None = None,
    instructions: str = "",
    assignee: User | None = None,
    at: dt.datetime | None = None,
) -> IncomingDocument:
    """The leader assigns a lead unit, coordinating units and units for information, and may
    name the official who handles it (a task for him in the lead or a coordinating unit, with
    the leader's instructions and deadline)."""
    when = _now(at)
    document = _lock_incoming(document)
    if not perms.can_assign(actor, document):
        raise _deny("Chỉ lãnh đạo cơ quan được phân công xử lý văn bản đến.")
    roles: list[tuple[Organisation, str]] = [(lead_unit, AssignmentRole.LEAD)]
    roles += [(u, AssignmentRole.COORDINATE) for u in coordinate_units]
    roles += [(u, AssignmentRole.INFORM) for u in inform_units]
    seen: set[int] = set()
    for unit, _role in roles:
        if unit.pk in seen:
            raise DomainError(
                f"Đơn vị «{unit}» được chọn nhiều lần: mỗi đơn vị chỉ một vai trò.",
                code="duplicate_unit",
            )
        seen.add(unit.pk)
        if not unit.path.startswith(document.organisation.path):
            raise DomainError(
                f"Đơn vị «{unit}» không thuộc {document.organisation}.", code="unit_out_of_scope"
            )
    if deadline is not None and deadline < _local_date(when):
        raise DomainError("Hạn xử lý không được trước hôm nay.", code="deadline_past")
    task_unit: Organisation | None = None
    if assignee is not None:
        task_unit = next(
            (u for u, r in roles if r != AssignmentRole.INFORM and _works_under(assignee, u)),
            None,
        )
        if task_unit is None:
            raise DomainError(
                f"{assignee} không công tác tại đơn vị xử lý chính hoặc phối hợp.",
                code="assignee_out_of_unit",
            )
    first_time = document.status in (IncomingStatus.REGISTERED, IncomingStatus.SUBMITTED)
    workflow.incoming_target(document.status, IncomingAction.ASSIGN)
    document.deadline = deadline
    document.instructions = _text(instructions, label="ý kiến chỉ đạo")
    document.assigned_by = actor
    document.assigned_at = when
    with audit_actor(actor):
        Assignment.objects.filter(document=document, active=True).update(active=False)
        Assignment.objects.bulk_create(
            [
                Assignment(
                    document=document,
                    unit=unit,
                    role=role,
                    deadline=deadline if role != AssignmentRole.INFORM else None,
                    instructions=document.instructions,
                    assigned_by=actor,
                    assigned_at=when,
                )
                for unit, role in roles
            ]
        )
        names = ", ".join(f"{AssignmentRole(r).label}: {u}" for u, r in roles)
        _move_incoming(
            document,
            IncomingAction.ASSIGN,
            actor=actor,
            note=names,
            at=when,
            fields=["deadline", "instructions", "assigned_by", "assigned_at"],
        )
        if first_time:
            exchange.feedback_for_incoming(
                document=document, code=StatusCode.ASSIGNED, actor=actor, at=when
            )
        if assignee is not None and task_unit is not None:
            _named_task(document, actor=actor, assignee=assignee, unit=task_unit, at=when)
    return document


def _named_task(
    document: IncomingDocument, *, actor: User, assignee: User, unit: Organisation, at: dt.datetime
) -> Task:
    """The official the leader named: his task carries the leader's instructions."""
    assignment = Assignment.objects.filter(document=document, unit=unit, active=True).first()
    return _add_task(
        document,
        assignment=assignment,
        unit=unit,
        assignee=assignee,
        actor=actor,
        due=document.deadline,
        instructions=document.instructions,
        at=at,
    )


def _add_task(
    document: IncomingDocument,
    *,
    assignment: Assignment | None,
    unit: Organisation,
    assignee: User,
    actor: User,
    due: dt.date | None,
    instructions: str,
    at: dt.datetime,
) -> Task:
    """The task row, and the document in progress (status 05 to the sender) at the first."""
    task = Task.objects.create(
        document=document,
        assignment=assignment,
        unit=unit,
        assignee=assignee,
        assigned_by=actor,
        due=due,
        instructions=instructions,
        created_at=at,
    )
    note = f"Giao {assignee} xử lý" + (f", hạn {due:%d/%m/%Y}." if due else ".")
    if document.status == IncomingStatus.ASSIGNED:
        _move_incoming(document, IncomingAction.START, actor=actor, note=note, at=at)
        exchange.feedback_for_incoming(
            document=document, code=StatusCode.IN_PROGRESS, actor=actor, at=at
        )
    else:
        record_event(document=document, action="task", actor=actor, note=note, at=at)
    return task


@transaction.atomic
def task_create(
    *,
    actor: User,
    document: IncomingDocument,
    assignee: User,
    unit: Organisation | None = None,
    due: dt.date | None = None,
    instructions: str = "",
    at: dt.datetime | None = None,
) -> Task:
    """A unit head passes the work on ``document`` to an official of his unit."""
    when = _now(at)
    document = _lock_incoming(document)
    if document.status not in (IncomingStatus.ASSIGNED, IncomingStatus.IN_PROGRESS):
        raise DomainError(
            "Chỉ giao việc cho văn bản đã được phân công, chưa kết thúc.",
            code="invalid_transition",
            status_code=409,
        )
    assignments = perms.assigned_units(document)
    if unit is None:
        # the assigned unit the actor heads and the assignee works in, the lead one first
        candidates = sorted(
            (a for a in assignments if perms.heads_unit(actor, a.unit)),
            key=lambda a: (not _works_under(assignee, a.unit), a.role != AssignmentRole.LEAD),
        )
        if not candidates:
            raise _deny("Bạn không phụ trách đơn vị nào được phân công xử lý văn bản này.")
        unit = candidates[0].unit
    if not perms.can_create_task(actor, document, unit):
        raise _deny("Bạn không phụ trách đơn vị được phân công xử lý văn bản này.")
    if not _works_under(assignee, unit):
        raise DomainError(f"{assignee} không công tác tại {unit}.", code="assignee_out_of_unit")
    if due is not None and due < _local_date(when):
        raise DomainError("Hạn xử lý không được trước hôm nay.", code="due_past")
    assignment = next((a for a in assignments if unit.path.startswith(a.unit.path)), None)
    with audit_actor(actor):
        task = _add_task(
            document,
            assignment=assignment,
            unit=unit,
            assignee=assignee,
            actor=actor,
            due=due,
            instructions=_text(instructions, label="nội dung giao việc"),
            at=when,
        )
    return task


def _lock_task(task: Task) -> Task:
    return Task.objects.select_for_update().select_related("document").get(pk=task.pk)


@transaction.atomic
def task_start(*, actor: User, task: Task, at: dt.datetime | None = None) -> Task:
    task = _lock_task(task)
    if not perms.can_update_task(actor, task):
        raise _deny("Chỉ người được giao việc được cập nhật việc này.")
    if task.status != TaskStatus.OPEN:
        raise DomainError(
            "Việc này không ở trạng thái chưa xử lý.", code="invalid_transition", status_code=409
        )
    task.status = TaskStatus.IN_PROGRESS
    with audit_actor(actor):
        task.save(update_fields=["status"])
    return task


@transaction.atomic
def task_complete(
    *, actor: User, task: Task, result: str = "", at: dt.datetime | None = None
) -> Task:
    when = _now(at)
    task = _lock_task(task)
    if not perms.can_update_task(actor, task):
        raise _deny("Chỉ người được giao việc được cập nhật việc này.")
    if task.status not in (TaskStatus.OPEN, TaskStatus.IN_PROGRESS):
        raise DomainError("Việc này đã kết thúc.", code="invalid_transition", status_code=409)
    task.status = TaskStatus.DONE
    task.result = _text(result, label="kết quả")
    task.completed_at = when
    with audit_actor(actor):
        task.save(update_fields=["status", "result", "completed_at"])
        record_event(
            document=task.document,
            action="task_done",
            actor=actor,
            note=task.result or "Đã xử lý xong phần việc được giao.",
            at=when,
        )
    return task


@transaction.atomic
def incoming_complete(
    *,
    actor: User,
    document: IncomingDocument,
    reply: OutgoingDocument | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> IncomingDocument:
    """End the handling (status 06 to the sender); open tasks are closed as cancelled."""
    when = _now(at)
    document = _lock_incoming(document)
    if not perms.can_complete(actor, document):
        raise _deny("Chỉ lãnh đạo cơ quan hoặc lãnh đạo đơn vị xử lý chính được kết thúc.")
    if reply is not None and (
        reply.organisation_id != document.organisation_id
        or not perms.can_view_outgoing(actor, reply)
    ):
        raise DomainError(
            "Văn bản trả lời phải là văn bản đi của cùng cơ quan.", code="invalid_reply"
        )
    document.reply = reply
    document.completion_note = _text(note, label="kết quả xử lý")
    document.completed_at = when
    document.completed_by = actor
    with audit_actor(actor):
        Task.objects.filter(
            document=document, status__in=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS]
        ).update(status=TaskStatus.CANCELLED, completed_at=when)
        text = document.completion_note or "Kết thúc xử lý."
        if reply is not None:
            text += f" Văn bản trả lời: {reply.number_notation or reply.summary[:80]}."
        _move_incoming(
            document,
            IncomingAction.COMPLETE,
            actor=actor,
            note=text,
            at=when,
            fields=["reply", "completion_note", "completed_at", "completed_by"],
        )
        exchange.feedback_for_incoming(
            document=document, code=StatusCode.COMPLETED, actor=actor, at=when
        )
    return document


@transaction.atomic
def incoming_add_file(*, actor: User, document: IncomingDocument, upload: Any) -> IncomingFile:
    """The clerk adds a scan or an attachment to a registered document."""
    document = _lock_incoming(document)
    if not perms.can_clerk_incoming(actor, document):
        raise _deny("Chỉ văn thư của cơ quan được bổ sung tệp.")
    checked = files.check_upload(upload, allowed=files.INCOMING_TYPES)
    is_main = checked.is_pdf and not document.files.filter(is_main=True).exists()
    with audit_actor(actor):
        row = _store_incoming_file(document, checked, is_main=is_main)
        if is_main:
            document.extracted_text = files.extract_text(checked.content)
            if document.is_electronic:
                document.signature_check = signing.verify(checked.content)
            document.search_text = incoming_search_text(document)
            document.save(
                update_fields=["extracted_text", "signature_check", "search_text", "updated_at"]
            )
    return row


# --------------------------------------------------------------------------------------------
# Outgoing documents
# --------------------------------------------------------------------------------------------


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
