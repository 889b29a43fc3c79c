"""Intake: online submission and reception at the counter (validation of the form and papers,
fee case, idempotency, the dossier code and the lookup PIN), the PIN reset and the payment status
the payments app reports."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from auditlog.context import disable_auditlog
from auditlog.receivers import log_create as audit_created
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from chinhquyen.accounts.models import User
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
from chinhquyen.orgs.models import Organisation

from . import clock, codes, conf, files, hooks, routing, workflow
from .models import (
    AttachmentKind,
    Channel,
    CopyKind,
    Dossier,
    DossierAttachment,
    DossierPause,
    PaymentStatus,
    ResultDelivery,
    StepKind,
)
from .pins import new_pin, pin_digest
from .recording import (
    IDEMPOTENCY_KEY_MAX,
    IntakeResult,
    PaperCount,
    S,
    Upload,
    _iso,
    _lock,
    _moment,
    _record,
    _refresh_search_text,
    _start_step,
    _user_or_none,
)


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
