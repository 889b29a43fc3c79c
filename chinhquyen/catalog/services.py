"""Writes to the procedure catalogue. Keyword-only, typed, one transaction each, audited.

Versioning rules:
- a procedure has at most one draft; published and retired versions are immutable (every
  write below refuses them): editing means ``version_create_draft`` (a copy of the current
  published version), changing the draft, then ``version_publish``;
- at most one published version is in force on any day: publishing closes the previous one
  the day before the new one takes effect (or retires it when it would never take effect).

``actor=None`` means the system (demo loader, import command); a user actor must be allowed
to manage the catalogue (``permissions.can_manage_catalog``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from chinhquyen.core.api import DomainError
from chinhquyen.core.audit import audit_actor
from chinhquyen.core.text import normalize_search
from chinhquyen.core.uploads import sanitize_filename
from chinhquyen.orgs.models import Organisation

from .forms_schema import schema_problems
from .models import (
    Fee,
    FeeKind,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredPaper,
    TimeUnit,
    VersionStatus,
)
from .permissions import can_manage_catalog

VERSION_FIELDS = frozenset(
    {
        "name",
        "competent_all_communes",
        "competent_description",
        "online_level",
        "processing_time",
        "processing_time_unit",
        "processing_time_note",
        "legal_basis",
        "result_type",
        "result_name",
        "applicants",
        "description",
        "conditions",
        "implementing_steps",
        "no_papers_required",
        "form_schema",
    }
)
FEE_FIELDS = frozenset({"order", "kind", "case_description", "amount", "note"})
PAPER_FIELDS = frozenset(
    {
        "order",
        "name",
        "original_count",
        "certified_copy_count",
        "photocopy_count",
        "required",
        "note",
        "template",
    }
)
STEP_FIELDS = frozenset(
    {
        "order",
        "name",
        "responsible_unit",
        "responsible_unit_kind",
        "responsible_role",
        "allotted_hours",
        "is_external",
        "external_organisation",
        "external_organisation_name",
    }
)
_ONE_DAY = dt.timedelta(days=1)


# --------------------------------------------------------------------------------------------
# Guards
# --------------------------------------------------------------------------------------------


def _authorize(actor: object | None) -> None:
    if actor is None:
        return
    if not can_manage_catalog(actor):
        raise DomainError(
            "Bạn không có quyền quản lý danh mục thủ tục hành chính.",
            code="permission_denied",
            status_code=403,
        )


def _require_draft(version: ProcedureVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise DomainError(
            "Phiên bản đã công bố hoặc đã bãi bỏ không được sửa; hãy tạo bản nháp mới.",
            code="version_not_draft",
            status_code=409,
        )


def _locked_version(version: ProcedureVersion) -> ProcedureVersion:
    return (
        ProcedureVersion.objects.select_for_update().select_related("procedure").get(pk=version.pk)
    )


def _reject_unknown(data: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise DomainError(f"Không thể sửa thông tin: {', '.join(unknown)}.", code="unknown_fields")


def _hours(value: object) -> Decimal:
    return Decimal(str(value or 0))


def _fmt_hours(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def steps_total_hours(
    version: ProcedureVersion, *, excluding: ProcessStep | None = None
) -> Decimal:
    qs = ProcessStep.objects.filter(version=version)
    if excluding is not None and excluding.pk:
        qs = qs.exclude(pk=excluding.pk)
    return _hours(qs.aggregate(total=Sum("allotted_hours"))["total"])


def steps_exceed_message(total: Decimal, version: ProcedureVersion) -> str | None:
    """The Vietnamese error when ``total`` hours exceed the statutory time, else None."""
    limit = version.statutory_hours()
    if total <= limit:
        return None
    if version.processing_time_unit == TimeUnit.WORKING_DAYS:
        legal = (
            f"{_fmt_hours(limit)} giờ = {_fmt_hours(_hours(version.processing_time))} "
            "ngày làm việc × 8 giờ"
        )
    else:
        legal = f"{_fmt_hours(limit)} giờ làm việc"
    return (
        f"Tổng thời gian các bước ({_fmt_hours(total)} giờ) vượt quá thời hạn giải quyết "
        f"theo quy định ({legal})."
    )


def _check_steps(version: ProcedureVersion, total: Decimal) -> None:
    message = steps_exceed_message(total, version)
    if message:
        raise DomainError(message, code="steps_exceed_statutory")


def _refresh_version_search(version: ProcedureVersion) -> None:
    version.search_text = normalize_search(f"{version.name} {version.procedure.code}")[:700]


def _refresh_procedure_search(procedure: Procedure) -> None:
    names = list(
        procedure.versions.exclude(status=VersionStatus.RETIRED)
        .order_by("-number")
        .values_list("name", flat=True)[:2]
    )
    text = normalize_search(" ".join([procedure.code, *names]))[:700]
    if text != procedure.search_text:
        procedure.search_text = text
        Procedure.objects.filter(pk=procedure.pk).update(search_text=text)


def _next_order(manager: Any) -> int:
    return int(manager.aggregate(m=Max("order"))["m"] or 0) + 1


# --------------------------------------------------------------------------------------------
# Fields and procedures
# --------------------------------------------------------------------------------------------


@transaction.atomic
def field_upsert(*, actor: object | None, code: str, name: str) -> Field:
    """Create the field with ``code`` or rename it."""
    _authorize(actor)
    with audit_actor(actor):
        code = code.strip()
        name = " ".join(name.split())
        field = Field.objects.select_for_update().filter(code=code).first()
        if field is None:
            field = Field(code=code, name=name)
        elif field.name == name:
            return field
        field.name = name
        field.search_text = normalize_search(f"{code} {name}")[:300]
        field.full_clean()
        field.save()
        return field


@transaction.atomic
def procedure_create(
    *,
    actor: object | None,
    code: str,
    field: Field,
    level: str,
    name: str,
    competent_organisations: Iterable[Organisation] = (),
    **version_data: Any,
) -> Procedure:
    """Create a procedure and its first draft version (number 1) holding ``name`` and
    ``version_data`` (any of ``VERSION_FIELDS``)."""
    _authorize(actor)
    _reject_unknown(version_data, VERSION_FIELDS)
    with audit_actor(actor):
        code = code.strip()
        if Procedure.objects.filter(code=code).exists():
            raise DomainError(
                f"Mã thủ tục {code} đã tồn tại.", code="duplicate_code", status_code=409
            )
        procedure = Procedure(code=code, field=field, level=level)
        procedure.full_clean()
        procedure.save()
        version = ProcedureVersion(
            procedure=procedure,
            number=1,
            status=VersionStatus.DRAFT,
            name=" ".join(name.split()),
            created_by=actor if getattr(actor, "pk", None) else None,  # type: ignore[misc]
        )
        for key, value in version_data.items():
            setattr(version, key, value)
        _refresh_version_search(version)
        version.full_clean()
        version.save()
        orgs = list(competent_organisations)
        if orgs:
            version.competent_organisations.set(orgs)
        _refresh_procedure_search(procedure)
        return procedure


@transaction.atomic
def procedure_update(
    *, actor: object | None, procedure: Procedure, data: Mapping[str, Any]
) -> Procedure:
    """Change the identity-level data of a procedure (its field, its level)."""
    _authorize(actor)
    _reject_unknown(data, frozenset({"field", "level"}))
    with audit_actor(actor):
        procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
        changed = False
        for key, value in data.items():
            if getattr(procedure, key) != value:
                setattr(procedure, key, value)
                changed = True
        if changed:
            procedure.full_clean()
            procedure.save()
        return procedure


# --------------------------------------------------------------------------------------------
# Versions
# --------------------------------------------------------------------------------------------


def _copy_children(source: ProcedureVersion, target: ProcedureVersion) -> None:
    target.competent_organisations.set(source.competent_organisations.all())
    Fee.objects.bulk_create(
        Fee(
            version=target,
            order=f.order,
            kind=f.kind,
            case_description=f.case_description,
            amount=f.amount,
            note=f.note,
        )
        for f in source.fees.all()
    )
    for p in source.papers.all():
        paper = RequiredPaper(
            version=target,
            order=p.order,
            name=p.name,
            original_count=p.original_count,
            certified_copy_count=p.certified_copy_count,
            photocopy_count=p.photocopy_count,
            required=p.required,
            note=p.note,
            template_name=p.template_name,
        )
        # Stored templates are never modified in place, so versions can share the file.
        paper.template.name = p.template.name or ""
        paper.save()
    ProcessStep.objects.bulk_create(
        ProcessStep(
            version=target,
            order=s.order,
            name=s.name,
            responsible_unit_id=s.responsible_unit_id,
            responsible_unit_kind=s.responsible_unit_kind,
            responsible_role=s.responsible_role,
            allotted_hours=s.allotted_hours,
            is_external=s.is_external,
            external_organisation_id=s.external_organisation_id,
            external_organisation_name=s.external_organisation_name,
        )
        for s in source.steps.all()
    )


@transaction.atomic
def version_create_draft(
    *,
    actor: object | None,
    procedure: Procedure,
    from_version: ProcedureVersion | None = None,
) -> ProcedureVersion:
    """Open a new draft copied from ``from_version`` (default: the version in force today,
    else the latest version). A procedure has at most one draft."""
    _authorize(actor)
    with audit_actor(actor):
        procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
        if procedure.versions.filter(status=VersionStatus.DRAFT).exists():
            raise DomainError(
                f"Thủ tục {procedure.code} đã có một bản nháp đang soạn.",
                code="draft_exists",
                status_code=409,
            )
        if from_version is not None and from_version.procedure_id != procedure.pk:
            raise DomainError("Phiên bản nguồn không thuộc thủ tục này.", code="wrong_procedure")
        source = (
            from_version
            or procedure.versions.valid_on().first()
            or procedure.versions.order_by("-number").first()
        )
        if source is None:
            raise DomainError("Thủ tục chưa có phiên bản nào để sao chép.", code="no_source")
        number = int(procedure.versions.aggregate(m=Max("number"))["m"] or 0) + 1
        draft = ProcedureVersion(
            procedure=procedure,
            number=number,
            status=VersionStatus.DRAFT,
            created_by=actor if getattr(actor, "pk", None) else None,  # type: ignore[misc]
        )
        for key in VERSION_FIELDS:
            setattr(draft, key, getattr(source, key))
        _refresh_version_search(draft)
        draft.full_clean()
        draft.save()
        _copy_children(source, draft)
        return draft


@transaction.atomic
def version_update(
    *,
    actor: object | None,
    version: ProcedureVersion,
    data: Mapping[str, Any],
    competent_organisations: Iterable[Organisation] | None = None,
) -> ProcedureVersion:
    """Change a draft's fields (any of ``VERSION_FIELDS``) and/or its competent organisations."""
    _authorize(actor)
    _reject_unknown(data, VERSION_FIELDS)
    with audit_actor(actor):
        version = _locked_version(version)
        _require_draft(version)
        for key, value in data.items():
            setattr(version, key, value)
        if "name" in data:
            version.name = " ".join(str(version.name).split())
        _refresh_version_search(version)
        version.full_clean()
        if {"processing_time", "processing_time_unit"} & set(data):
            _check_steps(version, steps_total_hours(version))
        version.save()
        if competent_organisations is not None:
            version.competent_organisations.set(list(competent_organisations))
        _refresh_procedure_search(version.procedure)
        return version


