"""Where a dossier goes: the receiving agency, the competent organisation, and the unit of each
process step.

Terms used here:

- An **agency** is an organisation that is not an internal unit: a People's Committee, a
  department, the Public Administration Service Centre. A one-stop desk (``ONE_STOP_DESK``) or a
  unit (``UNIT``) belongs to the nearest agency above it. Dossier codes carry the receiving
  agency's code (see ``services.dossier_code_prefix``).
- A version's **process plan** is its steps in order, each classified: leading one-stop desk
  steps are *intake*, trailing one-stop desk steps are *return*, the steps between them are
  *core* steps: *approval* (responsible role leader), *external* (liên thông, ``is_external``) or
  *work* (anything else).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from chinhquyen.accounts.models import Position, Role, User
from chinhquyen.accounts.permissions import units_with_role
from chinhquyen.catalog.models import ProcedureVersion, ProcessStep
from chinhquyen.catalog.selectors import is_competent
from chinhquyen.core.api import DomainError
from chinhquyen.orgs.models import Organisation, OrganisationKind

from .models import StepKind

INTERNAL_KINDS = frozenset({OrganisationKind.UNIT, OrganisationKind.ONE_STOP_DESK})


def agency_of(org: Organisation) -> Organisation:
    """The nearest organisation at or above ``org`` that is an agency (not an internal unit)."""
    if org.kind not in INTERNAL_KINDS:
        return org
    ancestors = list(org.ancestors().order_by("-depth"))
    for ancestor in ancestors:
        if ancestor.kind not in INTERNAL_KINDS:
            return ancestor
    return ancestors[-1] if ancestors else org


def coded_organisation(org: Organisation) -> Organisation | None:
    """``org`` when it has an agency code, else its nearest ancestor that has one."""
    if org.agency_code:
        return org
    for ancestor in org.ancestors().order_by("-depth"):
        if ancestor.agency_code:
            return ancestor
    return None


def desk_organisations(user: object) -> list[Organisation]:
    """The agencies whose one-stop desk ``user`` works at (path order, no duplicates); cached on
    the user object for the request, like the positions."""
    cached: list[Organisation] | None = getattr(user, "_desk_agencies", None)
    if cached is not None:
        return cached
    seen: dict[int, Organisation] = {}
    for unit in units_with_role(user, [Role.DESK_OFFICER]):
        agency = agency_of(unit)
        seen.setdefault(agency.pk, agency)
    result = sorted(seen.values(), key=lambda o: o.path)
    if isinstance(user, User):
        user._desk_agencies = result  # type: ignore[attr-defined]
    return result


# --------------------------------------------------------------------------------------------
# The process plan
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedStep:
    index: int
    step: ProcessStep
    kind: str  # StepKind value


def step_kind_of(step: ProcessStep) -> str:
    if step.is_external:
        return StepKind.EXTERNAL
    if step.responsible_role == Role.LEADER:
        return StepKind.APPROVAL
    return StepKind.WORK


def plan_of(version: ProcedureVersion) -> list[PlannedStep]:
    steps = list(
        version.steps.select_related("responsible_unit", "external_organisation").order_by(
            "order", "pk"
        )
    )
    is_desk = [s.responsible_role == Role.DESK_OFFICER and not s.is_external for s in steps]
    core_positions = [i for i, desk in enumerate(is_desk) if not desk]
    first_core = core_positions[0] if core_positions else len(steps)
    last_core = core_positions[-1] if core_positions else -1
    plan: list[PlannedStep] = []
    for index, step in enumerate(steps):
        kind: str
        if index < first_core:
            kind = StepKind.INTAKE
        elif index > last_core:
            kind = StepKind.RETURN
        else:
            kind = step_kind_of(step)
        plan.append(PlannedStep(index=index, step=step, kind=kind))
    return plan


def core_steps(plan: list[PlannedStep]) -> list[PlannedStep]:
    return [p for p in plan if p.kind not in (StepKind.INTAKE, StepKind.RETURN)]


def position_in(plan: list[PlannedStep], step: ProcessStep | None) -> int | None:
    if step is None:
        return None
    for planned in plan:
        if planned.step.pk == step.pk:
            return planned.index
    return None


def next_core(plan: list[PlannedStep], current: ProcessStep | None) -> PlannedStep | None:
    """The core step after ``current`` (the first core step when ``current`` is an intake step
    or None before any core step was reached)."""
    index = position_in(plan, current)
    for planned in core_steps(plan):
        if index is None or planned.index > index:
            return planned
    return None


def previous_core(
    plan: list[PlannedStep], current: ProcessStep | None, *, kinds: frozenset[str]
) -> PlannedStep | None:
    index = position_in(plan, current)
    if index is None:
        return None
    candidates = [p for p in core_steps(plan) if p.index < index and p.kind in kinds]
    return candidates[-1] if candidates else None


def return_step(plan: list[PlannedStep]) -> PlannedStep | None:
    returns = [p for p in plan if p.kind == StepKind.RETURN]
    return returns[0] if returns else None


def intake_step(plan: list[PlannedStep]) -> PlannedStep | None:
    intakes = [p for p in plan if p.kind == StepKind.INTAKE]
    return intakes[0] if intakes else None


# --------------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------------


def online_receiving_organisation(
    version: ProcedureVersion, competent: Organisation
) -> Organisation:
    """Where an online dossier is received: the agency of the intake step's explicit unit (the
    province's service centre for department procedures), else the competent organisation."""
    intake = intake_step(plan_of(version))
    if intake is not None and intake.step.responsible_unit is not None:
        return agency_of(intake.step.responsible_unit)
    return competent


