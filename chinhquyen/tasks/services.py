"""Every write of the tasks app: keyword-only, typed, one transaction, its own history row.

Each service locks the task row, checks the transition in ``workflow``, checks who acts in
``permissions``, changes the task and writes a ``TaskEvent``. Errors are Vietnamese
``DomainError`` (HTTP 400/403/409).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from chinhquyen.accounts.models import Role, User
from chinhquyen.accounts.permissions import has_role_in
from chinhquyen.core.api import DomainError
from chinhquyen.core.text import normalize_search
from chinhquyen.documents.files import check_upload
from chinhquyen.documents.models import IncomingDocument, OutgoingDocument, OutgoingStatus
from chinhquyen.orgs.models import Organisation

from . import deadlines, permissions
from .models import (
    DeadlineKind,
    Directive,
    ExtensionRequest,
    ExtensionStatus,
    Priority,
    SourceKind,
    Task,
    TaskEvent,
    TaskReport,
    TaskReportFile,
    TaskStatus,
)
from .workflow import Action, target

REPORT_FILE_TYPES = frozenset({"pdf", "docx", "xlsx", "jpg", "png"})
MAX_REPORT_FILES = 5
EVIDENCE_STATUSES = (OutgoingStatus.ISSUED, OutgoingStatus.SIGNED, OutgoingStatus.SENT)


def _forbidden(message: str = "Bạn không có quyền thực hiện thao tác này.") -> DomainError:
    return DomainError(message, code="forbidden", status_code=403)


def _record(
    task: Task,
    *,
    action: str,
    actor: User | None,
    from_status: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> TaskEvent:
    return TaskEvent.objects.create(
        task=task,
        action=action,
        from_status=from_status,
        to_status=task.status,
        actor=actor,
        note=note,
        data=data or {},
    )


def _locked(task: Task) -> Task:
    return Task.objects.select_for_update().select_related("lead_unit").get(pk=task.pk)


def _visible_or_404(actor: User, task: Task) -> None:
    if not permissions.can_view(actor, task):
        raise DomainError("Không tìm thấy nhiệm vụ.", code="not_found", status_code=404)


@dataclass
class TaskSpec:
    """One task of a directive being created."""

    content: str
    lead_unit: Organisation
    coordinating_units: Sequence[Organisation] = ()
    deadline_kind: str = DeadlineKind.DATE
    deadline: dt.date | None = None
    working_days: int | None = None
    recurrence: str = ""
    priority: str = Priority.NORMAL
    confidential: bool = False
    named_people: Sequence[User] = field(default_factory=list)


def _resolve_deadline(spec: TaskSpec, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """``(deadline, legal due)`` of a spec."""
    if spec.deadline_kind == DeadlineKind.DATE:
        if spec.deadline is None:
            raise DomainError("Chưa nhập thời hạn.", code="deadline_required")
        if spec.deadline < today:
            raise DomainError("Thời hạn không được trước ngày giao.", code="deadline_in_past")
        return spec.deadline, deadlines.legal_due(spec.deadline)
    if spec.deadline_kind == DeadlineKind.WORKING_DAYS:
        if not spec.working_days:
            raise DomainError("Chưa nhập số ngày làm việc.", code="working_days_required")
        due = deadlines.due_after_working_days(today, spec.working_days)
        return due, due
    if spec.deadline_kind == DeadlineKind.RECURRING:
        return None, deadlines.recurring_due(spec.recurrence, start=today)
    raise DomainError("Loại thời hạn không hợp lệ.", code="invalid_deadline_kind")


def _make_task(
    *,
    directive: Directive,
    spec: TaskSpec,
    assigner: User,
    assigner_unit: Organisation,
    parent: Task | None = None,
    assignee: User | None = None,
    today: dt.date,
) -> Task:
    content = (spec.content or "").strip()
    if not content:
        raise DomainError("Chưa nhập nội dung nhiệm vụ.", code="content_required")
    if spec.priority not in Priority.values:
        raise DomainError("Mức độ không hợp lệ.", code="invalid_priority")
    deadline, due = _resolve_deadline(spec, today)
    task = Task.objects.create(
        directive=directive,
        parent=parent,
        content=content,
        assigner=assigner,
        assigner_unit=assigner_unit,
        lead_unit=spec.lead_unit,
        assignee=assignee,
        deadline_kind=spec.deadline_kind,
        working_days=spec.working_days if spec.deadline_kind == DeadlineKind.WORKING_DAYS else None,
        recurrence=spec.recurrence if spec.deadline_kind == DeadlineKind.RECURRING else "",
        deadline=deadline,
        due=due,
        original_due=due,
        priority=spec.priority,
        confidential=spec.confidential,
        search_text=normalize_search(f"{content} {directive.title} {directive.source_reference}"),
    )
    coordinating = [u for u in spec.coordinating_units if u.pk != spec.lead_unit.pk]
    if coordinating:
        task.coordinating_units.set(coordinating)
    if spec.confidential:
        people = {p.pk: p for p in spec.named_people}
        for person in (assigner, assignee):
            if person is not None:
                people.setdefault(person.pk, person)
        task.named_people.set(list(people.values()))
    _record(
        task,
        action=Action.CREATE if parent is None else Action.DELEGATE,
        actor=assigner,
        from_status="",
        data={"lead_unit": spec.lead_unit.pk, "due": due.isoformat() if due else None},
    )
    return task


@transaction.atomic
def directive_create(
    *,
    actor: User,
    title: str,
    source_kind: str,
    tasks: Sequence[TaskSpec],
    incoming: IncomingDocument | None = None,
    outgoing: OutgoingDocument | None = None,
    source_reference: str = "",
    today: dt.date | None = None,
) -> Directive:
    """A leader's directive and its tasks (at least one), each led by a unit of his scope."""
    organisation = permissions.assigning_unit(actor)
    if organisation is None:
        raise _forbidden("Chỉ lãnh đạo mới giao nhiệm vụ.")
    title = (title or "").strip()
    if not title:
        raise DomainError("Chưa nhập trích yếu chỉ đạo.", code="title_required")
    if source_kind not in SourceKind.values:
        raise DomainError("Nguồn chỉ đạo không hợp lệ.", code="invalid_source")
    if source_kind == SourceKind.DOCUMENT and incoming is None and outgoing is None:
        raise DomainError("Chọn văn bản chỉ đạo làm nguồn.", code="document_required")
    if not tasks:
        raise DomainError("Chỉ đạo phải có ít nhất một nhiệm vụ.", code="tasks_required")
    for spec in tasks:
        for unit in [spec.lead_unit, *spec.coordinating_units]:
            if not permissions.can_assign(actor, unit):
                raise _forbidden(f"Đơn vị «{unit}» không thuộc phạm vi bạn được giao nhiệm vụ.")
    day = today or timezone.localdate()
    directive = Directive.objects.create(
        title=title,
        source_kind=source_kind,
        incoming=incoming,
        outgoing=outgoing,
        source_reference=(source_reference or "").strip()[:255],
        organisation=organisation,
        issued_by=actor,
        issued_on=day,
    )
    for spec in tasks:
        _make_task(
            directive=directive, spec=spec, assigner=actor, assigner_unit=organisation, today=day
        )
    return directive


