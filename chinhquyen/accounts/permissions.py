"""Authorization predicates by position and unit — the one place every app asks "may this user…".

Scope rule: a position in unit U covers U and every unit below it (the materialised path).
Only active positions (validity dates) count. IT administrators manage the subtree of the
unit their position is in (the demo IT administrator sits at the province's root).
"""

from __future__ import annotations

from collections.abc import Iterable

import rules
from django.db.models import Q

from chinhquyen.orgs.models import Organisation, OrganisationQuerySet

from .models import Position, Role, User, UserKind

OFFICIAL_ROLES = frozenset(r.value for r in Role if r != Role.API_CLIENT)


def _positions(user: object) -> list[Position]:
    """Active positions of ``user``, cached on the user object for the request."""
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return []
    cached: list[Position] | None = getattr(user, "_active_positions", None)
    if cached is None:
        cached = list(Position.objects.active().filter(user=user).select_related("unit"))
        user._active_positions = cached  # type: ignore[attr-defined]
    return cached


def clear_cache(user: object) -> None:
    for attr in ("_active_positions", "_all_position_units"):
        if hasattr(user, attr):
            delattr(user, attr)


def roles_of(user: object) -> set[str]:
    return {p.role for p in _positions(user)}


def units_with_role(user: object, roles: Iterable[str] | None = None) -> list[Organisation]:
    wanted = set(roles) if roles is not None else None
    return [p.unit for p in _positions(user) if wanted is None or p.role in wanted]


def scope_units(user: object, roles: Iterable[str] | None = None) -> OrganisationQuerySet:
    """Every unit the user's (matching) positions cover: the position's unit and its subtree."""
    units = units_with_role(user, roles)
    return Organisation.objects.subtree_of(*units)


def scope_filter(user: object, field: str, roles: Iterable[str] | None = None) -> Q:
    """A Q object restricting ``<field>`` (a FK/path to Organisation) to the user's scope.

    Returns a Q that matches nothing when the user has no matching position.
    """
    units = units_with_role(user, roles)
    if not units:
        return Q(pk__in=[])
    cond = Q()
    for unit in units:
        cond |= Q(**{f"{field}__path__startswith": unit.path})
    return cond


def has_role_in(user: object, unit: Organisation | None, roles: Iterable[str]) -> bool:
    """True when the user holds one of ``roles`` in ``unit`` or in an ancestor of it."""
    if unit is None:
        return False
    wanted = set(roles)
    return any(p.role in wanted and unit.path.startswith(p.unit.path) for p in _positions(user))


def is_official(user: object) -> bool:
    return isinstance(user, User) and user.is_active and user.kind == UserKind.OFFICIAL


def is_applicant(user: object) -> bool:
    return (
        isinstance(user, User)
        and user.is_active
        and user.kind in (UserKind.CITIZEN, UserKind.BUSINESS)
    )


# --- django-rules predicates (for templates, DRF permissions and has_perm) -----------------


@rules.predicate
def is_it_admin(user: object) -> bool:
    return Role.IT_ADMIN in roles_of(user)


@rules.predicate
def is_official_pred(user: object) -> bool:
    return is_official(user)


@rules.predicate
def can_manage_organisation(user: object, org: Organisation | None) -> bool:
    if org is None:
        return is_it_admin(user)
    return has_role_in(user, org, [Role.IT_ADMIN])


@rules.predicate
def can_view_official(user: object, other: User | None) -> bool:
    """IT admins, leaders and unit heads see officials whose positions fall in their scope.

    IT admins also see officials whose positions in their scope have ended or not yet begun
    (they manage them: see ``can_manage_official``).
    """
    if other is None:
        return False
    if user == other:
        return True
    managing = [Role.IT_ADMIN, Role.LEADER, Role.UNIT_HEAD]
    if any(has_role_in(user, p.unit, managing) for p in _positions(other)):
        return True
    return can_manage_official(user, other)


# --- managing officials, API clients and tokens --------------------------------------------

MANAGING_ROLES = frozenset({Role.IT_ADMIN.value, Role.LEADER.value, Role.UNIT_HEAD.value})


def can_browse_officials(user: object) -> bool:
    """May open the list of officials (IT admins, leaders and unit heads)."""
    return bool(roles_of(user) & MANAGING_ROLES)


def can_assign_position(user: object, unit: Organisation | None) -> bool:
    """IT admins assign positions in the units of their scope."""
    return has_role_in(user, unit, [Role.IT_ADMIN])


def _all_position_units(other: User) -> list[Organisation]:
    """Units of every position of ``other`` (ended and future ones included)."""
    cached: list[Organisation] | None = getattr(other, "_all_position_units", None)
    if cached is None:
        cached = [p.unit for p in Position.objects.filter(user=other).select_related("unit")]
        other._all_position_units = cached  # type: ignore[attr-defined]
    return cached


@rules.predicate
def can_manage_official(user: object, other: User | None) -> bool:
    """IT admins manage officials and API clients with any position (even an ended one) in a
    unit of their scope. Citizens and businesses are never managed here."""
    if other is None or not isinstance(other, User):
        return False
    if other.kind not in (UserKind.OFFICIAL, UserKind.API_CLIENT):
        return False
    if not is_it_admin(user):
        return False
    return any(can_assign_position(user, unit) for unit in _all_position_units(other))


@rules.predicate
def can_issue_token(user: object, target: User | None) -> bool:
    """IT admins issue and revoke API tokens for the API clients and officials they manage."""
    return can_manage_official(user, target)


rules.add_perm("orgs.manage_organisation", can_manage_organisation)
rules.add_perm("accounts.view_official", can_view_official)
rules.add_perm("accounts.manage_official", can_manage_official)
rules.add_perm("accounts.issue_token", can_issue_token)
rules.add_perm("audit.browse", is_it_admin)
