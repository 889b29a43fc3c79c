"""Every write to dossiers. Keyword-only, typed, one transaction, attributed to the actor.

Each workflow action has its own service (``dossier_transfer``, ``dossier_approve`` ...). A
service locks the dossier row (``select_for_update``), checks the transition table and the
actor's right (``workflow.check``) and the step preconditions, updates the position and the
clocks, appends a ``DossierEvent`` and schedules the hooks (``hooks.emit``, run on commit).
``dossier_transition(action=...)`` dispatches to them (the API's action endpoints).

Lock order, everywhere: the applicant's user row (intake of an applicant), the daily code
counter, then dossier rows in ascending id, then their open step and pause rows.

Every service takes ``at`` (the moment of the action, default now) for imports, the demo and
tests; the API never passes it.

Dossier code: ``<agency code>-<YYMMDD>-<NNNN>`` of the **receiving** agency (the organisation
owning the one-stop desk that received it: a commune People's Committee for its desk, the
Public Administration Service Centre for the provincial desk). Production systems print the
code of the agency where the dossier was received (e.g. ``000.17.22.H56-...``, a commune code),
and a daily sequence per receiving agency is what keeps the receipt numbers of one desk
consecutive. When that organisation has no agency code, its nearest ancestor's is used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from auditlog.context import disable_auditlog
from auditlog.receivers import log_create as audit_created
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from chinhquyen.accounts.models import Position, User
from chinhquyen.accounts.permissions import is_applicant, is_official
from chinhquyen.accounts.validators import validate_phone
from chinhquyen.catalog.forms_schema import validate_data
from chinhquyen.catalog.models import (
    Fee,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    RequiredPaper,
)
from chinhquyen.catalog.selectors import version_for_dossier
from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor
from chinhquyen.core.calendar import VN_TZ, get_calendar
from chinhquyen.core.text import normalize_search
from chinhquyen.orgs.models import Organisation

from . import clock, codes, conf, files, hooks, routing, workflow
from .models import (
    AttachmentKind,
    Channel,
    CopyKind,
    Dossier,
    DossierAttachment,
    DossierEvent,
    DossierPause,
    DossierResult,
    DossierStatus,
    DossierStep,
    PaymentStatus,
    ResultDelivery,
    SatisfactionRating,
    SatisfactionScore,
    StepKind,
)
from .pins import new_pin, pin_digest
from .workflow import Action

S = DossierStatus
MAX_REASON_LENGTH = 4000
IDEMPOTENCY_KEY_MAX = 64


# --------------------------------------------------------------------------------------------
# Inputs and outputs
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Steps (the control sheet)
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Intake
# --------------------------------------------------------------------------------------------


def dossier_code_prefix(receiving: Organisation) -> Organisation:
    coded = routing.coded_organisation(receiving)
    if coded is None:
        raise DomainError(
            f"{receiving.name} chưa có mã định danh điện tử, chưa thể cấp mã hồ sơ.",
            code="agency_code_missing",
        )
    return coded


def _current_version(procedure: ProcedureVersion | Procedure | str, at: dt.datetime) -> Any:
    on = at.astimezone(VN_TZ).date()
    if isinstance(procedure, ProcedureVersion):
        if not procedure.is_valid_on(on):
            raise DomainError(
                "Phiên bản thủ tục này không còn hiệu lực, không thể tiếp nhận hồ sơ.",
                code="procedure_not_available",
            )
        return procedure
    return version_for_dossier(procedure=procedure, on=on)


def _clean_details(raw: Mapping[str, Any]) -> dict[str, str]:
    allowed = {"name", "id_number", "address", "phone", "email", "organisation"}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ValidationError({"applicant": [f"Thông tin không hợp lệ: {', '.join(unknown)}."]})
    details = {key: " ".join(str(raw.get(key) or "").split()) for key in allowed}
    details["id_number"] = details["id_number"].replace(" ", "").upper()
    errors: dict[str, list[str]] = {}
    if not details["name"]:
        errors["applicant.name"] = ["Vui lòng nhập họ và tên người nộp hồ sơ."]
    limits = {"name": 255, "id_number": 20, "address": 255, "phone": 20, "organisation": 255}
    for key, limit in limits.items():
        if len(details[key]) > limit:
            errors.setdefault(f"applicant.{key}", []).append(f"Tối đa {limit} ký tự.")
    if details["id_number"] and not details["id_number"].replace("-", "").isalnum():
        errors.setdefault("applicant.id_number", []).append(
            "Số định danh/mã số thuế chỉ gồm chữ số và chữ cái."
        )
    for key, validator in (("phone", validate_phone), ("email", validate_email)):
        if details[key]:
            try:
                validator(details[key])
            except ValidationError as exc:
                errors.setdefault(f"applicant.{key}", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return details


def _profile_details(user: User) -> dict[str, str]:
    return {
        "name": user.full_name or user.get_full_name() or user.username,
        "id_number": user.citizen_id or user.tax_code,
        "address": user.address,
        "phone": user.phone,
        "email": user.email,
        "organisation": user.organisation_name,
    }


def _validate_form(version: ProcedureVersion, form_data: object, *, required: bool) -> dict:
    data = form_data if form_data is not None else {}
    if not required and data in ({}, None):
        return {}
    if not isinstance(data, dict):
        raise ValidationError({"form_data": ["Tờ khai phải là một đối tượng JSON."]})
    errors = validate_data(version.form_schema, data)
    if errors:
        raise ValidationError({f"form_data.{key}": msgs for key, msgs in errors.items()})
    return data


def _papers_by_id(version: ProcedureVersion) -> dict[int, RequiredPaper]:
    return {p.pk: p for p in version.papers.order_by("order", "pk")}


def _check_uploads(
    uploads: Sequence[Upload], papers: Mapping[int, RequiredPaper]
) -> list[tuple[Upload, files.CheckedFile]]:
    if len(uploads) > conf.max_files():
        raise DomainError(
            f"Mỗi hồ sơ được đính kèm tối đa {conf.max_files()} tệp.", code="too_many_files"
        )
    checked: list[tuple[Upload, files.CheckedFile]] = []
    for upload in uploads:
        if upload.paper_id is not None and upload.paper_id not in papers:
            raise DomainError(
                "Tệp đính kèm không thuộc thành phần hồ sơ của thủ tục.", code="unknown_paper"
            )
        if upload.copy_kind and upload.copy_kind not in CopyKind.values:
            raise DomainError("Hình thức giấy tờ không hợp lệ.", code="invalid_copy_kind")
        checked.append((upload, files.check_upload(upload.file)))
    return checked


def _store_attachment(
    dossier: Dossier,
    checked: files.CheckedFile,
    *,
    kind: str,
    actor: object,
    at: dt.datetime,
    paper: RequiredPaper | None = None,
    copy_kind: str = "",
    pause: DossierPause | None = None,
) -> DossierAttachment:
    attachment = DossierAttachment(
        dossier=dossier,
        kind=kind,
        paper=paper,
        paper_name=paper.name[:1000] if paper is not None else "",
        copy_kind=copy_kind,
        pause=pause,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=_user_or_none(actor),
        uploaded_at=at,
    )
    attachment.file.save(f"tep.{checked.extension}", files.storage_file(checked), save=False)
    attachment.save()
    return attachment


def _check_room(dossier: Dossier, adding: int) -> None:
    existing = dossier.attachments.count()
    if existing + adding > conf.max_files():
        raise DomainError(
            f"Mỗi hồ sơ được đính kèm tối đa {conf.max_files()} tệp (hồ sơ đã có {existing} tệp).",
            code="too_many_files",
        )


def fee_case_for(
    version: ProcedureVersion, fee_case: Fee | int | str | None, *, required: bool = False
) -> Fee | None:
    """The fee case (trường hợp) of ``version`` that applies: the one chosen, or the only one.
    With several cases and none chosen: a Vietnamese ``ValidationError`` when ``required``
    (the applicant's and the desk's screens and the API), else the first case (imports,
    demo data)."""
    fees = list(version.fees.order_by("order", "pk"))
    if fee_case is not None and fee_case != "":
        wanted = fee_case.pk if isinstance(fee_case, Fee) else fee_case
        chosen = next((f for f in fees if str(f.pk) == str(wanted)), None)
        if chosen is None:
            raise ValidationError(
                {"fee_case": ["Trường hợp thu phí, lệ phí không thuộc thủ tục này."]}
            )
        return chosen
    if len(fees) > 1 and required:
        raise ValidationError(
            {
                "fee_case": [
                    "Thủ tục có nhiều trường hợp thu phí, lệ phí: hãy chọn trường hợp áp dụng."
                ]
            }
        )
    return fees[0] if fees else None


def _fingerprint(
    version: ProcedureVersion,
    competent: Organisation | None,
    form_data: object,
    checked: Sequence[tuple[Upload, files.CheckedFile]],
) -> str:
    material = {
        "version": version.pk,
        "competent": competent.pk if competent is not None else None,
        "form": form_data,
        "files": sorted([u.paper_id or 0, c.sha256] for u, c in checked),
    }
    text = json.dumps(material, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _clean_key(key: str) -> str:
    key = (key or "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX or not all(33 <= ord(ch) < 127 for ch in key):
        raise DomainError(
            f"Idempotency-Key phải gồm tối đa {IDEMPOTENCY_KEY_MAX} ký tự ASCII in được.",
            code="invalid_idempotency_key",
        )
    return key


def _replay(applicant: User | None, key: str, fingerprint: str) -> IntakeResult | None:
    if not key or applicant is None:
        return None
    existing = Dossier.objects.filter(applicant=applicant, idempotency_key=key).first()
    if existing is None:
        return None
    if existing.request_fingerprint != fingerprint:
        raise DomainError(
            "Idempotency-Key này đã được dùng cho một yêu cầu nộp hồ sơ khác.",
            code="idempotency_conflict",
            status_code=409,
        )
    return IntakeResult(dossier=existing, pin=None, created=False)


def _create(
    *,
    actor: object,
    version: ProcedureVersion,
    competent: Organisation,
    receiving: Organisation,
    channel: int,
    applicant: User | None,
    details: Mapping[str, str],
    form_data: dict,
    papers_received: list[dict[str, Any]],
    set_count: int,
    fee_total: int,
    fee_case: Fee | None,
    result_delivery: str = ResultDelivery.COUNTER,
    idempotency_key: str,
    fingerprint: str,
    at: dt.datetime,
    desk_officer: User | None,
) -> tuple[Dossier, Organisation]:
    calendar = get_calendar(competent.agency_code)
    counted_from, appointment = clock.appointment_for(
        calendar,
        at,
        amount=Decimal(version.processing_time),
        unit=version.processing_time_unit,
    )
    code_owner = dossier_code_prefix(receiving)  # refused here, before any write
    plan = routing.plan_of(version)
    intake = routing.intake_step(plan)
    dossier = Dossier(
        code=codes.pending_code(),  # the code is taken last (_assign_code)
        procedure=version.procedure,
        procedure_version=version,
        procedure_name=version.name[:500],
        competent_organisation=competent,
        receiving_organisation=receiving,
        channel=channel,
        applicant=applicant,
        applicant_name=details["name"],
        applicant_id_number=details["id_number"],
        applicant_address=details["address"],
        applicant_phone=details["phone"],
        applicant_email=details["email"],
        applicant_organisation=details["organisation"],
        form_data=form_data,
        papers_received=papers_received,
        set_count=set_count,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint if idempotency_key else "",
        status=S.RECEIVED,
        received_at=at,
        counted_from=counted_from,
        appointment_at=appointment,
        due_at=appointment,
        fee_total=fee_total,
        fee_case=fee_case,
        result_delivery=result_delivery,
        payment_status=PaymentStatus.UNPAID if fee_total > 0 else PaymentStatus.NOT_REQUIRED,
        current_step=intake.step if intake is not None else None,
        current_unit=receiving,
    )
    try:
        # the audit entry of the creation is written with the code (_assign_code)
        with transaction.atomic(), disable_auditlog():
            dossier.save()
    except IntegrityError:
        raise _intake_conflict() from None
    _start_step(
        dossier,
        planned=intake,
        kind=StepKind.INTAKE,
        name="Tiếp nhận hồ sơ",
        unit=receiving,
        from_unit=None,
        assignee=desk_officer,
        at=at,
    )
    return dossier, code_owner


def _intake_conflict() -> DomainError:
    return DomainError(
        "Không cấp được mã hồ sơ (trùng mã hoặc yêu cầu đã được ghi nhận), vui lòng thử lại.",
        code="intake_conflict",
        status_code=409,
    )


def _assign_code(dossier: Dossier, *, code_owner: Organisation, at: dt.datetime) -> str:
    """Give the new dossier its code, its lookup PIN and its search text, and write the audit
    entry of its creation; returns the PIN. Called last: the day's counter row stays locked only
    for what follows (history row, notification outbox rows) and the commit."""
    dossier.code = codes.next_code(code_owner, at.astimezone(VN_TZ).date())
    pin = new_pin()
    dossier.lookup_pin_hash = pin_digest(dossier.code, pin)
    _refresh_search_text(dossier)
    try:  # no savepoint: the error leaves the intake's transaction, which rolls back
        Dossier.objects.filter(pk=dossier.pk).update(
            code=dossier.code,
            lookup_pin_hash=dossier.lookup_pin_hash,
            search_text=dossier.search_text,
        )
    except IntegrityError:
        raise _intake_conflict() from None
    audit_created(sender=Dossier, instance=dossier, created=True)  # auditlog's own receiver
    return pin


def _after_intake(
    dossier: Dossier,
    *,
    actor: object,
    code_owner: Organisation,
    at: dt.datetime,
    data: Mapping[str, Any],
) -> str:
    """The code (last), the history row and the ``received`` hook; returns the PIN."""
    pin = _assign_code(dossier, code_owner=code_owner, at=at)
    event = _record(
        dossier,
        actor=actor,
        action="receive",
        from_status="",
        to_status=S.RECEIVED,
        at=at,
        data={
            "channel": dossier.channel,
            "appointment_at": _iso(dossier.appointment_at),
            "counted_from": _iso(dossier.counted_from),
            **data,
        },
    )
    hooks.emit(
        "received",
        dossier=dossier,
        event_id=event.pk,
        actor=actor,
        pin=pin,
        appointment_at=_iso(dossier.appointment_at),
        channel=dossier.channel,
    )
    return pin


@transaction.atomic
def dossier_submit_online(
    *,
    actor: User,
    procedure: ProcedureVersion | Procedure | str,
    form_data: Mapping[str, Any] | None,
    uploads: Sequence[Upload] = (),
    competent_organisation: Organisation | None = None,
    applicant_details: Mapping[str, Any] | None = None,
    idempotency_key: str = "",
    fee_case: Fee | int | None = None,
    fee_case_required: bool = False,
    result_delivery: str = ResultDelivery.COUNTER,
    at: dt.datetime | None = None,
) -> IntakeResult:
    """An applicant submits a dossier online (channel 2).

    ``fee_case`` is the procedure's fee case that applies (with ``fee_case_required``, a choice
    is needed when it has several); the dossier's fee is that case's amount.
    ``result_delivery`` is how the applicant receives the result (``ResultDelivery``).

    The form data is validated against the version's form schema; every required paper needs
    at least one uploaded file. A retry with the same ``idempotency_key`` returns the dossier of
    the first request (``created=False``, no PIN); the same key with a different request is a
    409 error. Raises ``DomainError`` / ``ValidationError`` (Vietnamese).
    """
    if not is_applicant(actor):
        raise DomainError(
            "Chỉ công dân, tổ chức, doanh nghiệp được nộp hồ sơ trực tuyến.",
            code="applicant_required",
            status_code=403,
        )
    moment = _moment(at)
    key = _clean_key(idempotency_key)
    with audit_actor(actor):
        # Lock order 1: the applicant (serialises one applicant's submissions and retries).
        User.objects.select_for_update().filter(pk=actor.pk).first()
        version = _current_version(procedure, moment)
        papers = _papers_by_id(version)
        checked = _check_uploads(uploads, papers)
        fingerprint = _fingerprint(version, competent_organisation, form_data, checked)
        replay = _replay(actor, key, fingerprint)
        if replay is not None:
            return replay
        if version.online_level not in (OnlineLevel.PARTIAL, OnlineLevel.FULL):
            raise DomainError(
                "Thủ tục này chưa cung cấp dịch vụ công trực tuyến, vui lòng nộp trực tiếp.",
                code="not_online",
            )
        competent = routing.resolve_competent(version, chosen=competent_organisation, fallback=None)
        receiving = routing.online_receiving_organisation(version, competent)
        data = _validate_form(version, dict(form_data or {}), required=True)
        missing = [
            p.name
            for p in papers.values()
            if p.required and not any(u.paper_id == p.pk for u, _c in checked)
        ]
        if missing:
            raise ValidationError(
                {"papers": [f"Chưa đính kèm: {name}." for name in missing]},
            )
        details = _clean_details({**_profile_details(actor), **(applicant_details or {})})
        case = fee_case_for(version, fee_case, required=fee_case_required)
        if result_delivery not in ResultDelivery.values:
            raise ValidationError({"result_delivery": ["Hình thức nhận kết quả không hợp lệ."]})
        dossier, code_owner = _create(
            actor=actor,
            version=version,
            competent=competent,
            receiving=receiving,
            channel=Channel.ONLINE,
            applicant=actor,
            details=details,
            form_data=data,
            papers_received=[],
            set_count=1,
            fee_total=int(case.amount) if case is not None else 0,
            fee_case=case,
            result_delivery=result_delivery,
            idempotency_key=key,
            fingerprint=fingerprint,
            at=moment,
            desk_officer=None,
        )
        for upload, checked_file in checked:
            _store_attachment(
                dossier,
                checked_file,
                kind=AttachmentKind.PAPER if upload.paper_id else AttachmentKind.OTHER,
                actor=actor,
                at=moment,
                paper=papers.get(upload.paper_id) if upload.paper_id else None,
                copy_kind=upload.copy_kind,
            )
        pin = _after_intake(
            dossier, actor=actor, code_owner=code_owner, at=moment, data={"files": len(checked)}
        )
        return IntakeResult(dossier=dossier, pin=pin, created=True)


def _check_applicant_identity(applicant: User, details: Mapping[str, Any] | None) -> None:
    """Linking a counter dossier to an applicant's account needs the number on the identity
    paper shown at the desk (CCCD or tax code) to match the account: an account id alone would
    let anyone at a desk read any citizen's profile."""
    if not is_applicant(applicant):
        raise DomainError(
            "Tài khoản người nộp phải là công dân hoặc tổ chức, doanh nghiệp.",
            code="invalid_applicant",
        )
    given = "".join(str((details or {}).get("id_number") or "").split())
    known = {number for number in (applicant.citizen_id, applicant.tax_code) if number}
    if not given or given not in known:
        raise DomainError(
            "Số định danh cá nhân/mã số thuế không khớp với tài khoản người nộp.",
            code="applicant_mismatch",
        )


