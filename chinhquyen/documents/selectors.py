"""Reads of official documents, already scoped to what the user may see.

Every list, search, export and detail goes through ``incoming_for`` / ``outgoing_for`` (the
visibility rules of ``permissions``), so what a user can list is exactly what he can open.
Lists load what their rows show in a fixed number of queries (pinned in the tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from chinhquyen.accounts.models import Position, Role, User
from chinhquyen.accounts.permissions import units_with_role
from chinhquyen.core.collation import vi_sort
from chinhquyen.core.search import RankedResults, phrase_filter
from chinhquyen.orgs.models import Organisation

from . import permissions as perms
from .history import search_filter
from .models import (
    ApprovalStep,
    Assignment,
    AssignmentRole,
    DocumentEvent,
    DocumentType,
    ExchangeMessage,
    ExchangeStatus,
    IncomingDocument,
    IncomingStatus,
    OutgoingDocument,
    OutgoingStatus,
    RegisterKind,
    ReviewDecision,
    Task,
    TaskStatus,
)
from .numbering import issuing_organisation

# lead first, then coordinating units, then units for information
ROLE_ORDER = Case(
    When(role=AssignmentRole.LEAD, then=Value(0)),
    When(role=AssignmentRole.COORDINATE, then=Value(1)),
    default=Value(2),
)
ACTIVE_ASSIGNMENTS = Prefetch(
    "assignments",
    queryset=Assignment.objects.filter(active=True)
    .select_related("unit")
    .order_by(ROLE_ORDER, "pk"),
    to_attr="active_assignments",
)
CLOSED_INCOMING = (IncomingStatus.COMPLETED, IncomingStatus.RETURNED, IncomingStatus.WITHDRAWN)


def incoming_for(user: object) -> QuerySet[IncomingDocument]:
    return IncomingDocument.objects.filter(perms.incoming_visibility(user))


def outgoing_for(user: object) -> QuerySet[OutgoingDocument]:
    return OutgoingDocument.objects.filter(perms.outgoing_visibility(user))


def search_results(
    qs: QuerySet[IncomingDocument] | QuerySet[OutgoingDocument], q: str | None
) -> RankedResults:
    """A list's rows as pages show them: with a query of several words, the documents holding
    them as one phrase first (each group in the list's order, newest first); the count is
    bounded (``RankedResults``: "more than 1,000", never a count of every match)."""
    return RankedResults(qs, phrase=phrase_filter(q))


def _digits(q: str) -> int | None:
    text = q.strip().lstrip("0") or ("0" if q.strip() else "")
    return int(text) if text.isdigit() and len(text) <= 9 else None


def incoming_list(
    user: object,
    *,
    q: str | None = None,
    status: str | Iterable[str] | None = None,
    year: int | None = None,
    organisation: Organisation | int | None = None,
    urgency: str | None = None,
    secrecy: str | None = None,
    overdue: bool = False,
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
) -> QuerySet[IncomingDocument]:
    """Visible incoming documents, newest first, with what the list shows."""
    qs = incoming_for(user)
    if q and q.strip():
        number = _digits(q)
        cond = search_filter(q)
        qs = qs.filter(cond | Q(incoming_number=number) if number is not None else cond)
    if status:
        qs = qs.filter(status__in=[status] if isinstance(status, str) else list(status))
    if year:
        qs = qs.filter(received_at__year=year)
    if organisation:
        qs = qs.filter(organisation=organisation)
    if urgency:
        qs = qs.filter(urgency=urgency)
    if secrecy:
        qs = qs.filter(secrecy=secrecy)
    if overdue:
        qs = qs.filter(deadline__lt=timezone.localdate()).exclude(status__in=CLOSED_INCOMING)
    if received_from:
        qs = qs.filter(received_at__date__gte=received_from)
    if received_to:
        qs = qs.filter(received_at__date__lte=received_to)
    return (
        qs.select_related("organisation", "document_type", "sender_organisation")
        .prefetch_related(ACTIVE_ASSIGNMENTS)
        .order_by("-received_at", "-pk")
    )


def incoming_detail(user: object, pk: int) -> IncomingDocument:
    """One visible incoming document with everything its page shows (404 otherwise)."""
    document = (
        incoming_for(user)
        .select_related(
            "organisation",
            "document_type",
            "sender_organisation",
            "register",
            "registered_by",
            "submitted_to",
            "assigned_by",
            "completed_by",
            "reply",
        )
        .prefetch_related(
            ACTIVE_ASSIGNMENTS,
            "files",
            Prefetch(
                "tasks",
                queryset=Task.objects.select_related("assignee", "unit", "assigned_by").order_by(
                    "pk"
                ),
            ),
            Prefetch(
                "events",
                queryset=DocumentEvent.objects.select_related("actor").order_by("at", "pk"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404("Không tìm thấy văn bản đến.")
    return document


def active_assignments(document: IncomingDocument) -> list[Assignment]:
    """The current assignments of ``document``, lead unit first."""
    cached = getattr(document, "active_assignments", None)
    if cached is not None:
        return list(cached)
    return list(
        document.assignments.filter(active=True).select_related("unit").order_by(ROLE_ORDER, "pk")
    )


def incoming_messages(document: IncomingDocument) -> list[ExchangeMessage]:
    """Exchange messages that delivered ``document`` (with their statuses)."""
    return list(
        ExchangeMessage.objects.filter(incoming=document)
        .select_related("from_organisation", "to_organisation")
        .prefetch_related(
            Prefetch("statuses", queryset=ExchangeStatus.objects.order_by("at", "pk"))
        )
        .order_by("pk")
    )


def register_rows(
    user: object, *, kind: str, organisation: Organisation, year: int
) -> QuerySet[IncomingDocument] | QuerySet[OutgoingDocument]:
    """The rows of a register (by number) that ``user`` may see: the printable/Excel export."""
    if kind == RegisterKind.INCOMING:
        return (
            incoming_for(user)
            .filter(organisation=organisation, register__year=year)
            .select_related("register", "document_type")
            .prefetch_related(ACTIVE_ASSIGNMENTS)
            .order_by("register__sequence", "incoming_number")
        )
    return (
        outgoing_for(user)
        .filter(organisation=organisation, register__year=year)
        .select_related("register", "document_type", "signer", "drafting_unit")
        .prefetch_related("recipients")
        .order_by("register__sequence", "number")
    )


def export_organisations(user: object) -> list[Organisation]:
    """Organisations whose registers the user may export: clerks' and leaders' own."""
    orgs: dict[int, Organisation] = {o.pk: o for o in perms.clerk_organisations(user)}
    for unit in units_with_role(user, [Role.LEADER]):
        org = issuing_organisation(unit)
        orgs.setdefault(org.pk, org)
    return sorted(orgs.values(), key=lambda o: o.path)


# --- tasks --------------------------------------------------------------------------------


def tasks_of(user: object, *, open_only: bool = True) -> QuerySet[Task]:
    """ "Việc của tôi": tasks given to ``user``, soonest due first."""
    if not isinstance(user, User):
        return Task.objects.none()
    qs = Task.objects.filter(assignee=user)
    if open_only:
        qs = qs.filter(status__in=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS])
    return qs.select_related(
        "document",
        "document__organisation",
        "document__document_type",
        "unit",
        "assigned_by",
        "assignee",
    ).order_by("due", "pk")


@dataclass(frozen=True)
class MyWork:
    """What waits for ``user`` ("Việc của tôi" and the officer home's counters): tasks given to
    them, incoming documents submitted to them for assignment (leaders), drafts whose current
    approval step is theirs, and assignments to a unit they head that no one of the unit has
    been given yet (unit heads). Every part is scoped like the lists it links to."""

    tasks: QuerySet[Task]
    to_assign: QuerySet[IncomingDocument]
    to_review: QuerySet[OutgoingDocument]
    to_distribute: QuerySet[Assignment]

    def counts(self) -> dict[str, int]:
        return {
            "tasks": self.tasks.count(),
            "to_assign": self.to_assign.count(),
            "to_review": self.to_review.count(),
            "to_distribute": self.to_distribute.count(),
        }


def my_work(user: object) -> MyWork:
    if not isinstance(user, User):
        return MyWork(
            tasks=Task.objects.none(),
            to_assign=IncomingDocument.objects.none(),
            to_review=OutgoingDocument.objects.none(),
            to_distribute=Assignment.objects.none(),
        )
    incoming = incoming_for(user).select_related("organisation", "document_type")
    to_assign = incoming.filter(status=IncomingStatus.SUBMITTED, submitted_to=user).order_by(
        "deadline", "submitted_at", "pk"
    )
    to_review = (
        outgoing_for(user)
        .filter(pk__in=awaiting_review_ids(user))
        .select_related("organisation", "document_type", "drafted_by")
        .order_by("updated_at", "pk")
    )
    head_units = [unit.pk for unit in units_with_role(user, [Role.UNIT_HEAD])]
    given = Task.objects.filter(document_id=OuterRef("document_id"), unit_id=OuterRef("unit_id"))
    to_distribute = (
        Assignment.objects.filter(
            active=True,
            unit_id__in=head_units,
            role__in=[AssignmentRole.LEAD, AssignmentRole.COORDINATE],
            document__in=incoming_for(user).exclude(status__in=CLOSED_INCOMING),
        )
        .exclude(Exists(given))
        .select_related("document", "document__organisation", "unit", "assigned_by")
        .order_by("deadline", "pk")
    )
    return MyWork(
        tasks=tasks_of(user),
        to_assign=to_assign,
        to_review=to_review,
        to_distribute=to_distribute,
    )


def task_detail(user: object, pk: int) -> Task:
    task = tasks_of(user, open_only=False).filter(pk=pk).first()
    if task is None:
        raise Http404("Không tìm thấy việc.")
    return task


def overdue_tasks(on: dt.date | None = None) -> QuerySet[Task]:
    """Open tasks past their due date (for reminders; not scoped: used by background jobs)."""
    day = on or timezone.localdate()
    return (
        Task.objects.filter(status__in=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS], due__lt=day)
        .exclude(document__status__in=CLOSED_INCOMING)
        .select_related("assignee", "document")
        .order_by("pk")
    )


# --- outgoing -----------------------------------------------------------------------------


def outgoing_list(
    user: object,
    *,
    q: str | None = None,
    status: str | Iterable[str] | None = None,
    year: int | None = None,
    organisation: Organisation | int | None = None,
    mine: bool = False,
    to_review: bool = False,
) -> QuerySet[OutgoingDocument]:
    qs = outgoing_for(user)
    if q and q.strip():
        number = _digits(q)
        cond = search_filter(q)
        qs = qs.filter(cond | Q(number=number) if number is not None else cond)
    if status:
        qs = qs.filter(status__in=[status] if isinstance(status, str) else list(status))
    if year:
        qs = qs.filter(created_at__year=year)
    if organisation:
        qs = qs.filter(organisation=organisation)
    if mine and isinstance(user, User):
        qs = qs.filter(drafted_by=user)
    if to_review and isinstance(user, User):
        qs = qs.filter(pk__in=awaiting_review_ids(user))
    return qs.select_related(
        "organisation", "document_type", "drafting_unit", "drafted_by", "signer"
    ).order_by("-created_at", "-pk")


def awaiting_review_ids(user: User) -> list[int]:
    """Outgoing documents whose current approval step is ``user``'s."""
    steps = (
        ApprovalStep.objects.filter(
            document__status=OutgoingStatus.IN_REVIEW, decision=ReviewDecision.PENDING
        )
        .values("document_id", "document__review_round", "round", "order", "reviewer_id")
        .order_by("document_id", "order")
    )
    current: dict[int, int] = {}
    for row in steps:
        if row["round"] != row["document__review_round"]:
            continue
        current.setdefault(row["document_id"], row["reviewer_id"])
    return [doc for doc, reviewer in current.items() if reviewer == user.pk]


def outgoing_detail(user: object, pk: int) -> OutgoingDocument:
    document = (
        outgoing_for(user)
        .select_related(
            "organisation",
            "document_type",
            "drafting_unit",
            "drafted_by",
            "signer",
            "issued_by",
            "register",
            "in_reply_to",
        )
        .prefetch_related(
            "recipients",
            Prefetch(
                "approval_steps",
                queryset=ApprovalStep.objects.select_related("reviewer").order_by("round", "order"),
            ),
            Prefetch(
                "events",
                queryset=DocumentEvent.objects.select_related("actor").order_by("at", "pk"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404("Không tìm thấy văn bản đi.")
    return document


def recipient_statuses(document: OutgoingDocument) -> list[ExchangeMessage]:
    """Each message that sent ``document`` (new and revoke), with its status history."""
    return list(
        ExchangeMessage.objects.filter(outgoing=document)
        .select_related("to_organisation")
        .prefetch_related(
            Prefetch("statuses", queryset=ExchangeStatus.objects.order_by("at", "pk"))
        )
        .order_by("business_type", "pk")
    )


def message_for(user: object, pk: int) -> ExchangeMessage:
    """A message the user may act on: he sees its outgoing or its incoming document."""
    message = (
        ExchangeMessage.objects.select_related("from_organisation", "to_organisation", "incoming")
        .filter(pk=pk)
        .first()
    )
    if message is None:
        raise Http404("Không tìm thấy thông điệp.")
    visible = (
        message.outgoing_id is not None
        and outgoing_for(user).filter(pk=message.outgoing_id).exists()
    ) or (
        message.incoming_id is not None
        and incoming_for(user).filter(pk=message.incoming_id).exists()
    )
    if not visible:
        raise Http404("Không tìm thấy thông điệp.")
    return message


# --- lookups for forms ----------------------------------------------------------------------


def document_types() -> QuerySet[DocumentType]:
    return DocumentType.objects.filter(active=True).order_by("order", vi_sort("name"))


def leaders_of(organisation: Organisation) -> QuerySet[User]:
    """Officials holding a leader position over ``organisation`` (to submit documents to)."""
    ancestors = [int(p) for p in organisation.path.strip("/").split("/") if p]
    ids = (
        Position.objects.active()
        .filter(role=Role.LEADER, unit_id__in=ancestors, user__is_active=True)
        .values("user_id")
    )
    return User.objects.filter(pk__in=ids).order_by(vi_sort("full_name"), "username")


def reviewers_for(drafting_unit: Organisation, organisation: Organisation) -> QuerySet[User]:
    """Unit heads over the drafting unit and leaders of the issuing organisation."""
    unit_chain = [int(p) for p in drafting_unit.path.strip("/").split("/") if p]
    org_chain = [int(p) for p in organisation.path.strip("/").split("/") if p]
    ids = (
        Position.objects.active()
        .filter(
            Q(role__in=[Role.UNIT_HEAD, Role.LEADER], unit_id__in=unit_chain)
            | Q(role=Role.LEADER, unit_id__in=org_chain)
        )
        .filter(user__is_active=True)
        .values("user_id")
    )
    return User.objects.filter(pk__in=ids).order_by(vi_sort("full_name"), "username")


def units_of(organisation: Organisation) -> QuerySet[Organisation]:
    """Units inside ``organisation`` that can be assigned (active, organisation included)."""
    return Organisation.objects.active().subtree_of(organisation).order_by("path")


def members_of(unit: Organisation) -> QuerySet[User]:
    """Officials with an active position in ``unit`` or below (to give tasks to)."""
    ids = (
        Position.objects.active()
        .filter(unit__path__startswith=unit.path, user__is_active=True)
        .exclude(role__in=[Role.API_CLIENT, Role.IT_ADMIN])
        .values("user_id")
    )
    return User.objects.filter(pk__in=ids).order_by(vi_sort("full_name"), "username")


def sender_suggestions(q: str, limit: int = 10) -> list[Organisation]:
    """Organisations matching ``q`` (accents ignored) for the sender autocomplete."""
    from chinhquyen.orgs.selectors import search_filter as org_search

    if not q.strip():
        return []
    return list(
        Organisation.objects.active()
        .filter(org_search(q))
        .order_by("depth", vi_sort("name"))[:limit]
    )


def recipient_choices() -> QuerySet[Organisation]:
    """Organisations of this deployment a document can be sent to (not internal units)."""
    return (
        Organisation.objects.active().exclude(kind__in=["unit", "one_stop_desk"]).order_by("path")
    )


def letter_type_id() -> int | None:
    """The công văn type (no abbreviation): the default type of a reply."""
    from .models import DocumentType

    return (
        DocumentType.objects.filter(active=True, abbreviation="")
        .order_by("order")
        .values_list("pk", flat=True)
        .first()
    )