@transaction.atomic
def task_delegate(
    *,
    actor: User,
    task: Task,
    content: str,
    unit: Organisation | None = None,
    assignee: User | None = None,
    deadline: dt.date | None = None,
    today: dt.date | None = None,
) -> Task:
    """Delegate part of ``task`` down the lead unit's own subtree: to a unit below it, or to a
    specialist of the lead unit or below. The sub-task is due no later than the task."""
    _visible_or_404(actor, task)
    task = _locked(task)
    target(task.status, Action.DELEGATE)
    if not permissions.can_delegate(actor, task):
        raise _forbidden("Chỉ lãnh đạo đơn vị chủ trì mới giao tiếp nhiệm vụ.")
    if unit is None and assignee is None:
        raise DomainError("Chọn đơn vị hoặc chuyên viên nhận nhiệm vụ.", code="target_required")
    lead_path = task.lead_unit.path
    if unit is not None and (unit.pk == task.lead_unit_id or not unit.path.startswith(lead_path)):
        raise DomainError(
            "Chỉ giao tiếp cho đơn vị trực thuộc đơn vị chủ trì.", code="outside_subtree"
        )
    if assignee is not None:
        where = unit or task.lead_unit
        if not has_role_in_subtree(assignee, where):
            raise DomainError(
                "Chuyên viên không công tác tại đơn vị nhận nhiệm vụ.", code="outside_subtree"
            )
    day = today or timezone.localdate()
    if task.recurrence:
        spec = TaskSpec(
            content=content,
            lead_unit=unit or task.lead_unit,
            deadline_kind=DeadlineKind.RECURRING,
            recurrence=task.recurrence,
            priority=task.priority,
            confidential=task.confidential,
        )
    else:
        spec = TaskSpec(
            content=content,
            lead_unit=unit or task.lead_unit,
            deadline=deadline or task.deadline,
            priority=task.priority,
            confidential=task.confidential,
        )
        late = spec.deadline is not None and task.due is not None
        if late and deadlines.legal_due(spec.deadline) > task.due:  # type: ignore[arg-type,operator]
            raise DomainError(
                "Hạn của nhiệm vụ giao tiếp không được sau hạn của nhiệm vụ gốc.",
                code="deadline_after_parent",
            )
    if task.confidential:
        # the people named on the task, and the heads of the unit that receives the sub-task
        spec.named_people = list(task.named_people.all())
        if unit is not None:
            spec.named_people += unit_heads(unit)
    sub = _make_task(
        directive=task.directive,
        spec=spec,
        assigner=actor,
        assigner_unit=task.lead_unit,
        parent=task,
        assignee=assignee,
        today=day,
    )
    _record(
        task,
        action=Action.DELEGATE,
        actor=actor,
        from_status=task.status,
        note=sub.content[:500],
        data={"sub_task": sub.pk},
    )
    return sub