@transaction.atomic
def dossier_receive_at_counter(
    *,
    actor: User,
    procedure: ProcedureVersion | Procedure | str,
    applicant_details: Mapping[str, Any] | None = None,
    applicant: User | None = None,
    form_data: Mapping[str, Any] | None = None,
    papers: Sequence[PaperCount] = (),
    uploads: Sequence[Upload] = (),
    competent_organisation: Organisation | None = None,
    receiving_organisation: Organisation | None = None,
    channel: int = Channel.COUNTER,
    fee_total: int | None = None,
    set_count: int = 1,
    idempotency_key: str = "",
    fee_case: Fee | int | None = None,
    fee_case_required: bool = False,
    at: dt.datetime | None = None,
) -> IntakeResult:
    """A desk officer receives a dossier at the counter (or by post) for an applicant.

    The fee is the chosen ``fee_case``'s amount (a choice is required when the procedure has
    several cases), unless the officer enters ``fee_total`` (e.g. an exemption).

    ``papers`` is the receipt's table of papers handed in (every required paper at least once);
    the electronic form is optional at the counter but validated when given. An ``applicant``
    account is linked only when ``applicant_details["id_number"]`` (from the identity paper
    shown at the desk) matches its CCCD or tax code. The receiving
    organisation is the agency of the officer's desk (``receiving_organisation`` to choose when
    the officer works at several). Phi địa giới: the competent organisation may be any one
    competent for the procedure (``competent_organisation``).
    """
    moment = _moment(at)
    key = _clean_key(idempotency_key)
    desks = routing.desk_organisations(actor)
    if not is_official(actor) or not desks:
        raise DomainError(
            "Chỉ cán bộ bộ phận một cửa được tiếp nhận hồ sơ.",
            code="action_forbidden",
            status_code=403,
        )
    if receiving_organisation is None:
        receiving = desks[0]
    elif receiving_organisation.pk in {d.pk for d in desks}:
        receiving = receiving_organisation
    else:
        raise DomainError(
            "Bạn không làm việc tại bộ phận một cửa của nơi tiếp nhận đã chọn.",
            code="action_forbidden",
            status_code=403,
        )
    if channel not in (Channel.COUNTER, Channel.POST):
        raise DomainError("Kênh tiếp nhận tại quầy chỉ là trực tiếp hoặc bưu chính.", "bad_channel")
    if applicant is not None:
        _check_applicant_identity(applicant, applicant_details)
    if not 1 <= int(set_count) <= 99:
        raise ValidationError({"set_count": ["Số bộ hồ sơ từ 1 đến 99."]})
    if fee_total is not None and (isinstance(fee_total, bool) or int(fee_total) < 0):
        raise ValidationError({"fee_total": ["Phí, lệ phí phải là số nguyên không âm."]})
    with audit_actor(actor):
        if applicant is not None:
            User.objects.select_for_update().filter(pk=applicant.pk).first()
        version = _current_version(procedure, moment)
        paper_rows = _papers_by_id(version)
        checked = _check_uploads(uploads, paper_rows)
        competent = routing.resolve_competent(
            version, chosen=competent_organisation, fallback=receiving
        )
        fingerprint = _fingerprint(version, competent, form_data, checked)
        replay = _replay(applicant, key, fingerprint)
        if replay is not None:
            return replay
        data = _validate_form(version, dict(form_data or {}), required=False)
        table = _paper_table(papers, paper_rows)
        base = _profile_details(applicant) if applicant is not None else {}
        details = _clean_details({**base, **(applicant_details or {})})
        case = (
            fee_case_for(version, fee_case, required=fee_case_required)
            if fee_total is None or fee_case
            else None
        )
        if fee_total is None:
            fee_total = int(case.amount) if case is not None else 0
        dossier, code_owner = _create(
            actor=actor,
            version=version,
            competent=competent,
            receiving=receiving,
            channel=channel,
            applicant=applicant,
            details=details,
            form_data=data,
            papers_received=table,
            set_count=int(set_count),
            fee_total=int(fee_total),
            fee_case=case,
            idempotency_key=key if applicant is not None else "",
            fingerprint=fingerprint,
            at=moment,
            desk_officer=actor,
        )
        for upload, checked_file in checked:
            _store_attachment(
                dossier,
                checked_file,
                kind=AttachmentKind.PAPER if upload.paper_id else AttachmentKind.OTHER,
                actor=actor,
                at=moment,
                paper=paper_rows.get(upload.paper_id) if upload.paper_id else None,
                copy_kind=upload.copy_kind,
            )
        pin = _after_intake(
            dossier, actor=actor, code_owner=code_owner, at=moment, data={"files": len(checked)}
        )
        return IntakeResult(dossier=dossier, pin=pin, created=True)


