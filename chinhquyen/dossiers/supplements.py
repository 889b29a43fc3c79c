"""Pauses and endings other than a result: supplement requests and answers (the clock pauses),
refusal, stop, withdrawal, and the apology with a new appointment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.core.audit import audit_actor

from . import clock, conf, hooks
from .intake import _check_room, _check_uploads, _papers_by_id, _store_attachment
from .models import (
    AttachmentKind,
    Dossier,
    DossierPause,
)
from .processing import _save
from .recording import (
    Upload,
    _begin,
    _close_step,
    _finish,
    _iso,
    _moment,
    _open_pause_row,
    _open_step_row,
    _record,
    _text,
    _user_or_none,
)
from .workflow import Action


def _requested_papers(dossier: Dossier, items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    papers = _papers_by_id(dossier.procedure_version)
    out: list[dict[str, Any]] = []
    for item in items:
        unknown = sorted(set(item) - {"paper_id", "name", "note"})
        if unknown:
            raise ValidationError(
                {"requested_papers": [f"Thông tin không hợp lệ: {', '.join(unknown)}."]}
            )
        paper_id = item.get("paper_id")
        name = " ".join(str(item.get("name") or "").split())
        if paper_id is not None:
            paper = papers.get(int(paper_id))
            if paper is None:
                raise ValidationError(
                    {"requested_papers": ["Giấy tờ không thuộc thành phần hồ sơ của thủ tục."]}
                )
            name = name or paper.name
        if not name:
            raise ValidationError({"requested_papers": ["Vui lòng ghi tên giấy tờ cần bổ sung."]})
        out.append(
            {
                "paper_id": int(paper_id) if paper_id is not None else None,
                "name": name[:1000],
                "note": " ".join(str(item.get("note") or "").split())[:1000],
            }
        )
    return out


@transaction.atomic
def dossier_request_supplement(
    *,
    actor: User,
    dossier: Dossier | int,
    reason: str,
    requested_papers: Sequence[Mapping[str, Any]] = (),
    at: dt.datetime | None = None,
) -> DossierPause:
    """Ask the applicant to supplement the dossier: the legal clock stops until the answer.
    More than one request makes the dossier late (DOMAIN.md §4)."""
    text = _text(reason, field="reason", label="nội dung yêu cầu bổ sung")
    with audit_actor(actor):
        locked, before, target = _begin(actor, dossier, Action.REQUEST_SUPPLEMENT)
        moment = _moment(at, locked)
        items = _requested_papers(locked, requested_papers)
        pause = DossierPause.objects.create(
            dossier=locked,
            started_at=moment,
            reason=text,
            requested_papers=items,
            requested_by=_user_or_none(actor),
        )
        locked.status_before_pause = before
        locked.status = target
        locked.supplement_count += 1
        _save(locked)
        event = _record(
            locked,
            actor=actor,
            action=Action.REQUEST_SUPPLEMENT,
            from_status=before,
            to_status=target,
            at=moment,
            reason=text,
            data={"pause_id": pause.pk, "requested_papers": items},
        )
        hooks.emit(
            "supplement_requested",
            dossier=locked,
            event_id=event.pk,
            actor=actor,
            reason=text,
            requested_papers=items,
            pause_id=pause.pk,
        )
        return pause


def _close_pause(
    dossier: Dossier, *, at: dt.datetime, note: str = ""
) -> tuple[DossierPause | None, dt.timedelta]:
    pause = _open_pause_row(dossier)
    if pause is None:
        return None, dt.timedelta(0)
    calendar = clock.calendar_for(dossier)
    paused = calendar.working_time_between(pause.started_at, at)
    pause.ended_at = at
    pause.working_time = paused
    pause.answer_note = note
    pause.save(update_fields=["ended_at", "working_time", "answer_note"])
    dossier.paused_total = (dossier.paused_total or dt.timedelta(0)) + paused
    return pause, paused


@transaction.atomic
def dossier_supplement_answer(
    *,
    actor: User,
    dossier: Dossier | int,
    uploads: Sequence[Upload] = (),
    note: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """The applicant (or the desk, for papers brought in person) answers a supplement request:
    the clock resumes and the deadlines (dossier and current step) move by the paused working
    time."""
    text = _text(note, field="note", label="ghi chú", required=False)
    if not uploads and not text:
        raise ValidationError({"files": ["Vui lòng đính kèm giấy tờ bổ sung hoặc ghi chú."]})
    with audit_actor(actor):
        locked, before, target = _begin(actor, dossier, Action.SUPPLEMENT_ANSWER)
        moment = _moment(at, locked)
        papers = _papers_by_id(locked.procedure_version)
        checked = _check_uploads(uploads, papers)
        _check_room(locked, len(checked))
        pause, paused = _close_pause(locked, at=moment, note=text)
        calendar = clock.calendar_for(locked)
        locked.due_at = clock.shift(calendar, locked.due_at, paused)
        row = _open_step_row(locked)
        if row is not None and row.due_at is not None and pause is not None:
            moved = calendar.working_time_between(max(pause.started_at, row.started_at), moment)
            row.due_at = clock.shift(calendar, row.due_at, moved)
            row.save(update_fields=["due_at"])
        for upload, checked_file in checked:
            _store_attachment(
                locked,
                checked_file,
                kind=AttachmentKind.SUPPLEMENT,
                actor=actor,
                at=moment,
                paper=papers.get(upload.paper_id) if upload.paper_id else None,
                copy_kind=upload.copy_kind,
                pause=pause,
            )
        locked.status = target
        locked.status_before_pause = ""
        _save(locked)
        event = _record(
            locked,
            actor=actor,
            action=Action.SUPPLEMENT_ANSWER,
            from_status=before,
            to_status=target,
            at=moment,
            reason=text,
            data={
                "pause_id": pause.pk if pause else None,
                "paused_seconds": int(paused.total_seconds()),
                "due_at": _iso(locked.due_at),
                "files": len(checked),
            },
        )
        hooks.emit(
            "supplement_answered",
            dossier=locked,
            event_id=event.pk,
            actor=actor,
            pause_id=pause.pk if pause else None,
            due_at=_iso(locked.due_at),
        )
        return locked


def _terminate(
    actor: User,
    dossier: Dossier | int,
    action: str,
    *,
    reason: str,
    at: dt.datetime | None,
    hook: str,
    extra: Mapping[str, Any] | None = None,
) -> Dossier:
    locked, before, target = _begin(actor, dossier, action)
    moment = _moment(at, locked)
    _close_step(locked, actor=actor, at=moment)
    _close_pause(locked, at=moment)
    locked.status = target
    locked.status_before_pause = ""
    locked.current_step = None
    locked.current_unit = None
    locked.current_assignee = None
    _finish(locked, at=moment)
    _save(locked)
    event = _record(
        locked,
        actor=actor,
        action=action,
        from_status=before,
        to_status=target,
        at=moment,
        reason=reason,
        data={"classification": locked.classification, **(extra or {})},
    )
    hooks.emit(hook, dossier=locked, event_id=event.pk, actor=actor, reason=reason, **(extra or {}))
    return locked


@transaction.atomic
def dossier_refuse(
    *, actor: User, dossier: Dossier | int, reason: str, at: dt.datetime | None = None
) -> Dossier:
    """Refuse to accept a received dossier (Phiếu từ chối tiếp nhận: the reason is required)."""
    text = _text(reason, field="reason", label="lý do từ chối")
    with audit_actor(actor):
        return _terminate(actor, dossier, Action.REFUSE, reason=text, at=at, hook="refused")


@transaction.atomic
def dossier_stop(
    *, actor: User, dossier: Dossier | int, reason: str, at: dt.datetime | None = None
) -> Dossier:
    """Stop processing (Thông báo dừng giải quyết: the reason is required)."""
    text = _text(reason, field="reason", label="lý do dừng giải quyết")
    with audit_actor(actor):
        return _terminate(
            actor,
            dossier,
            Action.STOP,
            reason=text,
            at=at,
            hook="stopped",
            extra={"withdrawn": False},
        )


@transaction.atomic
def dossier_withdraw(
    *, actor: User, dossier: Dossier | int, reason: str = "", at: dt.datetime | None = None
) -> Dossier:
    """The applicant withdraws the dossier (processing stops)."""
    text = _text(reason, field="reason", label="lý do rút hồ sơ", required=False)
    with audit_actor(actor):
        return _terminate(
            actor,
            dossier,
            Action.WITHDRAW,
            reason=text or "Người nộp rút hồ sơ.",
            at=at,
            hook="stopped",
            extra={"withdrawn": True},
        )


@transaction.atomic
def dossier_apologise(
    *,
    actor: User,
    dossier: Dossier | int,
    reason: str,
    new_appointment_at: dt.datetime,
    at: dt.datetime | None = None,
) -> Dossier:
    """Apologise for a delay and set a new appointment — once per dossier (DOMAIN.md §2).

    The new appointment must be later than the current deadline. The apology counts for the
    on-time classification only when made at least ``DOSSIER_APOLOGY_NOTICE_HOURS`` working
    hours before the current deadline ("no later than one day before"); a later apology is still
    recorded and the applicant told the new date, but the dossier is measured against the
    original appointment (``apology_in_time`` False).
    """
    text = _text(reason, field="reason", label="lý do chậm trễ")
    if not isinstance(new_appointment_at, dt.datetime) or timezone.is_naive(new_appointment_at):
        raise ValidationError({"new_appointment_at": ["Thời gian hẹn mới không hợp lệ."]})
    with audit_actor(actor):
        locked, before, target = _begin(actor, dossier, Action.APOLOGISE)
        moment = _moment(at, locked)
        if new_appointment_at <= max(locked.due_at, moment):
            raise ValidationError(
                {"new_appointment_at": ["Thời gian hẹn mới phải sau thời hạn hiện tại."]}
            )
        calendar = clock.calendar_for(locked)
        left = calendar.remaining(locked.due_at, moment)
        in_time = left >= clock.hours(conf.apology_notice_hours())
        previous_due = locked.due_at
        locked.apologised_at = moment
        locked.new_appointment_at = new_appointment_at
        locked.apology_in_time = in_time
        locked.due_at = new_appointment_at
        locked.status = target
        _save(locked)
        event = _record(
            locked,
            actor=actor,
            action=Action.APOLOGISE,
            from_status=before,
            to_status=target,
            at=moment,
            reason=text,
            data={
                "appointment_at": _iso(locked.appointment_at),
                "previous_due_at": _iso(previous_due),
                "new_appointment_at": _iso(new_appointment_at),
                "in_time": in_time,
            },
        )
        hooks.emit(
            "apologised",
            dossier=locked,
            event_id=event.pk,
            actor=actor,
            appointment_at=_iso(previous_due),
            new_appointment_at=_iso(new_appointment_at),
            reason=text,
            in_time=in_time,
        )
        return locked
