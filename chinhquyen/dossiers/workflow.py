"""The dossier workflow: ONE table of allowed transitions and who may perform each action.

``TRANSITIONS`` maps ``(from_status, action)`` to the status the dossier ends in. Anything not in
the table is refused with a Vietnamese ``DomainError``. The one non-status target is ``RESUME``:
answering a supplement request returns the dossier to the status it had when its clock was
paused (kept in ``Dossier.status_before_pause``).

``ACTORS`` maps every action to a predicate ``(user, dossier) -> bool``: who may do it (a desk
officer of the receiving or competent organisation, a handler of the current step's unit, a
leader, the applicant ...). Services call ``check(dossier, action, user)`` with the row locked;
``available_actions(dossier, user)`` lists what a user may do now (the officer API shows it).

Step-dependent preconditions (e.g. "submit for approval" needs an approval step next) are
checked by ``services`` and also reported by ``available_actions`` through ``precondition``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import models

from chinhquyen.accounts.models import Role, User
from chinhquyen.accounts.permissions import has_role_in, is_official, units_with_role
from chinhquyen.core.api import DomainError
from chinhquyen.orgs.models import Organisation

from . import routing
from .models import Dossier, DossierStatus, StepKind

S = DossierStatus


class Action(models.TextChoices):
    TRANSFER = "transfer", "Chuyển xử lý"
    ASSIGN = "assign", "Phân công xử lý"
    STEP_COMPLETE = "step_complete", "Chuyển bước tiếp theo"
    SUBMIT_FOR_APPROVAL = "submit_for_approval", "Trình phê duyệt"
    APPROVE = "approve", "Phê duyệt"
    SEND_BACK = "send_back", "Trả lại để xử lý lại"
    FINISH = "finish", "Hoàn thành xử lý"
    ATTACH_RESULT = "attach_result", "Đính kèm kết quả"
    CANCEL_RESULT = "cancel_result", "Hủy kết quả"
    RETURN_RESULT = "return_result", "Trả kết quả"
    REQUEST_SUPPLEMENT = "request_supplement", "Yêu cầu bổ sung, hoàn thiện"
    SUPPLEMENT_ANSWER = "supplement_answer", "Nộp bổ sung"
    REFUSE = "refuse", "Từ chối tiếp nhận"
    STOP = "stop", "Dừng giải quyết"
    WITHDRAW = "withdraw", "Rút hồ sơ"
    APOLOGISE = "apologise", "Xin lỗi và hẹn lại"
    RATE = "rate", "Đánh giá mức độ hài lòng"


A = Action

# Target meaning "the status the dossier had before its clock was paused".
RESUME = "resume"

TRANSITIONS: dict[tuple[str, str], str] = {
    # at the one-stop desk, after intake
    (S.RECEIVED, A.TRANSFER): S.TRANSFERRED,
    (S.RECEIVED, A.REFUSE): S.REFUSED,
    (S.RECEIVED, A.REQUEST_SUPPLEMENT): S.SUPPLEMENT_REQUESTED,
    (S.RECEIVED, A.WITHDRAW): S.STOPPED,
    # arrived at the unit of a core step, nobody assigned yet
    (S.TRANSFERRED, A.ASSIGN): S.PROCESSING,
    (S.TRANSFERRED, A.STEP_COMPLETE): S.PROCESSING,
    (S.TRANSFERRED, A.SUBMIT_FOR_APPROVAL): S.AWAITING_APPROVAL,
    (S.TRANSFERRED, A.FINISH): S.RESULT_READY,
    (S.TRANSFERRED, A.ATTACH_RESULT): S.TRANSFERRED,
    (S.TRANSFERRED, A.REQUEST_SUPPLEMENT): S.SUPPLEMENT_REQUESTED,
    (S.TRANSFERRED, A.APOLOGISE): S.TRANSFERRED,
    (S.TRANSFERRED, A.STOP): S.STOPPED,
    (S.TRANSFERRED, A.WITHDRAW): S.STOPPED,
    # being processed (per step)
    (S.PROCESSING, A.ASSIGN): S.PROCESSING,
    (S.PROCESSING, A.STEP_COMPLETE): S.PROCESSING,
    (S.PROCESSING, A.SUBMIT_FOR_APPROVAL): S.AWAITING_APPROVAL,
    (S.PROCESSING, A.FINISH): S.RESULT_READY,
    (S.PROCESSING, A.ATTACH_RESULT): S.PROCESSING,
    (S.PROCESSING, A.CANCEL_RESULT): S.PROCESSING,
    (S.PROCESSING, A.REQUEST_SUPPLEMENT): S.SUPPLEMENT_REQUESTED,
    (S.PROCESSING, A.APOLOGISE): S.PROCESSING,
    (S.PROCESSING, A.STOP): S.STOPPED,
    (S.PROCESSING, A.WITHDRAW): S.STOPPED,
    # at a leader's approval step
    (S.AWAITING_APPROVAL, A.APPROVE): S.RESULT_READY,
    (S.AWAITING_APPROVAL, A.SEND_BACK): S.PROCESSING,
    (S.AWAITING_APPROVAL, A.STEP_COMPLETE): S.PROCESSING,
    (S.AWAITING_APPROVAL, A.SUBMIT_FOR_APPROVAL): S.AWAITING_APPROVAL,
    (S.AWAITING_APPROVAL, A.ATTACH_RESULT): S.AWAITING_APPROVAL,
    (S.AWAITING_APPROVAL, A.CANCEL_RESULT): S.AWAITING_APPROVAL,
    (S.AWAITING_APPROVAL, A.APOLOGISE): S.AWAITING_APPROVAL,
    (S.AWAITING_APPROVAL, A.STOP): S.STOPPED,
    (S.AWAITING_APPROVAL, A.WITHDRAW): S.STOPPED,
    # waiting for the applicant (clock paused)
    (S.SUPPLEMENT_REQUESTED, A.SUPPLEMENT_ANSWER): RESUME,
    (S.SUPPLEMENT_REQUESTED, A.STOP): S.STOPPED,
    (S.SUPPLEMENT_REQUESTED, A.WITHDRAW): S.STOPPED,
    # result at the desk
    (S.RESULT_READY, A.RETURN_RESULT): S.RETURNED,
    # a result added after the approval needs a new approval (its own seal) before return
    (S.RESULT_READY, A.APPROVE): S.RESULT_READY,
    (S.RESULT_READY, A.ATTACH_RESULT): S.RESULT_READY,
    (S.RESULT_READY, A.CANCEL_RESULT): S.RESULT_READY,
    # returned: results may still be cancelled (they stay retrievable); the applicant rates
    (S.RETURNED, A.CANCEL_RESULT): S.RETURNED,
    (S.RETURNED, A.RATE): S.RETURNED,
}

STATUSES: tuple[str, ...] = tuple(S.values)
ACTIONS: tuple[str, ...] = tuple(A.values)


# --------------------------------------------------------------------------------------------
# Who may act
# --------------------------------------------------------------------------------------------

HANDLER_ROLES = frozenset({Role.SPECIALIST, Role.UNIT_HEAD, Role.LEADER})
MANAGER_ROLES = frozenset({Role.UNIT_HEAD, Role.LEADER})
# Roles an official may be assigned a step with (the step's responsible role may be any).
ASSIGNABLE_ROLES = frozenset(
    {Role.SPECIALIST, Role.UNIT_HEAD, Role.LEADER, Role.DESK_OFFICER, Role.CLERK}
)
# Roles that act on a step only when the process names them (clerk's stamping, a desk step).
STEP_ONLY_ROLES = frozenset({Role.DESK_OFFICER, Role.CLERK})


def _covers(unit: Organisation, org: Organisation) -> bool:
    """A position in ``unit`` acts for ``org``: ``unit`` is ``org``, inside it or above it."""
    return org.path.startswith(unit.path) or unit.path.startswith(org.path)


def is_desk_officer_of(user: object, org: Organisation | None) -> bool:
    """A desk officer whose desk belongs to ``org`` (the desk unit is inside the agency) or
    whose position is at or above it."""
    if org is None:
        return False
    return any(_covers(unit, org) for unit in units_with_role(user, [Role.DESK_OFFICER]))


def is_desk(user: object, dossier: Dossier) -> bool:
    """Desk officer of the receiving or of the competent organisation."""
    return is_desk_officer_of(user, dossier.receiving_organisation) or is_desk_officer_of(
        user, dossier.competent_organisation
    )


def is_receiving_desk(user: object, dossier: Dossier) -> bool:
    return is_desk_officer_of(user, dossier.receiving_organisation)


def is_applicant_of(user: object, dossier: Dossier) -> bool:
    return (
        isinstance(user, User)
        and user.is_authenticated
        and user.is_active
        and dossier.applicant_id is not None
        and dossier.applicant_id == user.pk
    )


def step_roles(dossier: Dossier) -> set[str]:
    """Roles that work on the current step in its unit."""
    step = dossier.current_step
    roles: set[str] = set(MANAGER_ROLES)
    role = step.responsible_role if step is not None else ""
    if step is not None and step.is_external:
        # inter-agency step: whoever of the unit tracks the hand-over and records the hand-back
        roles |= {Role.SPECIALIST, Role.DESK_OFFICER}
    elif role:
        roles.add(role)
    else:
        roles.add(Role.SPECIALIST)
    if (
        Role.SPECIALIST in roles
        and dossier.current_assignee_id is not None
        and not (step is not None and step.is_external)
    ):
        # assigned: the other specialists of the unit no longer act on it
        roles.discard(Role.SPECIALIST)
    return roles


def is_handler(user: object, dossier: Dossier) -> bool:
    """Works on the current step: its assignee, or a holder of the step's role (or a unit head
    or leader) in the current unit."""
    unit = dossier.current_unit
    if unit is None or not is_official(user):
        return False
    if dossier.current_assignee_id is not None and dossier.current_assignee_id == getattr(
        user, "pk", None
    ):
        return has_role_in(user, unit, ASSIGNABLE_ROLES)
    return has_role_in(user, unit, step_roles(dossier))


def is_unit_manager(user: object, dossier: Dossier) -> bool:
    return has_role_in(user, dossier.current_unit, MANAGER_ROLES)


def is_leader_here(user: object, dossier: Dossier) -> bool:
    return has_role_in(user, dossier.current_unit, [Role.LEADER])


def is_competent_manager(user: object, dossier: Dossier) -> bool:
    """Unit head or leader of the current unit, or leader of the competent organisation."""
    return is_unit_manager(user, dossier) or has_role_in(
        user, dossier.competent_organisation, [Role.LEADER]
    )


def _request_supplement(user: object, dossier: Dossier) -> bool:
    if dossier.status == S.RECEIVED:
        return is_desk(user, dossier)
    return is_handler(user, dossier)


def _at_approval(user: object, dossier: Dossier) -> bool:
    """Moving on from an approval step is the leader's decision; elsewhere the handler's."""
    if dossier.status == S.AWAITING_APPROVAL:
        return is_leader_here(user, dossier)
    return is_handler(user, dossier)


def _approve(user: object, dossier: Dossier) -> bool:
    """The leader of the approval step; once the result is at the desk, a leader of the
    competent organisation (re-approving a result changed after the approval)."""
    if dossier.status == S.RESULT_READY:
        return has_role_in(user, dossier.competent_organisation, [Role.LEADER])
    return is_leader_here(user, dossier)


def _attach_result(user: object, dossier: Dossier) -> bool:
    if dossier.status == S.RESULT_READY:
        return is_receiving_desk(user, dossier) or is_competent_manager(user, dossier)
    return is_handler(user, dossier)


def _cancel_result(user: object, dossier: Dossier) -> bool:
    return has_role_in(user, dossier.competent_organisation, [Role.LEADER]) or (
        dossier.status in (S.PROCESSING, S.AWAITING_APPROVAL) and is_handler(user, dossier)
    )


def _supplement_answer(user: object, dossier: Dossier) -> bool:
    # the applicant online, or the desk for an applicant who brings the papers in person
    return is_applicant_of(user, dossier) or is_desk(user, dossier)


def _withdraw(user: object, dossier: Dossier) -> bool:
    # the applicant online, or the desk recording a written withdrawal request
    return is_applicant_of(user, dossier) or is_desk(user, dossier)


Predicate = Callable[[object, Dossier], bool]

ACTORS: dict[str, Predicate] = {
    A.TRANSFER: is_desk,
    A.REFUSE: is_desk,
    A.ASSIGN: is_unit_manager,
    A.STEP_COMPLETE: _at_approval,
    A.SUBMIT_FOR_APPROVAL: _at_approval,
    A.FINISH: is_handler,
    A.APPROVE: _approve,
    A.SEND_BACK: is_leader_here,
    A.ATTACH_RESULT: _attach_result,
    A.CANCEL_RESULT: _cancel_result,
    A.RETURN_RESULT: is_receiving_desk,
    A.REQUEST_SUPPLEMENT: _request_supplement,
    A.SUPPLEMENT_ANSWER: _supplement_answer,
    A.STOP: is_competent_manager,
    A.WITHDRAW: _withdraw,
    A.APOLOGISE: is_competent_manager,
    A.RATE: is_applicant_of,
}

assert set(ACTORS) == set(ACTIONS), "every action needs a predicate"


# --------------------------------------------------------------------------------------------
# Checking
# --------------------------------------------------------------------------------------------


def action_label(action: str) -> str:
    try:
        return str(Action(action).label)
    except ValueError:
        return action


def status_label(status: str) -> str:
    try:
        return str(DossierStatus(status).label)
    except ValueError:
        return status


def target_of(dossier: Dossier, action: str) -> str | None:
    """The status ``action`` leads to from the dossier's status, None when not allowed."""
    target = TRANSITIONS.get((dossier.status, action))
    if target == RESUME:
        return dossier.status_before_pause or S.PROCESSING
    return target


