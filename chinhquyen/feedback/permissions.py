"""Who may do what with a citizen report: the one place of authorization of this app.

- the coordinating unit (its officials, any position in its subtree) classifies, merges and
  publishes; it sees every item;
- the competent unit (the item's current ``unit``) sees the items routed to it: its heads and
  leaders assign, return, approve and publish; its specialists answer;
- the sender (a signed-in citizen, or whoever holds the code and PIN) reads, rates, reopens.
"""

from __future__ import annotations

from chinhquyen.accounts.models import Role, User
from chinhquyen.accounts.permissions import (
    has_role_in,
    is_applicant,
    is_official,
    units_with_role,
)
from chinhquyen.core.api import DomainError
from chinhquyen.orgs.models import Organisation

from .models import FeedbackItem

__all__ = ["is_applicant", "is_official"]

HANDLER_ROLES = (Role.SPECIALIST, Role.UNIT_HEAD, Role.LEADER, Role.CLERK, Role.DESK_OFFICER)
HEAD_ROLES = (Role.UNIT_HEAD, Role.LEADER)


def require(allowed: bool) -> None:
    if not allowed:
        raise DomainError(
            "Bạn không có quyền thực hiện thao tác này.", code="permission_denied", status_code=403
        )


def works_in(user: object, unit: Organisation | None) -> bool:
    return is_official(user) and has_role_in(user, unit, HANDLER_ROLES)


def coordinates(user: object) -> bool:
    """An official of the coordinating unit (or of a unit above it)."""
    from .services import coordinating_unit

    if not is_official(user):
        return False
    try:
        unit = coordinating_unit()
    except DomainError:
        return False
    return has_role_in(user, unit, HANDLER_ROLES)


def can_classify(user: object, item: FeedbackItem) -> bool:
    return coordinates(user) and has_role_in(user, item.coordinating_unit, HANDLER_ROLES)


def can_merge(user: object, item: FeedbackItem) -> bool:
    return can_classify(user, item)


def can_lead_unit(user: object, item: FeedbackItem) -> bool:
    return is_official(user) and has_role_in(user, item.unit, HEAD_ROLES)


def can_answer(user: object, item: FeedbackItem) -> bool:
    if not is_official(user) or item.unit is None:
        return False
    if item.assignee_id is not None and item.assignee_id == getattr(user, "pk", None):
        return True
    return has_role_in(user, item.unit, (Role.SPECIALIST, *HEAD_ROLES))


def can_approve(user: object, item: FeedbackItem) -> bool:
    return can_lead_unit(user, item)


def can_publish(user: object, item: FeedbackItem) -> bool:
    return can_classify(user, item) or can_lead_unit(user, item)


def can_see(user: object, item: FeedbackItem) -> bool:
    """Officials of the coordinating unit or of the unit the item is (or was) routed to; the
    signed-in sender."""
    if isinstance(user, User) and item.citizen_id is not None and item.citizen_id == user.pk:
        return True
    if not is_official(user):
        return False
    return can_classify(user, item) or works_in(user, item.unit)


def official_units(user: object) -> list[Organisation]:
    return units_with_role(user, HANDLER_ROLES)
