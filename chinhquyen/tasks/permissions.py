"""Who may see and do what with directives and tasks — the one place the tasks app asks.

* **Visibility.** Leaders, unit heads and clerks see the tasks their units (and the units below
  them) lead, coordinate or assigned; specialists see the tasks assigned to them; everybody
  sees the tasks he assigned. A **confidential** task is seen only by the people named on it
  (and its assigner and assignee), whatever their position.
* **Assigning.** A leader assigns directives to units within his scope (his unit's subtree).
* **Delegating.** A leader or unit head of the lead unit delegates down its own subtree.
* **Reporting, completing, asking for an extension.** The lead unit's leaders and heads and the
  assigned specialist.
* **Accepting, returning, deciding an extension.** The assigner.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from chinhquyen.accounts.models import Role, User
from chinhquyen.accounts.permissions import has_role_in, is_official, units_with_role
from chinhquyen.orgs.models import Organisation

from .models import Task

SCOPE_ROLES = (Role.LEADER, Role.UNIT_HEAD, Role.CLERK)
MANAGER_ROLES = (Role.LEADER, Role.UNIT_HEAD)
NOTHING = Q(pk__in=[])


def official(user: object) -> User | None:
    return user if isinstance(user, User) and is_official(user) else None


def scope_unit_ids(user: object) -> list[int]:
    """Ids of every unit covered by the user's leader/head/clerk positions (subtrees)."""
    u = official(user)
    if u is None:
        return []
    cached: list[int] | None = getattr(u, "_task_scope_ids", None)
    if cached is None:
        units = units_with_role(u, SCOPE_ROLES)
        cached = (
            list(Organisation.objects.subtree_of(*units).values_list("pk", flat=True))
            if units
            else []
        )
        u._task_scope_ids = cached  # type: ignore[attr-defined]
    return cached


def visibility(user: object) -> Q:
    """The Q a task queryset is filtered with for ``user``."""
    u = official(user)
    if u is None:
        return NOTHING
    mine = Q(assigner=u) | Q(assignee=u)
    named = Exists(Task.named_people.through.objects.filter(task_id=OuterRef("pk"), user_id=u.pk))
    ids = scope_unit_ids(u)
    if ids:
        coordinated = Exists(
            Task.coordinating_units.through.objects.filter(
                task_id=OuterRef("pk"), organisation_id__in=ids
            )
        )
        by_unit = (Q(lead_unit_id__in=ids) | Q(assigner_unit_id__in=ids) | Q(coordinated)) & Q(
            confidential=False
        )
    else:
        by_unit = NOTHING
    return mine | Q(named) | by_unit


def can_view(user: object, task: Task) -> bool:
    u = official(user)
    if u is None:
        return False
    return Task.objects.filter(visibility(u), pk=task.pk).exists()


def can_assign(user: object, unit: Organisation | None = None) -> bool:
    u = official(user)
    if u is None:
        return False
    if unit is None:
        return bool(units_with_role(u, [Role.LEADER]))
    return has_role_in(u, unit, [Role.LEADER])


def assigning_unit(user: object) -> Organisation | None:
    units = units_with_role(user, [Role.LEADER])
    return min(units, key=lambda o: o.depth) if units else None


def is_lead_manager(user: object, task: Task) -> bool:
    return has_role_in(user, task.lead_unit, MANAGER_ROLES)


def can_work(user: object, task: Task) -> bool:
    """Report progress, report completion, ask for an extension."""
    u = official(user)
    if u is None:
        return False
    return task.assignee_id == u.pk or is_lead_manager(u, task)


def can_delegate(user: object, task: Task) -> bool:
    return official(user) is not None and is_lead_manager(user, task)


def can_decide(user: object, task: Task) -> bool:
    """Accept, return, decide an extension: the assigner."""
    u = official(user)
    return u is not None and task.assigner_id == u.pk
