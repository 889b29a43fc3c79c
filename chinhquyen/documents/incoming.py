"""Incoming documents (văn bản đến): registration, acceptance or return, submission to a leader,
assignment with its tasks (lead, coordinate, for information), completion and added files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from auditlog.models import LogEntry
from django.db import transaction

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor
from chinhquyen.orgs.models import Organisation

from . import exchange, files, numbering, signing, workflow
from . import permissions as perms
from .handling import (
    MAX_REASON,
    MAX_SUMMARY,
    _choice,
    _deny,
    _local_date,
    _lock_incoming,
    _move_incoming,
    _now,
    _store_incoming_file,
    _text,
    _works_under,
)
from .history import incoming_search_text, record_event
from .models import (
    Assignment,
    AssignmentRole,
    DocumentType,
    IncomingDocument,
    IncomingFile,
    IncomingStatus,
    OutgoingDocument,
    RegisterKind,
    Secrecy,
    StatusCode,
    Task,
    TaskStatus,
    Urgency,
)
from .workflow import IncomingAction


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