def _paper_table(
    papers: Sequence[PaperCount], rows: Mapping[int, RequiredPaper]
) -> list[dict[str, Any]]:
    table: list[dict[str, Any]] = []
    seen: set[int] = set()
    for item in papers:
        paper = rows.get(item.paper_id)
        if paper is None:
            raise ValidationError({"papers": ["Giấy tờ không thuộc thành phần hồ sơ của thủ tục."]})
        counts = (item.original, item.certified_copy, item.photocopy)
        if any(isinstance(c, bool) or int(c) < 0 or int(c) > 99 for c in counts):
            raise ValidationError({"papers": ["Số bản mỗi loại từ 0 đến 99."]})
        if paper.pk in seen:
            raise ValidationError({"papers": [f"Giấy tờ «{paper.name}» được khai hai lần."]})
        seen.add(paper.pk)
        if sum(int(c) for c in counts) == 0:
            continue
        table.append(
            {
                "paper_id": paper.pk,
                "name": paper.name,
                "original": int(item.original),
                "certified_copy": int(item.certified_copy),
                "photocopy": int(item.photocopy),
            }
        )
    missing = [
        p.name for p in rows.values() if p.required and p.pk not in {t["paper_id"] for t in table}
    ]
    if missing:
        raise ValidationError(
            {
                "papers": [
                    "Hồ sơ chưa đủ thành phần, hướng dẫn người nộp bổ sung trước khi tiếp nhận: "
                    + "; ".join(missing)
                    + "."
                ]
            }
        )
    return table