def resolve_competent(
    version: ProcedureVersion,
    *,
    chosen: Organisation | None,
    fallback: Organisation | None,
) -> Organisation:
    """The competent organisation of a new dossier.

    ``chosen`` (the applicant's or desk's choice) must be competent for the version. Without a
    choice: the only explicit competent organisation; for commune procedures
    (``competent_all_communes``) the receiving commune when the dossier is received at one; a
    version that names no organisation of the directory (a vertical agency outside it) is
    handled by the receiving organisation (``fallback``), which tracks the inter-agency steps.
    """
    if chosen is not None:
        if not chosen.is_active() or not is_competent(version, chosen):
            raise DomainError(
                f"{chosen.name} không có thẩm quyền giải quyết thủ tục này.",
                code="not_competent",
            )
        return chosen
    explicit = [o for o in version.competent_organisations.all() if o.is_active()]
    if (
        version.competent_all_communes
        and fallback is not None
        and fallback.kind == OrganisationKind.COMMUNE_COMMITTEE
    ):
        return fallback
    if len(explicit) == 1 and not version.competent_all_communes:
        return explicit[0]
    if explicit or version.competent_all_communes:
        raise DomainError(
            "Vui lòng chọn cơ quan giải quyết hồ sơ (UBND cấp xã hoặc cơ quan có thẩm quyền).",
            code="competent_organisation_required",
        )
    if fallback is None:
        raise DomainError(
            "Thủ tục chưa xác định cơ quan giải quyết trong danh bạ, vui lòng nộp trực tiếp.",
            code="competent_organisation_required",
        )
    return fallback


def unit_for_step(
    step: ProcessStep, *, competent: Organisation, previous_unit: Organisation | None
) -> tuple[Organisation, str]:
    """(unit that performs ``step``, external organisation name when outside the directory).

    - inter-agency step: the external organisation; when it is not in the directory, the unit
      that hands the dossier over keeps it and records the hand-back (``external_name``);
    - an explicit responsible unit;
    - a unit kind: the competent organisation itself when it is of that kind, else the first unit
      of that kind inside it where an official holds the step's role, else the first unit of that
      kind, else the competent organisation (a unit head may re-route with ``unit=``);
    - nothing: the competent organisation.
    """
    if step.is_external:
        if step.external_organisation is not None:
            return step.external_organisation, ""
        return previous_unit or competent, step.external_organisation_name
    if step.responsible_unit is not None:
        return step.responsible_unit, ""
    kind = step.responsible_unit_kind
    if kind:
        if competent.kind == kind:
            return competent, ""
        candidates = Organisation.objects.active().filter(
            path__startswith=competent.path, kind=kind
        )
        if step.responsible_role:
            staffed = candidates.filter(
                Exists(
                    Position.objects.active().filter(
                        unit=OuterRef("pk"), role=step.responsible_role, user__is_active=True
                    )
                )
            )
            found = staffed.order_by("path").first()
            if found is not None:
                return found, ""
        found = candidates.order_by("path").first()
        if found is not None:
            return found, ""
    return competent, ""


def check_unit_choice(unit: Organisation, *, allowed_roots: list[Organisation]) -> None:
    """A unit chosen by an official for the next step must lie inside one of ``allowed_roots``
    (the competent organisation, the step's responsible unit or external organisation)."""
    if not unit.is_active() or not any(unit.path.startswith(r.path) for r in allowed_roots):
        raise DomainError(
            f"Không thể chuyển hồ sơ đến {unit.name}: đơn vị không thuộc cơ quan giải quyết.",
            code="invalid_unit",
        )