def has_role_in_subtree(user: User, unit: Organisation) -> bool:
    """Whether ``user`` holds any active position in ``unit`` or below it."""
    from chinhquyen.accounts.models import Position

    return (
        Position.objects.active()
        .filter(user=user, unit__path__startswith=unit.path, user__is_active=True)
        .exists()
    )


def _rollup(task: Task) -> None:
    """Recompute the progress of the ancestors of ``task``: the mean of their sub-tasks
    (a completed sub-task counts 100), never below their own latest report."""
    parent_id = task.parent_id
    while parent_id is not None:
        parent = Task.objects.select_for_update().get(pk=parent_id)
        children = list(
            parent.children.exclude(status=TaskStatus.CANCELLED).values_list("status", "progress")
        )
        if children:
            mean = round(
                sum(100 if s == TaskStatus.COMPLETED else p for s, p in children) / len(children)
            )
            own = (
                parent.reports.order_by("-created_at", "-pk")
                .values_list("percent", flat=True)
                .first()
            ) or 0
            new = max(mean, own)
            if parent.status == TaskStatus.COMPLETED:
                new = 100
            if new != parent.progress:
                Task.objects.filter(pk=parent.pk).update(progress=new)
        parent_id = parent.parent_id


@transaction.atomic
def task_report(
    *,
    actor: User,
    task: Task,
    percent: int,
    text: str,
    files: Sequence[Any] = (),
    period_end: dt.date | None = None,
    today: dt.date | None = None,
) -> TaskReport:
    """A progress report; attachments are checked by content like every upload."""
    _visible_or_404(actor, task)
    task = _locked(task)
    new_status = target(task.status, Action.REPORT)
    if not permissions.can_work(actor, task):
        raise _forbidden("Chỉ đơn vị chủ trì hoặc chuyên viên được giao mới báo cáo tiến độ.")
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        raise DomainError("Tiến độ phải từ 0 đến 100%.", code="invalid_percent")
    text = (text or "").strip()
    if not text:
        raise DomainError("Chưa nhập nội dung báo cáo.", code="text_required")
    if len(files) > MAX_REPORT_FILES:
        raise DomainError(
            f"Tối đa {MAX_REPORT_FILES} tệp đính kèm mỗi báo cáo.", code="too_many_files"
        )
    checked = [check_upload(f, allowed=REPORT_FILE_TYPES) for f in files]
    day = today or timezone.localdate()
    if task.recurrence:
        period_end = deadlines.period_end_for(task.recurrence, period_end or day)
    else:
        period_end = None
    report = TaskReport.objects.create(
        task=task,
        author=actor,
        percent=percent,
        text=text,
        period_end=period_end,
        reported_on=day,
    )
    for item in checked:
        TaskReportFile.objects.create(
            report=report,
            file=item.django_file(),
            name=item.name,
            content_type=item.content_type,
            size=item.size,
        )
    from_status = task.status
    task.status = new_status
    task.progress = max(percent, _children_mean(task))
    if task.recurrence:
        ends = [
            end
            for end in task.reports.exclude(period_end=None).values_list("period_end", flat=True)
            if end is not None
        ]
        task.due = task.original_due = deadlines.recurring_due(
            task.recurrence, start=timezone.localdate(task.created_at), reported_ends=ends
        )
    task.save(update_fields=["status", "progress", "due", "original_due", "updated_at"])
    _record(
        task,
        action=Action.REPORT,
        actor=actor,
        from_status=from_status,
        note=text[:1000],
        data={"percent": percent, "report": report.pk, "files": len(checked)},
    )
    _rollup(task)
    return report