def publish_problems(version: ProcedureVersion) -> list[str]:
    """Why ``version`` cannot be published yet (Vietnamese), empty when it can."""
    problems: list[str] = []
    if not version.name.strip():
        problems.append("Chưa nhập tên thủ tục.")
    if _hours(version.processing_time) <= 0:
        problems.append("Chưa nhập thời hạn giải quyết.")
    has_papers = version.papers.exists()
    if not has_papers and not version.no_papers_required:
        problems.append(
            "Chưa có thành phần hồ sơ (hoặc đánh dấu «không yêu cầu thành phần hồ sơ»)."
        )
    if has_papers and version.no_papers_required:
        problems.append(
            "Đã đánh dấu «không yêu cầu thành phần hồ sơ» nhưng vẫn khai báo thành phần hồ sơ."
        )
    if not (
        version.competent_all_communes
        or version.competent_description.strip()
        or version.competent_organisations.exists()
    ):
        problems.append("Chưa xác định cơ quan có thẩm quyền giải quyết.")
    message = steps_exceed_message(steps_total_hours(version), version)
    if message:
        problems.append(message)
    problems.extend(schema_problems(version.form_schema))
    return problems


@transaction.atomic
def version_publish(
    *,
    actor: object | None,
    version: ProcedureVersion,
    valid_from: dt.date | None = None,
) -> ProcedureVersion:
    """Publish a draft from ``valid_from`` (default today); the version in force until then
    is closed the day before (a published version that would never take effect is retired)."""
    _authorize(actor)
    with audit_actor(actor):
        # Lock the procedure first: publications of one procedure are serialised.
        procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
        version = _locked_version(version)
        _require_draft(version)
        problems = publish_problems(version)
        if problems:
            raise DomainError("Chưa thể công bố: " + " ".join(problems), code="version_incomplete")
        valid_from = valid_from or timezone.localdate()
        now = timezone.now()
        overlapping = (
            procedure.versions.select_for_update()
            .filter(status=VersionStatus.PUBLISHED)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
            .order_by("valid_from")
        )
        for other in overlapping:
            assert other.valid_from is not None
            if other.valid_from < valid_from:
                other.valid_to = valid_from - _ONE_DAY
            else:
                other.status = VersionStatus.RETIRED
                other.retired_at = now
                other.valid_to = other.valid_from
            other.save(update_fields=["valid_to", "status", "retired_at", "updated_at"])
        version.status = VersionStatus.PUBLISHED
        version.valid_from = valid_from
        version.valid_to = None
        version.published_at = now
        version.full_clean()
        version.save()
        _refresh_procedure_search(procedure)
        return version


