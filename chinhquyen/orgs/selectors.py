"""Reads of the organisation tree.

The public directory is public (any visitor sees active organisations); management reads are
scoped to the IT administrator's subtree (``organisations_manageable_by``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone

from chinhquyen.accounts.models import Role
from chinhquyen.accounts.permissions import scope_units
from chinhquyen.core.collation import vi_sort
from chinhquyen.core.text import normalize_search

from .models import Organisation, OrganisationKind, OrganisationQuerySet

# Display order of siblings: committee, its office and centre, departments, communes, units.
KIND_ORDER: dict[str, int] = {
    OrganisationKind.PROVINCIAL_COMMITTEE: 0,
    OrganisationKind.SERVICE_CENTRE: 2,
    OrganisationKind.DEPARTMENT: 3,
    OrganisationKind.OTHER: 4,
    OrganisationKind.COMMUNE_COMMITTEE: 5,
    OrganisationKind.UNIT: 6,
    OrganisationKind.ONE_STOP_DESK: 7,
}
MAX_QUERY_WORDS = 8


def search_filter(q: str | None) -> Q:
    """Accent- and case-insensitive match of every word of ``q`` on ``search_text``."""
    words = normalize_search(q).split()[:MAX_QUERY_WORDS]
    cond = Q()
    for word in words:
        cond &= Q(search_text__contains=word)
    return cond


def organisation_list(
    *,
    kind: str | None = None,
    parent: Organisation | int | None = None,
    active_on: dt.date | None = None,
    q: str | None = None,
) -> OrganisationQuerySet:
    """Organisations in tree order (``path``), with their parent loaded.

    ``active_on`` keeps those valid on that day (None: no date filter); ``q`` searches names,
    short names and agency codes without regard to accents ("so tu phap" finds "Sở Tư pháp").
    """
    qs = Organisation.objects.select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if parent is not None:
        qs = qs.filter(parent_id=parent.pk if isinstance(parent, Organisation) else parent)
    if active_on is not None:
        qs = qs.active(active_on)
    if q:
        qs = qs.filter(search_filter(q))
    return qs.order_by("path")


def organisation_by_code(agency_code: str) -> Organisation | None:
    code = (agency_code or "").strip().upper()
    if not code:
        return None
    return Organisation.objects.select_related("parent").filter(agency_code=code).first()


def organisation_detail_queryset(*, active_on: dt.date | None = None) -> OrganisationQuerySet:
    """For detail views: parent, children (valid on ``active_on``, default today),
    predecessors and successors loaded in a fixed number of queries."""
    on = active_on or timezone.localdate()
    children = Organisation.objects.active(on).order_by("path")
    return Organisation.objects.select_related("parent").prefetch_related(
        Prefetch("children", queryset=children, to_attr="active_children"),
        Prefetch("predecessors", queryset=Organisation.objects.order_by(vi_sort("name"))),
        Prefetch("successors", queryset=Organisation.objects.order_by(vi_sort("name"))),
    )


def organisations_manageable_by(user: object) -> OrganisationQuerySet:
    """The subtrees of the units where ``user`` holds an active IT administrator position."""
    return scope_units(user, [Role.IT_ADMIN]).select_related("parent").order_by("path")


# --- tree for display ------------------------------------------------------------------------


@dataclass
class OrgNode:
    org: Organisation
    children: list[OrgNode] = field(default_factory=list)

    @property
    def has_children(self) -> bool:
        return bool(self.children)


def _sort_key(node: OrgNode) -> tuple[int, bool, str, str]:
    """Kind, then agency code (codes are issued in the official order), then name."""
    org = node.org
    return (
        KIND_ORDER.get(org.kind, 9),
        not org.agency_code,
        org.agency_code,
        normalize_search(org.name),
    )


def organisation_tree(orgs: Iterable[Organisation]) -> list[OrgNode]:
    """Nest a flat collection of organisations. An organisation whose parent is not in the
    collection becomes a top-level node. Siblings are ordered by kind, then name."""
    nodes = {org.pk: OrgNode(org) for org in orgs}
    roots: list[OrgNode] = []
    for node in nodes.values():
        parent = nodes.get(node.org.parent_id) if node.org.parent_id else None
        (parent.children if parent else roots).append(node)

    def sort(items: list[OrgNode]) -> None:
        items.sort(key=_sort_key)
        for item in items:
            sort(item.children)

    sort(roots)
    return roots


def flatten_tree(nodes: Iterable[OrgNode], level: int = 0) -> list[tuple[Organisation, int]]:
    """Depth-first (organisation, level) pairs of a tree built by organisation_tree."""
    out: list[tuple[Organisation, int]] = []
    stack = [(node, level) for node in reversed(list(nodes))]
    while stack:
        node, lvl = stack.pop()
        out.append((node.org, lvl))
        stack.extend((child, lvl + 1) for child in reversed(node.children))
    return out


# --- lineage (mergers) -----------------------------------------------------------------------


@dataclass(frozen=True)
class Lineage:
    """Everything ``org`` descends from and everything that succeeded it, transitively."""

    org: Organisation
    predecessors: list[Organisation]
    successors: list[Organisation]

    @property
    def ids(self) -> set[int]:
        """``org`` and its whole lineage: roll reports up with ``unit_id__in=lineage.ids``."""
        return {self.org.pk, *(o.pk for o in self.predecessors), *(o.pk for o in self.successors)}


def _walk(start: int, forward: bool) -> list[int]:
    through = Organisation.predecessors.through
    src, dst = (
        ("from_organisation_id", "to_organisation_id")
        if forward
        else ("to_organisation_id", "from_organisation_id")
    )
    order: list[int] = []
    seen = {start}
    frontier = {start}
    while frontier:
        found = set(through.objects.filter(**{f"{src}__in": frontier}).values_list(dst, flat=True))
        frontier = found - seen
        seen |= frontier
        order.extend(sorted(frontier))
    return order


def organisation_lineage(org: Organisation) -> Lineage:
    """Predecessors (following ``predecessors`` links) and successors (the reverse links),
    transitively — e.g. a pre-2025 district, the communes that replaced it, and whatever
    those merge into later. One query per generation plus one to load the organisations."""
    pred_ids = _walk(org.pk, forward=True)
    succ_ids = _walk(org.pk, forward=False)
    loaded = Organisation.objects.in_bulk([*pred_ids, *succ_ids])
    return Lineage(
        org=org,
        predecessors=[loaded[i] for i in pred_ids if i in loaded],
        successors=[loaded[i] for i in succ_ids if i in loaded],
    )
