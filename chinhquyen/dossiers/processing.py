"""Processing: transfer from the desk (one or many), assignment, the steps of the process,
submission for approval and sending back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from chinhquyen.accounts.models import Position, User
from chinhquyen.accounts.permissions import is_official
from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor
from chinhquyen.orgs.models import Organisation

from . import hooks, routing, workflow
from .models import (
    Dossier,
    DossierEvent,
    DossierStep,
    StepKind,
)
from .recording import _begin, _moment, _move_to, _open_step_row, _record, _text
from .workflow import Action


def _save(dossier: Dossier) -> None:
    dossier.save()


def _do_transfer(
    dossier: Dossier,
    *,
    actor: object,
    target: str,
    unit: Organisation | None,
    note: str,
    at: dt.datetime,
) -> DossierEvent:
    before = dossier.status
    plan = routing.plan_of(dossier.procedure_version)
    planned = routing.next_core(plan, dossier.current_step)
    row = _move_to(dossier, planned, actor=actor, at=at, unit=unit)
    dossier.status = target
    _save(dossier)
    event = _record(
        dossier,
        actor=actor,
        action=Action.TRANSFER,
        from_status=before,
        to_status=target,
        at=at,
        reason=note,
        data={"unit_id": row.unit_id, "step": row.name},
    )
    hooks.emit("transferred", dossier=dossier, event_id=event.pk, actor=actor, unit_id=row.unit_id)
    return event


@transaction.atomic
def dossier_transfer(
    *,
    actor: User,
    dossier: Dossier | int,
    unit: Organisation | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """The desk hands a received dossier to the unit of the first processing step (``unit``
    overrides the unit found from the process, inside the competent organisation)."""
    with audit_actor(actor):
        locked, _before, target = _begin(actor, dossier, Action.TRANSFER)
        moment = _moment(at, locked)
        _do_transfer(
            locked,
            actor=actor,
            target=target,
            unit=unit,
            note=_text(note, field="note", label="ghi chú", required=False),
            at=moment,
        )
        return locked


@transaction.atomic
def dossier_bulk_transfer(
    *,
    actor: User,
    dossiers: Iterable[Dossier | int],
    note: str = "",
    at: dt.datetime | None = None,
) -> list[Dossier]:
    """Transfer many dossiers in one transaction (all or none); rows are locked in id order."""
    ids = sorted({d.pk if isinstance(d, Dossier) else int(d) for d in dossiers})
    if not ids:
        raise DomainError("Chưa chọn hồ sơ nào.", code="empty_selection")
    if len(ids) > 500:
        raise DomainError("Mỗi lần chuyển tối đa 500 hồ sơ.", code="too_many_dossiers")
    text = _text(note, field="note", label="ghi chú", required=False)
    with audit_actor(actor):
        locked = list(
            Dossier.objects.select_for_update(of=("self",))
            .select_related(
                "procedure_version",
                "competent_organisation",
                "receiving_organisation",
                "current_step",
                "current_unit",
            )
            .filter(pk__in=ids)
            .order_by("pk")
        )
        if len(locked) != len(ids):
            raise DomainError(
                "Không tìm thấy một số hồ sơ đã chọn.", code="not_found", status_code=404
            )
        for item in locked:
            try:
                target = workflow.check(item, Action.TRANSFER, actor)
                problem = workflow.precondition(item, Action.TRANSFER)
                if problem:
                    raise DomainError(problem, code="precondition_failed")
            except DomainError as exc:
                raise DomainError(
                    f"Hồ sơ {item.code}: {exc.detail}",
                    code=exc.error_code,
                    status_code=exc.status_code,
                ) from None
            _do_transfer(
                item, actor=actor, target=target, unit=None, note=text, at=_moment(at, item)
            )
        return locked


def _eligible_assignee(assignee: User, unit: Organisation | None) -> bool:
    if unit is None or not is_official(assignee):
        return False
    return (
        Position.objects.active()
        .filter(user=assignee, unit__path__startswith=unit.path, role__in=workflow.ASSIGNABLE_ROLES)
        .exists()
    )


@transaction.atomic
def dossier_assign(
    *,
    actor: User,
    dossier: Dossier | int,
    assignee: User,
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """A unit head or leader assigns the current step to an official of the current unit."""
    with audit_actor(actor):
        locked, before, target = _begin(actor, dossier, Action.ASSIGN)
        moment = _moment(at, locked)
        if not _eligible_assignee(assignee, locked.current_unit):
            raise DomainError(
                f"{assignee} không công tác tại đơn vị đang xử lý hồ sơ.", code="invalid_assignee"
            )
        row = _open_step_row(locked)
        if row is not None:
            row.assignee = assignee
            row.save(update_fields=["assignee"])
        locked.current_assignee = assignee
        locked.status = target
        _save(locked)
        event = _record(
            locked,
            actor=actor,
            action=Action.ASSIGN,
            from_status=before,
            to_status=target,
            at=moment,
            reason=_text(note, field="note", label="ghi chú", required=False),
            data={"assignee_id": assignee.pk, "assignee": str(assignee)},
        )
        hooks.emit(
            "assigned", dossier=locked, event_id=event.pk, actor=actor, assignee_id=assignee.pk
        )
        return locked


def _advance(
    actor: User,
    dossier: Dossier | int,
    action: str,
    *,
    unit: Organisation | None,
    note: str,
    at: dt.datetime | None,
    hook: str,
) -> Dossier:
    locked, before, target = _begin(actor, dossier, action)
    moment = _moment(at, locked)
    plan = routing.plan_of(locked.procedure_version)
    planned = routing.next_core(plan, locked.current_step)
    row = _move_to(locked, planned, actor=actor, at=moment, unit=unit)
    locked.status = target
    _save(locked)
    event = _record(
        locked,
        actor=actor,
        action=action,
        from_status=before,
        to_status=target,
        at=moment,
        reason=_text(note, field="note", label="ghi chú", required=False),
        data={"unit_id": row.unit_id, "step": row.name},
    )
    hooks.emit(
        hook, dossier=locked, event_id=event.pk, actor=actor, step_id=row.pk, unit_id=row.unit_id
    )
    return locked


@transaction.atomic
def dossier_step_complete(
    *,
    actor: User,
    dossier: Dossier | int,
    unit: Organisation | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Finish the current step and hand the dossier to the next processing step (work or
    inter-agency); each step gets its own clock from its allotted hours."""
    with audit_actor(actor):
        return _advance(
            actor, dossier, Action.STEP_COMPLETE, unit=unit, note=note, at=at, hook="step_completed"
        )