# --------------------------------------------------------------------------------------------
# Workflow actions
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Not status changes: files, PIN, payment, signed results
# --------------------------------------------------------------------------------------------


def can_attach_file(user: object, dossier: Dossier) -> bool:
    if dossier.is_final:
        return False
    return (
        workflow.is_desk(user, dossier)
        or workflow.is_handler(user, dossier)
        or workflow.is_competent_manager(user, dossier)
    )


@transaction.atomic
def dossier_attach_file(
    *,
    actor: User,
    dossier: Dossier | int,
    upload: Upload,
    kind: str = AttachmentKind.OTHER,
    at: dt.datetime | None = None,
) -> DossierAttachment:
    """An official adds a file (a scanned paper or an internal document) to an open dossier."""
    if kind not in (AttachmentKind.PAPER, AttachmentKind.OTHER):
        raise DomainError("Loại tệp đính kèm không hợp lệ.", code="invalid_kind")
    with audit_actor(actor):
        locked = _lock(dossier)
        if not can_attach_file(actor, locked):
            raise DomainError(
                "Bạn không có quyền đính kèm tệp vào hồ sơ này.",
                code="action_forbidden",
                status_code=403,
            )
        moment = _moment(at, locked)
        papers = _papers_by_id(locked.procedure_version)
        [(checked_upload, checked)] = _check_uploads([upload], papers)
        _check_room(locked, 1)
        paper = papers.get(checked_upload.paper_id) if checked_upload.paper_id else None
        attachment = _store_attachment(
            locked,
            checked,
            kind=AttachmentKind.PAPER if paper is not None else kind,
            actor=actor,
            at=moment,
            paper=paper,
            copy_kind=checked_upload.copy_kind,
        )
        _record(
            locked,
            actor=actor,
            action="attach_file",
            from_status=locked.status,
            to_status=locked.status,
            at=moment,
            data={"attachment_id": attachment.pk, "name": attachment.original_name},
        )
        return attachment