@transaction.atomic
def version_retire(
    *,
    actor: object | None,
    version: ProcedureVersion,
    last_day: dt.date | None = None,
) -> ProcedureVersion:
    """Withdraw a published version (the procedure is abolished or replaced elsewhere).

    It stops being offered at once; ``last_day`` (default today) closes its validity."""
    _authorize(actor)
    with audit_actor(actor):
        version = _locked_version(version)
        if version.status != VersionStatus.PUBLISHED:
            raise DomainError(
                "Chỉ bãi bỏ được phiên bản đã công bố.",
                code="version_not_published",
                status_code=409,
            )
        assert version.valid_from is not None
        last_day = last_day or timezone.localdate()
        if version.valid_to is not None:
            last_day = min(last_day, version.valid_to)
        version.valid_to = max(last_day, version.valid_from)
        version.status = VersionStatus.RETIRED
        version.retired_at = timezone.now()
        version.save(update_fields=["valid_to", "status", "retired_at", "updated_at"])
        _refresh_procedure_search(version.procedure)
        return version


@transaction.atomic
def version_delete_draft(*, actor: object | None, version: ProcedureVersion) -> None:
    """Discard a draft (published versions are never deleted)."""
    _authorize(actor)
    with audit_actor(actor):
        version = _locked_version(version)
        _require_draft(version)
        procedure = version.procedure
        version.delete()
        if not procedure.versions.exists():
            procedure.delete()