def _children_mean(task: Task) -> int:
    rows = list(
        task.children.exclude(status=TaskStatus.CANCELLED).values_list("status", "progress")
    )
    if not rows:
        return 0
    return round(sum(100 if s == TaskStatus.COMPLETED else p for s, p in rows) / len(rows))


@transaction.atomic
def task_complete(
    *,
    actor: User,
    task: Task,
    note: str = "",
    outgoing: OutgoingDocument | None = None,
    report: TaskReport | None = None,
    today: dt.date | None = None,
) -> Task:
    """Report completion with evidence (an issued outgoing document or a report of this task);
    the assigner then accepts or returns it."""
    _visible_or_404(actor, task)
    task = _locked(task)
    new_status = target(task.status, Action.COMPLETE)
    if not permissions.can_work(actor, task):
        raise _forbidden("Chỉ đơn vị chủ trì hoặc chuyên viên được giao mới báo cáo hoàn thành.")
    if outgoing is None and report is None:
        raise DomainError(
            "Báo cáo hoàn thành cần minh chứng: văn bản đi đã ban hành hoặc một báo cáo kết quả.",
            code="evidence_required",
        )
    if outgoing is not None and outgoing.status not in EVIDENCE_STATUSES:
        raise DomainError(
            "Văn bản minh chứng phải là văn bản đi đã được cấp số, ban hành.",
            code="evidence_not_issued",
        )
    if report is not None and report.task_id != task.pk:
        raise DomainError("Báo cáo minh chứng không thuộc nhiệm vụ này.", code="evidence_mismatch")
    open_children = task.children.filter(
        status__in=(TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED)
    ).count()
    if open_children:
        raise DomainError(
            f"Còn {open_children} nhiệm vụ giao tiếp chưa hoàn thành.", code="open_sub_tasks"
        )
    from_status = task.status
    task.status = new_status
    task.evidence_outgoing = outgoing
    task.evidence_report = report
    task.completed_on = today or timezone.localdate()
    task.completion_submitted_at = timezone.now()
    task.save()
    _record(
        task,
        action=Action.COMPLETE,
        actor=actor,
        from_status=from_status,
        note=(note or "").strip()[:1000],
        data={
            "outgoing": outgoing.pk if outgoing else None,
            "report": report.pk if report else None,
        },
    )
    return task


@transaction.atomic
def task_accept(*, actor: User, task: Task, note: str = "") -> Task:
    """The assigner confirms completion; the completion date stays the day it was reported."""
    _visible_or_404(actor, task)
    task = _locked(task)
    new_status = target(task.status, Action.ACCEPT)
    if not permissions.can_decide(actor, task):
        raise _forbidden("Chỉ người giao nhiệm vụ mới xác nhận hoàn thành.")
    from_status = task.status
    task.status = new_status
    task.progress = 100
    task.accepted_at = timezone.now()
    task.save()
    _record(task, action=Action.ACCEPT, actor=actor, from_status=from_status, note=note.strip())
    _rollup(task)
    return task


