"""What every dossier service shares: its inputs and outputs, the lock and the event it records,
and the steps of the control sheet (opened, closed, moved). The services themselves live by use
case in ``intake``, ``processing``, ``results`` and ``supplements``; ``services``
re-exports them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.core.calendar import VN_TZ
from chinhquyen.core.text import normalize_search
from chinhquyen.orgs.models import Organisation

from . import clock, routing, workflow
from .models import (
    Dossier,
    DossierEvent,
    DossierPause,
    DossierStatus,
    DossierStep,
    StepKind,
)

S = DossierStatus


MAX_REASON_LENGTH = 4000


IDEMPOTENCY_KEY_MAX = 64


@dataclass(frozen=True)
class Upload:
    """A file to put in a dossier; ``paper_id`` names the required paper it is for."""

    file: Any
    paper_id: int | None = None
    copy_kind: str = ""


@dataclass(frozen=True)
class PaperCount:
    """A paper handed in at the counter: how many originals, certified copies, photocopies."""

    paper_id: int
    original: int = 0
    certified_copy: int = 0
    photocopy: int = 0


@dataclass(frozen=True)
class IntakeResult:
    dossier: Dossier
    # The lookup PIN, shown once on the receipt; None when an idempotent retry returned the
    # dossier created by the first request (``dossier_reset_pin`` issues a new one).
    pin: str | None
    created: bool


def _moment(at: dt.datetime | None, dossier: Dossier | None = None) -> dt.datetime:
    """The moment of an action: now, or ``at`` (imports, the demo, tests), which may not be
    earlier than the dossier's last recorded action."""
    if at is None:
        return timezone.now()
    moment = at
    if timezone.is_naive(moment):
        raise ValueError("services need timezone-aware datetimes")
    if dossier is not None:
        last = (
            DossierEvent.objects.filter(dossier=dossier)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        if moment < max(dossier.received_at, last or dossier.received_at):
            raise DomainError(
                "Thời điểm thao tác không được trước thao tác trước đó của hồ sơ.",
                code="invalid_time",
            )
    return moment


def _user_or_none(actor: object) -> User | None:
    return actor if isinstance(actor, User) and actor.pk else None


def _text(value: object, *, field: str, label: str, required: bool = True) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationError({field: [f"Vui lòng nhập {label}."]})
    if len(text) > MAX_REASON_LENGTH:
        raise ValidationError({field: [f"{label.capitalize()} quá dài."]})
    return text


def _lock(dossier: Dossier | int) -> Dossier:
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    try:
        return (
            Dossier.objects.select_for_update(of=("self",))
            .select_related(
                "procedure_version",
                "competent_organisation",
                "receiving_organisation",
                "current_step",
                "current_unit",
            )
            .get(pk=pk)
        )
    except Dossier.DoesNotExist:
        raise DomainError("Không tìm thấy hồ sơ.", code="not_found", status_code=404) from None


def _begin(actor: object, dossier: Dossier | int, action: str) -> tuple[Dossier, str, str]:
    """Lock, check the table and the actor's right, then the step precondition."""
    locked = _lock(dossier)
    target = workflow.check(locked, action, actor)
    problem = workflow.precondition(locked, action)
    if problem is not None:
        raise DomainError(problem, code="precondition_failed")
    return locked, locked.status, target


def _record(
    dossier: Dossier,
    *,
    actor: object,
    action: str,
    from_status: str,
    to_status: str,
    at: dt.datetime,
    reason: str = "",
    data: Mapping[str, Any] | None = None,
) -> DossierEvent:
    user = _user_or_none(actor)
    return DossierEvent.objects.create(
        dossier=dossier,
        actor=user,
        actor_name=str(user) if user is not None else "Hệ thống",
        at=at,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=dict(data or {}),
    )


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(VN_TZ).isoformat() if value is not None else None


def _refresh_search_text(dossier: Dossier) -> None:
    parts = [
        dossier.code,
        dossier.code.replace(".", "").replace("-", ""),
        dossier.applicant_name,
        dossier.applicant_organisation,
        dossier.applicant_id_number,
        dossier.procedure_name,
        dossier.procedure.code if dossier.procedure_id else "",
    ]
    dossier.search_text = normalize_search(" ".join(p for p in parts if p))[:1000]


def _open_step_row(dossier: Dossier) -> DossierStep | None:
    return (
        DossierStep.objects.select_for_update()
        .filter(dossier=dossier, finished_at__isnull=True)
        .order_by("-started_at", "-id")
        .first()
    )


def _open_pause_row(dossier: Dossier) -> DossierPause | None:
    return (
        DossierPause.objects.select_for_update()
        .filter(dossier=dossier, ended_at__isnull=True)
        .order_by("-started_at", "-id")
        .first()
    )


def _close_step(dossier: Dossier, *, actor: object, at: dt.datetime) -> DossierStep | None:
    step = _open_step_row(dossier)
    if step is None:
        return None
    calendar = clock.calendar_for(dossier)
    open_pauses = [
        (p.started_at, at)
        for p in dossier.pauses.filter(ended_at__isnull=True)
        if p.started_at < at
    ]
    step.finished_at = at
    step.finished_by = _user_or_none(actor)
    step.result = clock.classify_step(step, at, open_pauses=open_pauses, calendar=calendar)
    step.save(update_fields=["finished_at", "finished_by", "result"])
    return step


def _start_step(
    dossier: Dossier,
    *,
    planned: routing.PlannedStep | None,
    kind: str,
    name: str,
    unit: Organisation | None,
    external_name: str = "",
    from_unit: Organisation | None,
    assignee: User | None = None,
    at: dt.datetime,
) -> DossierStep:
    allotted = Decimal(planned.step.allotted_hours) if planned is not None else Decimal(0)
    calendar = clock.calendar_for(dossier)
    return DossierStep.objects.create(
        dossier=dossier,
        step=planned.step if planned is not None else None,
        kind=kind,
        name=(planned.step.name if planned is not None else name)[:500],
        from_unit=from_unit,
        unit=unit,
        external_name=external_name[:255],
        assignee=assignee,
        started_at=at,
        allotted_hours=allotted,
        due_at=clock.step_deadline(calendar, at, allotted),
    )


def _move_to(
    dossier: Dossier,
    planned: routing.PlannedStep | None,
    *,
    actor: object,
    at: dt.datetime,
    unit: Organisation | None = None,
    assignee: User | None = None,
) -> DossierStep:
    """Hand the dossier over to ``planned`` (None: the competent organisation as a whole, for a
    process without core steps): close the open step, open the new one, update the position."""
    previous_unit = dossier.current_unit
    _close_step(dossier, actor=actor, at=at)
    competent = dossier.competent_organisation
    if planned is None:
        target, external_name = competent, ""
        allowed_roots = [competent]
    else:
        target, external_name = routing.unit_for_step(
            planned.step, competent=competent, previous_unit=previous_unit
        )
        allowed_roots = [competent]
        for extra in (planned.step.responsible_unit, planned.step.external_organisation):
            if extra is not None:
                allowed_roots.append(extra)
    if unit is not None:
        routing.check_unit_choice(unit, allowed_roots=allowed_roots)
        target = unit
    row = _start_step(
        dossier,
        planned=planned,
        kind=planned.kind if planned is not None else StepKind.WORK,
        name="Giải quyết hồ sơ",
        unit=target,
        external_name=external_name,
        from_unit=previous_unit,
        assignee=assignee,
        at=at,
    )
    dossier.current_step = planned.step if planned is not None else None
    dossier.current_unit = target
    dossier.current_assignee = assignee
    return row


def _finish(
    dossier: Dossier, *, at: dt.datetime, pauses: Sequence[DossierPause] | None = None
) -> None:
    """Record the end of processing: ``finished_at`` and the early/on-time/late class."""
    if dossier.finished_at is not None:
        return
    dossier.finished_at = at
    dossier.classification = clock.classify(
        dossier, at, pauses=list(pauses) if pauses is not None else list(dossier.pauses.all())
    )