def _messages_of(exc: ValidationError, model: type[Any]) -> list[str]:
    """Flatten a model ValidationError into "<field label>: <message>" strings."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    out: list[str] = []
    for name, errors in exc.message_dict.items():
        try:
            label = str(model._meta.get_field(name).verbose_name)
        except Exception:  # NON_FIELD_ERRORS or an unknown name
            label = ""
        for message in errors:
            out.append(f"{label.capitalize()}: {message}" if label else message)
    return out


def _build_children(
    version: ProcedureVersion,
    model: type[Any],
    rows: Sequence[Mapping[str, Any]],
    allowed: frozenset[str],
    key: str,
    errors: dict[str, list[str]],
    existing: Mapping[int, Any] | None = None,
) -> list[Any]:
    built: list[Any] = []
    for index, row in enumerate(rows):
        row = dict(row)
        row_id = row.pop("id", None)
        unknown = sorted(set(row) - allowed)
        if unknown:
            errors[f"{key}.{index}"] = [f"Thông tin không hợp lệ: {', '.join(unknown)}."]
            continue
        if row_id is not None and existing is not None and row_id in existing:
            obj = existing[row_id]
        else:
            obj = model(version=version)
        template = row.pop("template", None) if "template" in allowed else None
        for name, value in row.items():
            if name == "allotted_hours":
                value = _hours(value)
            elif name in ("name", "case_description", "note"):
                value = " ".join(str(value or "").split())
            setattr(obj, name, value)
        if not row.get("order"):
            obj.order = index + 1
        if template is False:  # cleared (only the link: other versions may share the file)
            obj.template.name = ""
            obj.template_name = ""
        elif template is not None and not isinstance(template, FieldFile):
            _attach_template(obj, template)
        if model is Fee and "amount" in row:
            amount = row["amount"]
            if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
                errors.setdefault(f"{key}.{index}", []).append(
                    "Mức thu (đồng): phải là số nguyên không âm."
                )
                continue
        try:
            obj.full_clean(exclude=["version"])
        except ValidationError as exc:
            errors.setdefault(f"{key}.{index}", []).extend(_messages_of(exc, model))
            continue
        built.append(obj)
    return built


@transaction.atomic
def version_save_draft(
    *,
    actor: object | None,
    version: ProcedureVersion,
    data: Mapping[str, Any] | None = None,
    competent_organisations: Iterable[Organisation] | None = None,
    fees: Sequence[Mapping[str, Any]] | None = None,
    papers: Sequence[Mapping[str, Any]] | None = None,
    steps: Sequence[Mapping[str, Any]] | None = None,
) -> ProcedureVersion:
    """Save a draft as a whole: its fields and, for each of ``fees`` / ``papers`` / ``steps``
    that is given, the complete new list (rows are dicts of the model fields; a paper row may
    carry ``"id"`` to keep an existing paper with its template, and ``"template"`` for a new
    upload). The final state is validated before anything is written (the steps' total against
    the statutory time included). Raises ``ValidationError`` keyed ``"version"``, ``"fees.<i>"``,
    ``"papers.<i>"``, ``"steps.<i>"`` or ``"steps"`` (Vietnamese messages)."""
    _authorize(actor)
    if data:
        _reject_unknown(data, VERSION_FIELDS)
    with audit_actor(actor):
        version = _draft_of(version)
        errors: dict[str, list[str]] = {}
        for name, value in (data or {}).items():
            setattr(version, name, value)
        version.name = " ".join(str(version.name).split())
        _refresh_version_search(version)
        try:
            version.full_clean()
        except ValidationError as exc:
            errors["version"] = _messages_of(exc, ProcedureVersion)
        new_fees = (
            _build_children(version, Fee, fees, FEE_FIELDS, "fees", errors)
            if fees is not None
            else None
        )
        existing_papers = {p.pk: p for p in version.papers.all()}
        new_papers = (
            _build_children(
                version, RequiredPaper, papers, PAPER_FIELDS, "papers", errors, existing_papers
            )
            if papers is not None
            else None
        )
        new_steps = (
            _build_children(version, ProcessStep, steps, STEP_FIELDS, "steps", errors)
            if steps is not None
            else None
        )
        total = (
            sum((_hours(s.allotted_hours) for s in new_steps), Decimal(0))
            if new_steps is not None
            else steps_total_hours(version)
        )
        if "version" not in errors:
            message = steps_exceed_message(total, version)
            if message:
                errors["steps"] = [message]
        if errors:
            raise ValidationError(errors)

        version.save()
        if competent_organisations is not None:
            version.competent_organisations.set(list(competent_organisations))
        if new_fees is not None:
            for fee in version.fees.all():
                fee.delete()
            for fee in new_fees:
                fee.save()
        if new_papers is not None:
            kept = {p.pk for p in new_papers if p.pk}
            for paper in existing_papers.values():
                if paper.pk not in kept:
                    paper.delete()
            for paper in new_papers:
                paper.save()
        if new_steps is not None:
            for step in version.steps.all():
                step.delete()
            for step in new_steps:
                step.save()
        _refresh_procedure_search(version.procedure)
        return version


# --------------------------------------------------------------------------------------------
# Fees, papers, steps (drafts only)
# --------------------------------------------------------------------------------------------


def _draft_of(version: ProcedureVersion) -> ProcedureVersion:
    version = _locked_version(version)
    _require_draft(version)
    return version


@transaction.atomic
def fee_add(
    *,
    actor: object | None,
    version: ProcedureVersion,
    amount: int,
    kind: str = FeeKind.FEE,
    case_description: str = "",
    note: str = "",
    order: int | None = None,
) -> Fee:
    _authorize(actor)
    with audit_actor(actor):
        version = _draft_of(version)
        fee = Fee(
            version=version,
            order=order if order is not None else _next_order(version.fees),
            kind=kind,
            case_description=case_description.strip(),
            amount=amount,
            note=note.strip(),
        )
        _validate_amount(amount)
        fee.full_clean()
        fee.save()
        return fee


def _validate_amount(amount: object) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValidationError({"amount": "Mức thu phải là số nguyên không âm (đồng)."})


@transaction.atomic
def fee_update(*, actor: object | None, fee: Fee, data: Mapping[str, Any]) -> Fee:
    _authorize(actor)
    _reject_unknown(data, FEE_FIELDS)
    with audit_actor(actor):
        fee = Fee.objects.select_for_update().get(pk=fee.pk)
        _draft_of(fee.version)
        for key, value in data.items():
            setattr(fee, key, value)
        if "amount" in data:
            _validate_amount(data["amount"])
        fee.full_clean()
        fee.save()
        return fee


@transaction.atomic
def fee_delete(*, actor: object | None, fee: Fee) -> None:
    _authorize(actor)
    with audit_actor(actor):
        fee = Fee.objects.select_for_update().get(pk=fee.pk)
        _draft_of(fee.version)
        fee.delete()


def _attach_template(paper: RequiredPaper, template: File | None) -> None:
    if template is None:
        return
    # Only for display and download: no directories, control or bidirectional characters.
    original = sanitize_filename(str(getattr(template, "name", "") or "mau"))
    paper.template = template  # type: ignore[assignment]
    paper.template_name = original[:255]


@transaction.atomic
def paper_add(
    *,
    actor: object | None,
    version: ProcedureVersion,
    name: str,
    original_count: int = 0,
    certified_copy_count: int = 0,
    photocopy_count: int = 0,
    required: bool = True,
    note: str = "",
    order: int | None = None,
    template: File | None = None,
) -> RequiredPaper:
    _authorize(actor)
    with audit_actor(actor):
        version = _draft_of(version)
        paper = RequiredPaper(
            version=version,
            order=order if order is not None else _next_order(version.papers),
            name=" ".join(name.split()),
            original_count=original_count,
            certified_copy_count=certified_copy_count,
            photocopy_count=photocopy_count,
            required=required,
            note=note.strip(),
        )
        _attach_template(paper, template)
        paper.full_clean()
        paper.save()
        return paper


@transaction.atomic
def paper_update(
    *, actor: object | None, paper: RequiredPaper, data: Mapping[str, Any]
) -> RequiredPaper:
    """Change a draft's paper; ``data["template"]`` may be an upload or None (remove)."""
    _authorize(actor)
    _reject_unknown(data, PAPER_FIELDS)
    with audit_actor(actor):
        paper = RequiredPaper.objects.select_for_update().get(pk=paper.pk)
        _draft_of(paper.version)
        for key, value in data.items():
            if key == "template":
                if value is None:
                    # Only the link is removed: other versions may share the stored file.
                    paper.template.name = ""
                    paper.template_name = ""
                else:
                    _attach_template(paper, value)
            else:
                setattr(paper, key, value)
        paper.full_clean()
        paper.save()
        return paper


