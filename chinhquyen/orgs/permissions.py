"""Who may change the organisation tree — built only on accounts.permissions predicates.

Only IT administrators write, and only inside the subtree of the unit their position is in:
the organisation changed, its new parent and every merged unit must be in that scope.
Creating (or moving something to) the top of the tree needs an IT administrator whose
position is at a top-level unit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from chinhquyen.accounts.models import Role
from chinhquyen.accounts.permissions import has_role_in, is_it_admin, units_with_role

from .models import Organisation

IT_ADMIN_ROLES = [Role.IT_ADMIN]


def is_org_admin(user: object) -> bool:
    """Holds an active IT administrator position somewhere (may open management pages)."""
    return bool(is_it_admin(user))


def can_create_root(user: object) -> bool:
    return any(unit.parent_id is None for unit in units_with_role(user, IT_ADMIN_ROLES))


def can_manage(user: object, org: Organisation | None) -> bool:
    """May change ``org`` or place units under it (``None``: the top of the tree)."""
    if org is None:
        return can_create_root(user)
    return has_role_in(user, org, IT_ADMIN_ROLES)


def can_manage_all(user: object, orgs: Iterable[Organisation | None]) -> bool:
    return all(can_manage(user, org) for org in orgs)


def can_move(user: object, org: Organisation, new_parent: Organisation | None) -> bool:
    return can_manage(user, org) and can_manage(user, new_parent)


def can_merge(user: object, predecessors: Iterable[Organisation], successor: Organisation) -> bool:
    return can_manage(user, successor) and can_manage_all(user, predecessors)


def import_authorizer(user: object) -> Callable[[Organisation | None], bool]:
    """The ``authorize`` callback organisations_import asks for each row."""

    def authorize(org: Organisation | None) -> bool:
        return can_manage(user, org)

    return authorize