@transaction.atomic
def dossier_submit_for_approval(
    *,
    actor: User,
    dossier: Dossier | int,
    unit: Organisation | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Finish the current step and submit the dossier to the next (leader's) approval step."""
    with audit_actor(actor):
        return _advance(
            actor,
            dossier,
            Action.SUBMIT_FOR_APPROVAL,
            unit=unit,
            note=note,
            at=at,
            hook="submitted_for_approval",
        )


@transaction.atomic
def dossier_send_back(
    *, actor: User, dossier: Dossier | int, reason: str, at: dt.datetime | None = None
) -> Dossier:
    """The leader sends the dossier back to the previous processing step (its last assignee)."""
    text = _text(reason, field="reason", label="lý do trả lại")
    with audit_actor(actor):
        locked, before, target = _begin(actor, dossier, Action.SEND_BACK)
        moment = _moment(at, locked)
        plan = routing.plan_of(locked.procedure_version)
        back = routing.previous_core(
            plan, locked.current_step, kinds=frozenset({StepKind.WORK, StepKind.EXTERNAL})
        )
        assert back is not None  # guaranteed by the precondition
        last = (
            DossierStep.objects.filter(dossier=locked, step=back.step)
            .order_by("-started_at", "-id")
            .first()
        )
        assignee = last.assignee if last is not None else None
        unit = last.unit if last is not None else None
        if assignee is not None and not _eligible_assignee(assignee, unit):
            assignee = None
        row = _move_to(locked, back, actor=actor, at=moment, unit=unit, assignee=assignee)
        locked.status = target
        _save(locked)
        event = _record(
            locked,
            actor=actor,
            action=Action.SEND_BACK,
            from_status=before,
            to_status=target,
            at=moment,
            reason=text,
            data={"unit_id": row.unit_id, "step": row.name},
        )
        hooks.emit("sent_back", dossier=locked, event_id=event.pk, actor=actor, reason=text)
        return locked