@transaction.atomic
def paper_delete(*, actor: object | None, paper: RequiredPaper) -> None:
    _authorize(actor)
    with audit_actor(actor):
        paper = RequiredPaper.objects.select_for_update().get(pk=paper.pk)
        _draft_of(paper.version)
        paper.delete()


@transaction.atomic
def step_add(
    *,
    actor: object | None,
    version: ProcedureVersion,
    name: str,
    allotted_hours: Decimal | int | float | str,
    responsible_unit: Organisation | None = None,
    responsible_unit_kind: str = "",
    responsible_role: str = "",
    is_external: bool = False,
    external_organisation: Organisation | None = None,
    external_organisation_name: str = "",
    order: int | None = None,
) -> ProcessStep:
    _authorize(actor)
    with audit_actor(actor):
        version = _draft_of(version)
        step = ProcessStep(
            version=version,
            order=order if order is not None else _next_order(version.steps),
            name=" ".join(name.split()),
            responsible_unit=responsible_unit,
            responsible_unit_kind=responsible_unit_kind,
            responsible_role=responsible_role,
            allotted_hours=_hours(allotted_hours),
            is_external=is_external,
            external_organisation=external_organisation,
            external_organisation_name=external_organisation_name.strip(),
        )
        step.full_clean()
        _check_steps(version, steps_total_hours(version) + _hours(step.allotted_hours))
        step.save()
        return step


@transaction.atomic
def step_update(*, actor: object | None, step: ProcessStep, data: Mapping[str, Any]) -> ProcessStep:
    _authorize(actor)
    _reject_unknown(data, STEP_FIELDS)
    with audit_actor(actor):
        step = ProcessStep.objects.select_for_update().get(pk=step.pk)
        version = _draft_of(step.version)
        for key, value in data.items():
            setattr(step, key, _hours(value) if key == "allotted_hours" else value)
        step.full_clean()
        _check_steps(
            version, steps_total_hours(version, excluding=step) + _hours(step.allotted_hours)
        )
        step.save()
        return step


@transaction.atomic
def step_delete(*, actor: object | None, step: ProcessStep) -> None:
    _authorize(actor)
    with audit_actor(actor):
        step = ProcessStep.objects.select_for_update().get(pk=step.pk)
        _draft_of(step.version)
        step.delete()
