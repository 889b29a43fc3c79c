"""Who may see and do what with official documents — the one place the documents app asks.

Built on ``chinhquyen.accounts.permissions`` (positions, their units and subtrees):

* **Clerks** (văn thư) work for the *issuing organisation* of their position's unit (the clerk
  of "Văn phòng Sở" registers for the department, see ``numbering.issuing_organisation``):
  they register incoming documents, submit them to a leader, return invalid ones, number and
  dispatch outgoing documents.
* **Leaders** assign, approve and sign in their scope (their unit and below).
* **Unit heads** see incoming documents assigned to their units and pass work to officials;
  they see outgoing documents drafted in their units.
* **Specialists** see the incoming documents they have a task on and their own drafts.
* **Secret documents** (secrecy other than "thường") are visible only to the people named on
  them: the registering clerk, the leader it was submitted to, the assigning leader, the heads
  of the assigned units and the officials with a task (incoming); the drafter, the reviewers,
  the signer and the numbering clerk (outgoing). Clerks of the organisation also see a secret
  document while it waits for them (an arrived one to register, an approved one to number).

Lists, searches, exports and details all use ``incoming_visibility`` / ``outgoing_visibility``,
so what a user may open is exactly what he may list.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from chinhquyen.accounts.models import Role, User
from chinhquyen.accounts.permissions import (
    has_role_in,
    is_official,
    units_with_role,
)
from chinhquyen.orgs.models import Organisation

from .models import (
    ApprovalStep,
    Assignment,
    AssignmentRole,
    IncomingDocument,
    IncomingStatus,
    OutgoingDocument,
    OutgoingStatus,
    ReviewDecision,
    Secrecy,
    Task,
)
from .numbering import issuing_organisation

DOCUMENT_ROLES = frozenset(
    {Role.CLERK.value, Role.LEADER.value, Role.UNIT_HEAD.value, Role.SPECIALIST.value}
)
MANAGER_ROLES = (Role.UNIT_HEAD, Role.LEADER)
NOTHING = Q(pk__in=[])


def _active_user(user: object) -> User | None:
    return user if isinstance(user, User) and is_official(user) else None


def clerk_organisations(user: object) -> list[Organisation]:
    """The issuing organisations the user is a clerk of (cached on the user object)."""
    u = _active_user(user)
    if u is None:
        return []
    cached: list[Organisation] | None = getattr(u, "_document_clerk_orgs", None)
    if cached is None:
        seen: dict[int, Organisation] = {}
        for unit in units_with_role(u, [Role.CLERK]):
            org = issuing_organisation(unit)
            seen.setdefault(org.pk, org)
        cached = list(seen.values())
        u._document_clerk_orgs = cached  # type: ignore[attr-defined]
    return cached


def clear_cache(user: object) -> None:
    if hasattr(user, "_document_clerk_orgs"):
        delattr(user, "_document_clerk_orgs")


def is_clerk_of(user: object, organisation: Organisation | None) -> bool:
    if organisation is None:
        return False
    return any(org.pk == organisation.pk for org in clerk_organisations(user))


def is_leader_of(user: object, organisation: Organisation | None) -> bool:
    return _active_user(user) is not None and has_role_in(user, organisation, [Role.LEADER])


def heads_unit(user: object, unit: Organisation | None) -> bool:
    """Unit head or leader over ``unit``."""
    return _active_user(user) is not None and has_role_in(user, unit, MANAGER_ROLES)


def works_in(user: object, unit: Organisation | None) -> bool:
    """Holds a document role in ``unit`` or above it."""
    return _active_user(user) is not None and has_role_in(user, unit, DOCUMENT_ROLES)


def uses_documents(user: object) -> bool:
    """Has at least one position that works with documents (menus, list pages)."""
    return _active_user(user) is not None and bool(units_with_role(user, DOCUMENT_ROLES))


# --- visibility -----------------------------------------------------------------------------


def _scope(user: User, field: str, roles: list[Role]) -> Q:
    """``<field>`` (a foreign key to Organisation) is a unit of the user's positions with one of
    ``roles`` or below it: ``IN`` a subquery on the organisation tree (hundreds of rows, hashed
    once per query), not a join to it per document (``scope_filter``)."""
    units = units_with_role(user, roles)
    if not units:
        return NOTHING
    return Q(**{f"{field}_id__in": Organisation.objects.subtree_of(*units).values("pk")})


def incoming_visibility(user: object) -> Q:
    """A filter on ``IncomingDocument`` keeping exactly what ``user`` may see."""
    u = _active_user(user)
    if u is None:
        return NOTHING
    uid = u.pk
    has_task = Exists(Task.objects.filter(document=OuterRef("pk"), assignee_id=uid))
    heads_assigned: Q | Exists = NOTHING
    if units_with_role(u, [Role.UNIT_HEAD]):
        heads_assigned = Exists(
            Assignment.objects.filter(document=OuterRef("pk"), active=True).filter(
                _scope(u, "unit", [Role.UNIT_HEAD])
            )
        )
    named = Q(registered_by_id=uid) | Q(submitted_to_id=uid) | Q(assigned_by_id=uid) | has_task
    clerk_orgs = [org.pk for org in clerk_organisations(u)]
    leader_scope = _scope(u, "organisation", [Role.LEADER])
    # cheapest first: PostgreSQL stops at the first true arm, so the per-row subqueries
    # (tasks, assignments) are not even built for a leader who sees the document anyway
    normal = leader_scope | Q(organisation_id__in=clerk_orgs) | heads_assigned | named
    secret = (
        named | heads_assigned | Q(status=IncomingStatus.RECEIVED, organisation_id__in=clerk_orgs)
    )
    return (Q(secrecy=Secrecy.NORMAL) & normal) | (~Q(secrecy=Secrecy.NORMAL) & secret)


DRAFT_STATES = (OutgoingStatus.DRAFT, OutgoingStatus.CANCELLED)
BEFORE_APPROVAL = (
    OutgoingStatus.DRAFT,
    OutgoingStatus.IN_REVIEW,
    OutgoingStatus.RETURNED,
    OutgoingStatus.CANCELLED,
)


def outgoing_visibility(user: object) -> Q:
    """A filter on ``OutgoingDocument`` keeping exactly what ``user`` may see."""
    u = _active_user(user)
    if u is None:
        return NOTHING
    uid = u.pk
    reviews = Exists(ApprovalStep.objects.filter(document=OuterRef("pk"), reviewer_id=uid))
    named = Q(drafted_by_id=uid) | Q(signer_id=uid) | Q(issued_by_id=uid) | reviews
    clerk_orgs = [org.pk for org in clerk_organisations(u)]
    clerks = Q(organisation_id__in=clerk_orgs) & ~Q(status__in=BEFORE_APPROVAL)
    leaders = _scope(u, "organisation", [Role.LEADER]) & ~Q(status__in=DRAFT_STATES)
    heads = _scope(u, "drafting_unit", [Role.UNIT_HEAD])
    normal = leaders | clerks | heads | named  # cheapest first, as above
    secret = named | Q(status=OutgoingStatus.APPROVED, organisation_id__in=clerk_orgs)
    return (Q(secrecy=Secrecy.NORMAL) & normal) | (~Q(secrecy=Secrecy.NORMAL) & secret)


def can_view_incoming(user: object, document: IncomingDocument) -> bool:
    return (
        IncomingDocument.objects.filter(pk=document.pk).filter(incoming_visibility(user)).exists()
    )


def can_view_outgoing(user: object, document: OutgoingDocument) -> bool:
    return (
        OutgoingDocument.objects.filter(pk=document.pk).filter(outgoing_visibility(user)).exists()
    )


# --- incoming actions -----------------------------------------------------------------------


def can_register(user: object, organisation: Organisation | None) -> bool:
    return is_clerk_of(user, organisation)


def can_clerk_incoming(user: object, document: IncomingDocument) -> bool:
    """Register an arrived document, submit it to a leader, return it to the sender."""
    return is_clerk_of(user, document.organisation)


def can_assign(user: object, document: IncomingDocument) -> bool:
    if not is_leader_of(user, document.organisation):
        return False
    return not document.is_secret or can_view_incoming(user, document)


def assigned_units(document: IncomingDocument) -> list[Assignment]:
    return list(document.assignments.filter(active=True).select_related("unit"))


def can_create_task(user: object, document: IncomingDocument, unit: Organisation) -> bool:
    """A unit head (or leader) over ``unit``, which is or lies under an assigned unit."""
    if not heads_unit(user, unit):
        return False
    if is_leader_of(user, document.organisation) and can_assign(user, document):
        return True
    return any(unit.path.startswith(a.unit.path) for a in assigned_units(document))


def can_complete(user: object, document: IncomingDocument) -> bool:
    if is_leader_of(user, document.organisation) and can_assign(user, document):
        return True
    lead = next((a for a in assigned_units(document) if a.role == AssignmentRole.LEAD), None)
    return lead is not None and has_role_in(user, lead.unit, [Role.UNIT_HEAD])


def can_update_task(user: object, task: Task) -> bool:
    return isinstance(user, User) and task.assignee_id == user.pk


# --- outgoing actions -----------------------------------------------------------------------


def can_draft(user: object, unit: Organisation | None) -> bool:
    return works_in(user, unit)


def draft_units(user: object) -> list[Organisation]:
    """Units the user may draft for (the units of his document positions)."""
    return units_with_role(user, DOCUMENT_ROLES) if _active_user(user) else []


def can_edit_draft(user: object, document: OutgoingDocument) -> bool:
    return (
        isinstance(user, User)
        and document.drafted_by_id == user.pk
        and document.status in (OutgoingStatus.DRAFT, OutgoingStatus.RETURNED)
    )


def can_be_reviewer(user: User, document: OutgoingDocument) -> bool:
    return heads_unit(user, document.drafting_unit) or is_leader_of(user, document.organisation)


def current_step(document: OutgoingDocument) -> ApprovalStep | None:
    return (
        document.approval_steps.filter(round=document.review_round, decision=ReviewDecision.PENDING)
        .select_related("reviewer")
        .order_by("order")
        .first()
    )


def can_review(user: object, document: OutgoingDocument) -> bool:
    if document.status != OutgoingStatus.IN_REVIEW or not isinstance(user, User):
        return False
    step = current_step(document)
    return step is not None and step.reviewer_id == user.pk


def can_issue(user: object, document: OutgoingDocument) -> bool:
    return is_clerk_of(user, document.organisation)


def can_sign(user: object, document: OutgoingDocument) -> bool:
    return (
        isinstance(user, User)
        and document.signer_id == user.pk
        and is_leader_of(user, document.organisation)
    )


def can_revoke(user: object, document: OutgoingDocument) -> bool:
    return is_clerk_of(user, document.organisation) or (
        is_leader_of(user, document.organisation) and can_view_outgoing(user, document)
    )
