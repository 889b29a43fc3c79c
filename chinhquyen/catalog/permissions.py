"""Who may manage the procedure catalogue — built only on accounts.permissions predicates.

The catalogue is province-wide, so it is managed by IT administrators (Role.IT_ADMIN) whose
position is at a top-level unit (the province's root), and by superusers. Reading the published
catalogue is public.
"""

from __future__ import annotations

import rules

from chinhquyen.accounts.models import Role, User
from chinhquyen.accounts.permissions import units_with_role


@rules.predicate
def can_manage_catalog(user: object) -> bool:
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(unit.parent_id is None for unit in units_with_role(user, [Role.IT_ADMIN]))


rules.set_perm("catalog.manage_catalog", can_manage_catalog)