def check(dossier: Dossier, action: str, user: object) -> str:
    """The target status of ``action`` on ``dossier`` by ``user``, or a ``DomainError``:
    400 ``transition_not_allowed`` when the table forbids it, 403 ``action_forbidden`` when the
    user may not do it."""
    if action not in ACTIONS:
        raise DomainError("Thao tác không tồn tại.", code="unknown_action")
    target = target_of(dossier, action)
    if target is None:
        raise DomainError(
            f"Không thể thực hiện «{action_label(action)}» khi hồ sơ đang ở trạng thái "
            f"«{status_label(dossier.status)}».",
            code="transition_not_allowed",
        )
    if not ACTORS[action](user, dossier):
        raise DomainError(
            f"Bạn không có quyền thực hiện «{action_label(action)}» đối với hồ sơ này.",
            code="action_forbidden",
            status_code=403,
        )
    return target


def precondition(
    dossier: Dossier, action: str, plan: list[routing.PlannedStep] | None = None
) -> str | None:
    """Why ``action`` cannot be done now although the table allows it (Vietnamese), or None.

    Depends on the process plan (what comes next), results and ratings.
    """
    if plan is None:
        plan = routing.plan_of(dossier.procedure_version)
    step = dossier.current_step
    following = routing.next_core(plan, step)
    at_core = dossier.status in (S.TRANSFERRED, S.PROCESSING, S.AWAITING_APPROVAL)
    if action == A.STEP_COMPLETE and at_core:
        if following is None:
            return "Đây là bước xử lý cuối cùng: dùng «Hoàn thành xử lý» hoặc «Phê duyệt»."
        if following.kind == StepKind.APPROVAL:
            return "Bước tiếp theo là phê duyệt: dùng «Trình phê duyệt»."
    if (
        action == A.SUBMIT_FOR_APPROVAL
        and at_core
        and (following is None or following.kind != StepKind.APPROVAL)
    ):
        return "Bước tiếp theo của quy trình không phải bước phê duyệt."
    if action in (A.FINISH, A.APPROVE) and at_core and following is not None:
        return "Quy trình còn bước xử lý tiếp theo: dùng «Chuyển bước tiếp theo»."
    if action == A.SEND_BACK:
        back = routing.previous_core(
            plan, step, kinds=frozenset({StepKind.WORK, StepKind.EXTERNAL})
        )
        if back is None:
            return "Không có bước xử lý trước đó để trả lại."
    if dossier.status == S.RESULT_READY and action in (A.APPROVE, A.RETURN_RESULT):
        pending = dossier.results.filter(
            cancelled_at__isnull=True, approved_at__isnull=True
        ).exists()
        if action == A.APPROVE and not pending:
            return "Kết quả của hồ sơ đã được phê duyệt."
        if action == A.RETURN_RESULT and pending:
            return (
                "Kết quả đã thay đổi sau khi phê duyệt: cần lãnh đạo phê duyệt lại trước khi "
                "trả kết quả."
            )
    if action == A.CANCEL_RESULT and not dossier.results.filter(cancelled_at__isnull=True).exists():
        return "Hồ sơ chưa có kết quả nào để hủy."
    if action == A.APOLOGISE and dossier.apologised_at is not None:
        return "Hồ sơ đã được hẹn lại một lần; chỉ được hẹn lại một lần."
    if action == A.RATE and hasattr(dossier, "rating"):
        return "Hồ sơ đã được đánh giá."
    return None


def available_actions(dossier: Dossier, user: object) -> list[str]:
    """Actions ``user`` may perform on ``dossier`` right now (table, predicate, precondition)."""
    out: list[str] = []
    plan: list[routing.PlannedStep] | None = None
    for action in ACTIONS:
        if target_of(dossier, action) is None:
            continue
        if not ACTORS[action](user, dossier):
            continue
        if plan is None:
            plan = routing.plan_of(dossier.procedure_version)
        if precondition(dossier, action, plan) is not None:
            continue
        out.append(action)
    return out


def allowed_pairs() -> Iterable[tuple[str, str]]:
    return TRANSITIONS.keys()