@transaction.atomic
def dossier_reset_pin(*, actor: User, dossier: Dossier | int, at: dt.datetime | None = None) -> str:
    """Issue a new lookup PIN (a lost receipt, a retried submission): the applicant, or the
    receiving desk reprinting the receipt. Returns the new PIN (shown once)."""
    with audit_actor(actor):
        locked = _lock(dossier)
        if not (
            workflow.is_applicant_of(actor, locked) or workflow.is_receiving_desk(actor, locked)
        ):
            raise DomainError(
                "Bạn không có quyền cấp lại mã tra cứu của hồ sơ này.",
                code="action_forbidden",
                status_code=403,
            )
        moment = _moment(at, locked)
        pin = new_pin()
        locked.lookup_pin_hash = pin_digest(locked.code, pin)
        locked.save(update_fields=["lookup_pin_hash", "updated_at"])
        event = _record(
            locked,
            actor=actor,
            action="reset_pin",
            from_status=locked.status,
            to_status=locked.status,
            at=moment,
        )
        hooks.emit("pin_reset", dossier=locked, event_id=event.pk, actor=actor, pin=pin)
        return pin


@transaction.atomic
def dossier_set_payment_status(
    *,
    actor: User | None,
    dossier: Dossier | int,
    status: str,
    reference: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Record the payment state of the fees (for the payments app: gateway callbacks pass
    ``actor=None``, meaning the system)."""
    if status not in PaymentStatus.values:
        raise DomainError("Trạng thái thanh toán không hợp lệ.", code="invalid_payment_status")
    with audit_actor(actor):
        locked = _lock(dossier)
        moment = _moment(at, locked)
        previous = locked.payment_status
        locked.payment_status = status
        locked.save(update_fields=["payment_status", "updated_at"])
        event = _record(
            locked,
            actor=actor,
            action="payment",
            from_status=locked.status,
            to_status=locked.status,
            at=moment,
            data={"from": previous, "to": status, "reference": reference[:200]},
        )
        hooks.emit(
            "payment_updated",
            dossier=locked,
            event_id=event.pk,
            actor=actor,
            payment_status=status,
            reference=reference[:200],
        )
        return locked


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


# --------------------------------------------------------------------------------------------
# One entry point per action (the API's action endpoints)
# --------------------------------------------------------------------------------------------


def dossier_transition(*, actor: User, dossier: Dossier | int, action: str, **params: Any) -> Any:
    """Perform workflow ``action`` with its parameters (see each action's service)."""
    services: dict[str, Any] = {
        Action.TRANSFER: dossier_transfer,
        Action.ASSIGN: dossier_assign,
        Action.STEP_COMPLETE: dossier_step_complete,
        Action.SUBMIT_FOR_APPROVAL: dossier_submit_for_approval,
        Action.APPROVE: dossier_approve,
        Action.SEND_BACK: dossier_send_back,
        Action.FINISH: dossier_finish,
        Action.ATTACH_RESULT: dossier_attach_result,
        Action.CANCEL_RESULT: dossier_cancel_result,
        Action.RETURN_RESULT: dossier_return_result,
        Action.REQUEST_SUPPLEMENT: dossier_request_supplement,
        Action.SUPPLEMENT_ANSWER: dossier_supplement_answer,
        Action.REFUSE: dossier_refuse,
        Action.STOP: dossier_stop,
        Action.WITHDRAW: dossier_withdraw,
        Action.APOLOGISE: dossier_apologise,
        Action.RATE: dossier_rate,
    }
    service = services.get(action)
    if service is None:
        raise DomainError("Thao tác không tồn tại.", code="unknown_action")
    return service(actor=actor, dossier=dossier, **params)