@transaction.atomic
def task_return(*, actor: User, task: Task, reason: str) -> Task:
    _visible_or_404(actor, task)
    task = _locked(task)
    new_status = target(task.status, Action.RETURN)
    if not permissions.can_decide(actor, task):
        raise _forbidden("Chỉ người giao nhiệm vụ mới trả lại nhiệm vụ.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Nhập lý do trả lại.", code="reason_required")
    from_status = task.status
    task.status = new_status
    task.completed_on = None
    task.completion_submitted_at = None
    task.evidence_outgoing = None
    task.evidence_report = None
    task.save()
    _record(task, action=Action.RETURN, actor=actor, from_status=from_status, note=reason)
    return task


@transaction.atomic
def extension_request(
    *, actor: User, task: Task, requested_deadline: dt.date, reason: str
) -> ExtensionRequest:
    _visible_or_404(actor, task)
    task = _locked(task)
    target(task.status, Action.REQUEST_EXTENSION)
    if not permissions.can_work(actor, task):
        raise _forbidden("Chỉ đơn vị chủ trì hoặc chuyên viên được giao mới xin gia hạn.")
    if task.recurrence or task.due is None:
        raise DomainError("Nhiệm vụ thường xuyên không có hạn để gia hạn.", code="no_deadline")
    if requested_deadline <= task.due:
        raise DomainError("Ngày xin gia hạn phải sau hạn hiện tại.", code="invalid_deadline")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Nhập lý do xin gia hạn.", code="reason_required")
    if task.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise DomainError(
            "Nhiệm vụ đã có một đề nghị gia hạn đang chờ.",
            code="extension_pending",
            status_code=409,
        )
    request = ExtensionRequest.objects.create(
        task=task, requested_by=actor, requested_deadline=requested_deadline, reason=reason
    )
    _record(
        task,
        action=Action.REQUEST_EXTENSION,
        actor=actor,
        from_status=task.status,
        note=reason,
        data={"extension": request.pk, "requested": requested_deadline.isoformat()},
    )
    return request


@transaction.atomic
def extension_decide(
    *,
    actor: User,
    request: ExtensionRequest,
    accept: bool,
    new_deadline: dt.date | None = None,
    note: str = "",
) -> ExtensionRequest:
    """The assigner accepts (with a new date, default the one asked) or refuses. An accepted
    extension moves ``due``; ``original_due`` keeps the first deadline for statistics."""
    task = request.task
    _visible_or_404(actor, task)
    task = _locked(task)
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    target(task.status, Action.DECIDE_EXTENSION)
    if not permissions.can_decide(actor, task):
        raise _forbidden("Chỉ người giao nhiệm vụ mới quyết định gia hạn.")
    if request.status != ExtensionStatus.PENDING:
        raise DomainError(
            "Đề nghị gia hạn này đã được quyết định.", code="already_decided", status_code=409
        )
    data: dict[str, Any] = {"extension": request.pk}
    if accept:
        chosen = new_deadline or request.requested_deadline
        if task.due is not None and chosen <= task.due:
            raise DomainError("Ngày gia hạn phải sau hạn hiện tại.", code="invalid_deadline")
        request.status = ExtensionStatus.ACCEPTED
        request.new_deadline = chosen
        old_due = task.due
        task.deadline = chosen
        task.due = deadlines.legal_due(chosen)
        task.save(update_fields=["deadline", "due", "updated_at"])
        data.update(
            {"from_due": old_due.isoformat() if old_due else None, "to_due": task.due.isoformat()}
        )
    else:
        request.status = ExtensionStatus.REFUSED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = (note or "").strip()
    request.save()
    _record(
        task,
        action=Action.DECIDE_EXTENSION,
        actor=actor,
        from_status=task.status,
        note=request.decision_note,
        data={**data, "accepted": accept},
    )
    return request


def unit_heads(unit: Organisation) -> list[User]:
    """The active leaders and heads of ``unit`` (escalation addressees, confidential sub-tasks)."""
    from chinhquyen.accounts.models import Position

    return list(
        User.objects.filter(
            pk__in=Position.objects.active()
            .filter(unit=unit, role__in=[Role.UNIT_HEAD, Role.LEADER])
            .values("user_id"),
            is_active=True,
        )
    )


__all__ = [
    "TaskSpec",
    "directive_create",
    "extension_decide",
    "extension_request",
    "has_role_in",
    "task_accept",
    "task_complete",
    "task_delegate",
    "task_report",
    "task_return",
    "unit_heads",
]
