"""Results: approval by the competent person (and the seal it brings), finishing, attaching and
cancelling results, returning them to the applicant, recording their signed copies, and the
applicant's rating."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from chinhquyen.accounts.models import User
from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor

from . import files, hooks, routing
from .models import (
    Dossier,
    DossierResult,
    DossierStatus,
    SatisfactionRating,
    SatisfactionScore,
    StepKind,
)
from .processing import _save
from .recording import (
    _begin,
    _close_step,
    _finish,
    _lock,
    _moment,
    _record,
    _start_step,
    _text,
    _user_or_none,
)
from .workflow import Action


def _to_result_ready(
    actor: User, dossier: Dossier | int, action: str, *, note: str, at: dt.datetime | None
) -> Dossier:
    locked, before, target = _begin(actor, dossier, action)
    moment = _moment(at, locked)
    plan = routing.plan_of(locked.procedure_version)
    back = routing.return_step(plan)
    previous_unit = locked.current_unit
    _close_step(locked, actor=actor, at=moment)
    _start_step(
        locked,
        planned=back,
        kind=StepKind.RETURN,
        name="Trả kết quả",
        unit=locked.receiving_organisation,
        from_unit=previous_unit,
        at=moment,
    )
    locked.current_step = back.step if back is not None else None
    locked.current_unit = locked.receiving_organisation
    locked.current_assignee = None
    locked.status = target
    _finish(locked, at=moment)
    _save(locked)
    event = _record(
        locked,
        actor=actor,
        action=action,
        from_status=before,
        to_status=target,
        at=moment,
        reason=_text(note, field="note", label="ghi chú", required=False),
        data={"classification": locked.classification},
    )
    hooks.emit(
        "result_ready",
        dossier=locked,
        event_id=event.pk,
        actor=actor,
        classification=locked.classification,
    )
    _approve_results(locked, actor=actor, at=moment, event_id=event.pk)
    return locked


def _approve_results(
    dossier: Dossier, *, actor: object, at: dt.datetime, event_id: int | None
) -> list[int]:
    """Mark the dossier's results not yet approved (and not cancelled) as approved by ``actor``
    at ``at``; the ``results_approved`` hook seals them after the commit. Returns their ids."""
    pending = DossierResult.objects.select_for_update().filter(
        dossier=dossier, cancelled_at__isnull=True, approved_at__isnull=True
    )
    ids = list(pending.values_list("pk", flat=True))
    if ids:
        DossierResult.objects.filter(pk__in=ids).update(
            approved_at=at, approved_by=_user_or_none(actor)
        )
        hooks.emit(
            "results_approved", dossier=dossier, event_id=event_id, actor=actor, result_ids=ids
        )
    return ids


def _approve_changed_result(
    actor: User, dossier: Dossier | int, *, note: str, at: dt.datetime | None
) -> Dossier:
    """A leader of the competent organisation approves results added after the approval (the
    dossier stays at the desk, ready to be returned)."""
    locked, before, target = _begin(actor, dossier, Action.APPROVE)
    moment = _moment(at, locked)
    pending = list(
        locked.results.filter(cancelled_at__isnull=True, approved_at__isnull=True).values_list(
            "code", flat=True
        )
    )
    event = _record(
        locked,
        actor=actor,
        action=Action.APPROVE,
        from_status=before,
        to_status=target,
        at=moment,
        reason=_text(note, field="note", label="ghi chú", required=False),
        data={"result_codes": pending},
    )
    _approve_results(locked, actor=actor, at=moment, event_id=event.pk)
    return locked


@transaction.atomic
def dossier_approve(
    *, actor: User, dossier: Dossier | int, note: str = "", at: dt.datetime | None = None
) -> Dossier:
    """The leader approves: processing ends (the dossier is finished and classified) and the
    result goes to the receiving desk to be returned. The results are approved (and sealed)
    now, never before. At the desk, a leader of the competent organisation approves a result
    added after the approval."""
    with audit_actor(actor):
        pk = dossier.pk if isinstance(dossier, Dossier) else dossier
        status = Dossier.objects.filter(pk=pk).values_list("status", flat=True).first()
        if status == DossierStatus.RESULT_READY:
            return _approve_changed_result(actor, dossier, note=note, at=at)
        return _to_result_ready(actor, dossier, Action.APPROVE, note=note, at=at)


@transaction.atomic
def dossier_finish(
    *, actor: User, dossier: Dossier | int, note: str = "", at: dt.datetime | None = None
) -> Dossier:
    """Processing ends without an approval step (e.g. the result comes from an inter-agency
    step): the result goes to the receiving desk."""
    with audit_actor(actor):
        return _to_result_ready(actor, dossier, Action.FINISH, note=note, at=at)


@transaction.atomic
def dossier_attach_result(
    *,
    actor: User,
    dossier: Dossier | int,
    name: str = "",
    file: Any = None,
    signed: bool = False,
    at: dt.datetime | None = None,
) -> DossierResult:
    """Add a result ``<dossier code>-KQ<n>`` (an electronic file, or a record of a paper
    result when ``file`` is None)."""
    with audit_actor(actor):
        locked, before, target = _begin(actor, dossier, Action.ATTACH_RESULT)
        moment = _moment(at, locked)
        checked = files.check_upload(file) if file is not None else None
        title = _text(
            name or locked.procedure_version.result_name or "Kết quả giải quyết hồ sơ",
            field="name",
            label="tên kết quả",
        )[:500]
        last = locked.results.order_by("-number").values_list("number", flat=True).first()
        number = (last or 0) + 1
        result = DossierResult(
            dossier=locked,
            number=number,
            code=f"{locked.code}-KQ{number}",
            name=title,
            signed=bool(signed) and checked is not None,
            issued_at=moment,
            issued_by=_user_or_none(actor),
        )
        if checked is not None:
            result.original_name = checked.name
            result.content_type = checked.content_type
            result.size = checked.size
            result.sha256 = checked.sha256
            result.file.save(f"kq.{checked.extension}", files.storage_file(checked), save=False)
        result.save()
        event = _record(
            locked,
            actor=actor,
            action=Action.ATTACH_RESULT,
            from_status=before,
            to_status=target,
            at=moment,
            data={"result_id": result.pk, "result_code": result.code, "name": title},
        )
        hooks.emit(
            "result_attached",
            dossier=locked,
            event_id=event.pk,
            actor=actor,
            result_id=result.pk,
            result_code=result.code,
        )
        return result


@transaction.atomic
def dossier_cancel_result(
    *,
    actor: User,
    dossier: Dossier | int,
    result: DossierResult | int,
    reason: str,
    at: dt.datetime | None = None,
) -> DossierResult:
    """Cancel a result: it stays stored and retrievable, marked cancelled (ND 45/2020)."""
    text = _text(reason, field="reason", label="lý do hủy")
    with audit_actor(actor):
        locked, before, target = _begin(actor, dossier, Action.CANCEL_RESULT)
        moment = _moment(at, locked)
        result_id = result.pk if isinstance(result, DossierResult) else int(result)
        row = DossierResult.objects.select_for_update().filter(pk=result_id, dossier=locked).first()
        if row is None:
            raise DomainError("Không tìm thấy kết quả.", code="not_found", status_code=404)
        if row.cancelled_at is not None:
            raise DomainError("Kết quả này đã bị hủy.", code="already_cancelled")
        row.cancelled_at = moment
        row.cancelled_by = _user_or_none(actor)
        row.cancel_reason = text
        row.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
        event = _record(
            locked,
            actor=actor,
            action=Action.CANCEL_RESULT,
            from_status=before,
            to_status=target,
            at=moment,
            reason=text,
            data={"result_id": row.pk, "result_code": row.code},
        )
        hooks.emit(
            "result_cancelled",
            dossier=locked,
            event_id=event.pk,
            actor=actor,
            result_id=row.pk,
            result_code=row.code,
            reason=text,
        )
        return row


@transaction.atomic
def dossier_return_result(
    *, actor: User, dossier: Dossier | int, note: str = "", at: dt.datetime | None = None
) -> Dossier:
    """The receiving desk returns the result to the applicant."""
    with audit_actor(actor):
        locked, before, target = _begin(actor, dossier, Action.RETURN_RESULT)
        moment = _moment(at, locked)
        _close_step(locked, actor=actor, at=moment)
        _finish(locked, at=moment)
        locked.returned_at = moment
        locked.status = target
        locked.current_step = None
        locked.current_unit = None
        locked.current_assignee = None
        _save(locked)
        event = _record(
            locked,
            actor=actor,
            action=Action.RETURN_RESULT,
            from_status=before,
            to_status=target,
            at=moment,
            reason=_text(note, field="note", label="ghi chú", required=False),
        )
        hooks.emit("returned", dossier=locked, event_id=event.pk, actor=actor)
        return locked


@transaction.atomic
def dossier_rate(
    *,
    actor: User,
    dossier: Dossier | int,
    score: int,
    comment: str = "",
    at: dt.datetime | None = None,
) -> SatisfactionRating:
    """The applicant rates the service once the result was returned (3-level national scale:
    1 không hài lòng, 2 hài lòng, 3 rất hài lòng)."""
    if isinstance(score, bool) or score not in SatisfactionScore.values:
        raise ValidationError({"score": ["Mức độ hài lòng là 1, 2 hoặc 3."]})
    text = _text(comment, field="comment", label="ý kiến", required=False)
    with audit_actor(actor):
        locked, before, target = _begin(actor, dossier, Action.RATE)
        moment = _moment(at, locked)
        rating = SatisfactionRating.objects.create(
            dossier=locked,
            score=score,
            comment=text,
            rated_by=_user_or_none(actor),
            rated_at=moment,
        )
        event = _record(
            locked,
            actor=actor,
            action=Action.RATE,
            from_status=before,
            to_status=target,
            at=moment,
            data={"score": score},
        )
        hooks.emit("rated", dossier=locked, event_id=event.pk, actor=actor, score=score)
        return rating


@transaction.atomic
def dossier_result_set_signed(
    *,
    actor: User | None,
    result: DossierResult | int,
    signed_file: Any,
    at: dt.datetime | None = None,
) -> DossierResult:
    """Replace a result's file by its digitally signed version (for the signing app). The
    previous file is kept in history by the audit log; a cancelled result cannot be signed."""
    result_id = result.pk if isinstance(result, DossierResult) else int(result)
    checked = files.check_upload(signed_file)
    if checked.extension != "pdf":
        raise DomainError("Kết quả ký số phải là tệp PDF.", code="invalid_file_type")
    with audit_actor(actor):
        row = DossierResult.objects.select_for_update().filter(pk=result_id).first()
        if row is None:
            raise DomainError("Không tìm thấy kết quả.", code="not_found", status_code=404)
        locked = _lock(row.dossier_id)
        if row.cancelled_at is not None:
            raise DomainError("Kết quả đã bị hủy, không thể ký.", code="already_cancelled")
        if row.approved_at is None:
            raise DomainError(
                "Kết quả chưa được người có thẩm quyền phê duyệt, chưa thể ký số.",
                code="not_approved",
            )
        moment = _moment(at, locked)
        previous_sha = row.sha256
        row.original_name = checked.name
        row.content_type = checked.content_type
        row.size = checked.size
        row.sha256 = checked.sha256
        row.signed = True
        row.file.save(f"kq.{checked.extension}", files.storage_file(checked), save=False)
        row.save()
        _record(
            locked,
            actor=actor,
            action="result_signed",
            from_status=locked.status,
            to_status=locked.status,
            at=moment,
            data={"result_id": row.pk, "result_code": row.code, "previous_sha256": previous_sha},
        )
        return row
