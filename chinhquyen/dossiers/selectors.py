"""Reads of dossiers, already scoped to what the user may see.

Who sees which dossier (``visible_dossiers``; lists, searches, exports and details all use it):

- an applicant (citizen, business): their own dossiers;
- a desk officer: dossiers received at the agency of their desk (subtree), or whose competent
  organisation is that agency (a dossier received elsewhere, phi địa giới);
- a specialist, unit head or leader: dossiers whose current unit is in their scope, or that
  passed through a unit of their scope (a step of the control sheet);
- any official: dossiers assigned to them now or at an earlier step, dossiers they acted on
  (history), and dossiers at a step the process gives to their role in their unit (a clerk's
  stamping step);
- a unit head or leader also: every dossier whose competent organisation is in their scope.

Everyone else sees nothing: a dossier outside the scope is "not found" (404, never 403, so that
its existence does not leak).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from chinhquyen.accounts.models import Role, User, UserKind
from chinhquyen.accounts.permissions import is_applicant, is_official, units_with_role
from chinhquyen.catalog.models import Procedure, ProcessStep
from chinhquyen.core.calendar import VN_TZ, get_calendar
from chinhquyen.core.search import MAX_QUERY_WORDS, words_filter
from chinhquyen.core.text import normalize_search
from chinhquyen.orgs.models import Organisation

from . import clock, routing, workflow
from .models import (
    OPEN_STATUSES,
    RUNNING_STATUSES,
    AttachmentKind,
    Dossier,
    DossierAttachment,
    DossierEvent,
    DossierNotice,
    DossierPause,
    DossierResult,
    DossierStatus,
    DossierStep,
    StepKind,
    Timeliness,
)

MAX_LIMIT = 200
HANDLER_ROLES = (Role.SPECIALIST, Role.UNIT_HEAD, Role.LEADER)
MANAGER_ROLES = (Role.UNIT_HEAD, Role.LEADER)
NOTHING = Q(pk__in=[])

_LIST_RELATED = (
    "procedure",
    "competent_organisation",
    "receiving_organisation",
    "current_unit",
    "current_assignee",
)


# What a list row shows, and nothing else: the wide columns (search text, form data, the
# applicant's papers table, the related rows' other columns, an official's password hash)
# made the inbox page fetch ~150 columns per row.
_ORG_REF = ("id", "name", "agency_code")
_LIST_ONLY = (
    "id",
    "code",
    "procedure",
    "procedure__code",
    "procedure_name",
    "status",
    "channel",
    "applicant_name",
    "applicant_organisation",
    "received_at",
    "appointment_at",
    "new_appointment_at",
    "due_at",
    "finished_at",
    "returned_at",
    "classification",
    "supplement_count",
    "payment_status",
    *(
        f"{fk}{suffix}"
        for fk in ("competent_organisation", "receiving_organisation", "current_unit")
        for suffix in ("", *(f"__{name}" for name in _ORG_REF))
    ),
    "current_assignee",
    "current_assignee__full_name",
    "current_assignee__first_name",
    "current_assignee__last_name",
    "current_assignee__username",
)


def _subtree_ids(units: Sequence[Organisation]) -> list[int]:
    """The ids of ``units`` and of every unit below them, read once per request (kept on the
    unit objects, which the user's cached positions hold). A province has hundreds of
    organisations, so the list stays short, and ``<fk>_id IN (ids)`` lets PostgreSQL read the
    dossiers through their (unit, status, due_at) indexes: a join on the organisation path made
    it scan every dossier (1M rows: seconds per inbox page)."""
    ids: set[int] = set()
    missing: list[Organisation] = []
    for unit in units:
        cached: list[int] | None = getattr(unit, "_subtree_ids", None)
        if cached is None:
            missing.append(unit)
        else:
            ids.update(cached)
    if missing:
        rows = list(Organisation.objects.subtree_of(*missing).values_list("pk", "path"))
        for unit in missing:
            below = [pk for pk, path in rows if path.startswith(unit.path)]
            unit._subtree_ids = below  # type: ignore[attr-defined]
            ids.update(below)
    return sorted(ids)


def _path_q(field_name: str, units: Sequence[Organisation]) -> Q:
    """``field_name`` (a foreign key to Organisation) is one of ``units`` or below them."""
    if not units:
        return NOTHING
    return Q(**{f"{field_name}_id__in": _subtree_ids(units)})


def _user_id(user: object) -> int:
    """The id of an official (never None: ``assignee_id=None`` would match unassigned rows)."""
    user_id = getattr(user, "pk", None)
    return user_id if isinstance(user_id, int) else -1


def _step_role_q(user: object) -> Q:
    """Dossiers at a step the process gives to one of the user's step-only roles (a clerk's
    stamping step, a desk step in the middle of a process) in a unit of that position."""
    cond = NOTHING
    for position_unit, role in _positions_with(user, workflow.STEP_ONLY_ROLES):
        ids = _subtree_ids([position_unit])
        # a subquery, not a join: the join under OR made PostgreSQL scan every dossier
        steps = ProcessStep.objects.filter(responsible_role=role)
        cond |= Q(current_unit_id__in=ids, current_step_id__in=steps.values("pk"))
    return cond


def _positions_with(user: object, roles: frozenset[str]) -> list[tuple[Organisation, str]]:
    return [(unit, role) for role in sorted(roles) for unit in units_with_role(user, [role])]


def _official_scope(user: object) -> Q:
    cond = NOTHING
    desks = routing.desk_organisations(user)
    if desks:
        cond |= _path_q("receiving_organisation", desks) | _path_q("competent_organisation", desks)
    user_id = _user_id(user)
    cond |= Q(current_assignee_id=user_id) | _step_role_q(user)
    handler_units = units_with_role(user, HANDLER_ROLES)
    handled = Q(assignee_id=user_id)
    if handler_units:
        cond |= _path_q("current_unit", handler_units)
        handled |= _path_q("unit", handler_units)
    cond |= Q(Exists(DossierStep.objects.filter(dossier=OuterRef("pk")).filter(handled)))
    # whoever acted on a dossier keeps reading it (accountability for their own actions)
    cond |= Q(Exists(DossierEvent.objects.filter(dossier=OuterRef("pk"), actor_id=user_id)))
    manager_units = units_with_role(user, MANAGER_ROLES)
    if manager_units:
        cond |= _path_q("competent_organisation", manager_units)
    return cond


def visible_dossiers(user: object) -> QuerySet[Dossier]:
    """Every dossier ``user`` may see (see the module docstring)."""
    if is_applicant(user):
        return Dossier.objects.filter(applicant_id=getattr(user, "pk", None))
    if is_official(user):
        return Dossier.objects.filter(_official_scope(user))
    return Dossier.objects.none()


def _inbox_scope(user: object) -> Q:
    """The work queue: received at the user's desk (and ready to return there), or at a unit of
    the user's scope now. Always a subset of ``visible_dossiers``."""
    if not is_official(user):
        return NOTHING
    cond = Q(current_assignee_id=_user_id(user)) | _step_role_q(user)
    desks = routing.desk_organisations(user)
    if desks:
        cond |= _path_q("receiving_organisation", desks)
    handler_units = units_with_role(user, HANDLER_ROLES)
    if handler_units:
        cond |= _path_q("current_unit", handler_units)
    return cond


# --------------------------------------------------------------------------------------------
# The inbox
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxPage:
    items: list[Dossier]
    next_cursor: tuple[dt.datetime, int] | None
    counts: dict[str, int] = field(default_factory=dict)


def encode_cursor(cursor: tuple[dt.datetime, int] | None) -> str | None:
    if cursor is None:
        return None
    raw = f"{cursor[0].astimezone(dt.UTC).isoformat()}|{cursor[1]}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[dt.datetime, int] | None:
    """The (due_at, id) of an opaque cursor; None when it is malformed."""
    try:
        padded = token + "=" * (-len(token) % 4)
        raw = base64.urlsafe_b64decode(padded.encode()).decode()
        stamp, _, ident = raw.partition("|")
        moment = dt.datetime.fromisoformat(stamp)
        if moment.tzinfo is None:
            return None
        return moment, int(ident)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def _filters(
    *,
    procedure: Procedure | str | int | None,
    due_within_hours: float | None,
    overdue: bool | None,
    channel: int | None,
    q: str | None,
    now: dt.datetime,
) -> Q:
    cond = Q()
    if procedure is not None and procedure != "":
        if isinstance(procedure, Procedure):
            cond &= Q(procedure=procedure)
        elif isinstance(procedure, int):
            cond &= Q(procedure_id=procedure)
        else:
            cond &= Q(procedure__code=procedure)
    if channel is not None:
        cond &= Q(channel=channel)
    if overdue is True:
        cond &= Q(status__in=RUNNING_STATUSES, due_at__lt=now)
    elif overdue is False:
        cond &= ~Q(status__in=RUNNING_STATUSES, due_at__lt=now)
    if due_within_hours is not None:
        threshold = get_calendar().add_working_time(now, dt.timedelta(hours=due_within_hours))
        cond &= Q(status__in=RUNNING_STATUSES, due_at__gte=now, due_at__lte=threshold)
    # every word a whole word of the code, the applicant or the procedure (``core.search``)
    return cond & words_filter(q)


def dossiers_for_inbox(
    user: object,
    *,
    status: str | Sequence[str] | None = None,
    procedure: Procedure | str | int | None = None,
    due_within_hours: float | None = None,
    overdue: bool | None = None,
    channel: int | None = None,
    q: str | None = None,
    after: tuple[dt.datetime, int] | None = None,
    limit: int = 50,
    now: dt.datetime | None = None,
    with_counts: bool = True,
) -> InboxPage:
    """The officer's work queue, soonest deadline first, with keyset pagination on
    (due_at, id) and the number of dossiers per status (one aggregate query).

    ``status``: one status or several; default every open status (not returned, refused or
    stopped). ``due_within_hours``: running dossiers due within that much working time;
    ``overdue``: running dossiers past their deadline (True) or not (False); ``q``:
    accent-insensitive words in the code, the applicant or the procedure.
    """
    moment = now or timezone.now()
    limit = max(1, min(int(limit), MAX_LIMIT))
    scope = _inbox_scope(user)
    filters = _filters(
        procedure=procedure,
        due_within_hours=due_within_hours,
        overdue=overdue,
        channel=channel,
        q=q,
        now=moment,
    )
    if status is None:
        statuses: list[str] = sorted(OPEN_STATUSES)
    elif isinstance(status, str):
        statuses = [status]
    else:
        statuses = list(status)
    qs = (
        Dossier.objects.filter(scope)
        .filter(filters)
        .filter(status__in=statuses)
        .select_related(*_LIST_RELATED)
        .only(*_LIST_ONLY)
        .order_by("due_at", "id")
    )
    if after is not None:
        due, ident = after
        qs = qs.filter(Q(due_at__gt=due) | Q(due_at=due, id__gt=ident))
    rows = list(qs[: limit + 1])
    items = rows[:limit]
    next_cursor = (items[-1].due_at, items[-1].pk) if len(rows) > limit and items else None
    counts: dict[str, int] = {}
    if with_counts:
        counts = inbox_counts(user, filters=filters, now=moment, scope=scope)
    return InboxPage(items=items, next_cursor=next_cursor, counts=counts)


def inbox_counts(
    user: object, *, filters: Q | None = None, now: dt.datetime, scope: Q | None = None
) -> dict[str, int]:
    """Dossiers of the user's work queue per status, plus ``overdue`` (running and past the
    deadline) — one aggregate query (``scope``: the caller's already resolved
    ``_inbox_scope(user)``). Only the open statuses are counted: the queue is the work
    in hand; the finished dossiers of a desk (years of them, hundreds of thousands) stay
    reachable through the status filter and are counted by the reports, not on every page."""
    aggregates: dict[str, Any] = {
        status: Count("pk", filter=Q(status=status)) for status in sorted(OPEN_STATUSES)
    }
    aggregates["overdue"] = Count("pk", filter=Q(status__in=RUNNING_STATUSES, due_at__lt=now))
    # ``scope``: the page's own ``_inbox_scope(user)``, resolved once per request
    qs = Dossier.objects.filter(_inbox_scope(user) if scope is None else scope).filter(
        status__in=sorted(OPEN_STATUSES)
    )
    if filters is not None:
        qs = qs.filter(filters)
    return {key: int(value or 0) for key, value in qs.aggregate(**aggregates).items()}


# --------------------------------------------------------------------------------------------
# One dossier
# --------------------------------------------------------------------------------------------


def _detail_queryset(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return qs.select_related(
        *_LIST_RELATED,
        "procedure_version",
        "procedure__field",
        "current_step",
        "applicant",
        "rating",
    ).prefetch_related(
        Prefetch(
            "events", queryset=DossierEvent.objects.select_related("actor").order_by("at", "id")
        ),
        Prefetch(
            "steps",
            queryset=DossierStep.objects.select_related("unit", "from_unit", "assignee").order_by(
                "started_at", "id"
            ),
        ),
        Prefetch("pauses", queryset=DossierPause.objects.order_by("started_at", "id")),
        Prefetch("attachments", queryset=DossierAttachment.objects.order_by("uploaded_at", "id")),
        Prefetch("results", queryset=DossierResult.objects.order_by("number")),
    )


def dossier_for_user(user: object, pk: int) -> Dossier | None:
    """The dossier ``pk`` with its timeline, steps, pauses, files and results, or None when it
    does not exist or ``user`` may not see it (callers answer 404 either way).

    Its main query joins 11 tables, every join a to-one lookup by primary key from the one
    dossier row: the written order is the best plan. PostgreSQL would search every join order
    (up to ``join_collapse_limit`` = 8 tables), which costs 10-20 ms of planning for a query that
    runs in under a millisecond; with ``join_collapse_limit = 1`` for this transaction it plans
    in about 1 ms (measured in bench/README.md, issue #11).
    """
    qs = _detail_queryset(visible_dossiers(user).filter(pk=pk))
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        # inside a caller's transaction a SET LOCAL would outlive this read: plan as usual
        return qs.first()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL join_collapse_limit = 1")
        return qs.first()


def dossiers_of_applicant(user: object) -> QuerySet[Dossier]:
    """An applicant's own dossiers, newest first (empty for anyone else)."""
    if not is_applicant(user):
        return Dossier.objects.none()
    return (
        Dossier.objects.filter(applicant_id=getattr(user, "pk", None))
        .select_related("procedure", "competent_organisation", "receiving_organisation")
        .order_by("-received_at", "-id")
    )


def applicant_visible_attachment_kinds() -> tuple[str, ...]:
    """Applicants see the papers and supplements they (or the desk) filed; internal working
    documents of officials (kind ``other``) are not shown to them. Results are separate."""
    return (AttachmentKind.PAPER, AttachmentKind.SUPPLEMENT)


def attachment_for_user(
    user: object, dossier_pk: int, attachment_pk: int
) -> DossierAttachment | None:
    qs = DossierAttachment.objects.filter(
        pk=attachment_pk, dossier__in=visible_dossiers(user).filter(pk=dossier_pk)
    )
    if is_applicant(user):
        qs = qs.filter(kind__in=applicant_visible_attachment_kinds())
    return qs.first()


def result_for_user(user: object, dossier_pk: int, result_pk: int) -> DossierResult | None:
    """A result of a visible dossier (cancelled results stay retrievable). Applicants get
    results once the dossier has a result (result ready or returned)."""
    qs = DossierResult.objects.filter(
        pk=result_pk, dossier__in=visible_dossiers(user).filter(pk=dossier_pk)
    ).exclude(file="")
    if is_applicant(user):
        qs = qs.filter(
            dossier__status__in=[DossierStatus.RESULT_READY, DossierStatus.RETURNED],
            approved_at__isnull=False,  # a result changed after the approval waits for it
        )
    return qs.first()


APPLICANT_SEARCH_MIN = 3
APPLICANT_SEARCH_LIMIT = 10


def applicants_for_desk(query: str) -> list[User]:
    """Citizen and business accounts for the counter, by CCCD / tax code (exact) or by name
    without diacritics (every word); at most ``APPLICANT_SEARCH_LIMIT``, none for a query
    shorter than ``APPLICANT_SEARCH_MIN`` characters."""
    text = (query or "").strip()
    if len(text) < APPLICANT_SEARCH_MIN:
        return []
    qs = User.objects.filter(
        is_active=True, kind__in=[UserKind.CITIZEN, UserKind.BUSINESS]
    ).order_by("full_name", "pk")
    if text.isdigit():
        return list(qs.filter(Q(citizen_id=text) | Q(tax_code=text))[:APPLICANT_SEARCH_LIMIT])
    words = normalize_search(text).split()[:MAX_QUERY_WORDS]
    for word in words:
        qs = qs.filter(search_text__contains=word)
    return list(qs[:APPLICANT_SEARCH_LIMIT])


def notice_for_user(user: object, dossier_pk: int, notice_pk: int) -> DossierNotice | None:
    """An issued one-stop form of a visible dossier; applicants get those addressed to them."""
    qs = DossierNotice.objects.select_related("dossier").filter(
        pk=notice_pk, dossier__in=visible_dossiers(user).filter(pk=dossier_pk)
    )
    if is_applicant(user):
        qs = qs.filter(for_applicant=True)
    return qs.first()


def notices_of(dossier: Dossier, *, for_applicant: bool) -> list[DossierNotice]:
    """The forms issued for ``dossier`` (oldest first); only the applicant's when asked."""
    qs = DossierNotice.objects.filter(dossier=dossier)
    if for_applicant:
        qs = qs.filter(for_applicant=True)
    return list(qs.order_by("issued_at", "id"))


def actions_for(user: object, dossier: Dossier) -> list[str]:
    return workflow.available_actions(dossier, user)


def dossier_clock(dossier: Dossier, *, now: dt.datetime | None = None) -> clock.Clock:
    """The whole-dossier clock (uses the prefetched pauses of ``dossier_for_user``)."""
    return clock.dossier_clock(dossier, now=now, pauses=list(dossier.pauses.all()))


def control_sheet(
    dossier: Dossier, *, now: dt.datetime | None = None
) -> list[tuple[DossierStep, clock.Clock]]:
    """Phiếu kiểm soát quá trình: each step with its clock (prefetched steps and pauses)."""
    calendar = clock.calendar_for(dossier)
    pauses = list(dossier.pauses.all())
    return [
        (step, clock.step_clock(step, calendar=calendar, now=now, pauses=pauses))
        for step in dossier.steps.all()
    ]


def list_clock_text(dossier: Dossier, *, now: dt.datetime) -> tuple[str, bool]:
    """(short Vietnamese clock text, overdue) for a list row, without querying pauses."""
    if dossier.finished_at is not None:
        label = Timeliness(dossier.classification).label if dossier.classification else ""
        return str(label), dossier.classification == Timeliness.LATE
    if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
        return "đang tạm dừng chờ bổ sung", False
    calendar = get_calendar(dossier.competent_organisation.agency_code)
    left = calendar.remaining(dossier.due_at, now)
    return calendar.describe(left), left < dt.timedelta(0)


# --------------------------------------------------------------------------------------------
# Public status lookup
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicDossierView:
    """What anyone holding the code and the PIN may see: no personal data."""

    code: str
    procedure_name: str
    status: str
    status_label: str
    received_at: dt.datetime
    due_at: dt.datetime
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    receiving_organisation: str
    competent_organisation: str
    supplement_reason: str
    result_ready: bool


def dossier_public_lookup(code: str, pin: str) -> PublicDossierView | None:
    """The public view of dossier ``code`` when ``pin`` is its lookup PIN, else None.

    An unknown code and a wrong PIN give the same answer after the same work (one query, one
    HMAC, one constant-time comparison); the lean read lives in ``lookup.find``."""
    from .lookup import find

    return find(code, pin)


# --------------------------------------------------------------------------------------------
# Sổ theo dõi hồ sơ (tracking register)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    line: int
    code: str
    procedure_name: str
    set_count: int
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    competent_organisation: str
    received_at: dt.datetime
    appointment_at: dt.datetime
    new_appointment_at: dt.datetime | None
    transferred_at: dt.datetime | None
    result_at: dt.datetime | None
    returned_at: dt.datetime | None
    status_label: str
    classification_label: str
    note: str


def register_organisations(user: object) -> list[Organisation]:
    """The receiving agencies whose register ``user`` may read (the agencies of their desks)."""
    return routing.desk_organisations(user)


def tracking_register(
    user: object,
    *,
    organisation: Organisation | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[RegisterRow]:
    """Rows of the sổ theo dõi hồ sơ of the user's desk agencies (or one of them), by receipt
    time, numbered from 1; dates are legal (Vietnam) dates of receipt, both ends included."""
    agencies = register_organisations(user)
    if organisation is not None:
        agencies = [a for a in agencies if organisation.path.startswith(a.path)]
        if not agencies:
            return []
        agencies = [organisation]
    if not agencies:
        return []
    qs = visible_dossiers(user).filter(_path_q("receiving_organisation", agencies))
    if date_from is not None:
        start = dt.datetime.combine(date_from, dt.time(0), tzinfo=VN_TZ)
        qs = qs.filter(received_at__gte=start)
    if date_to is not None:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=VN_TZ)
        qs = qs.filter(received_at__lt=end)
    transferred = (
        DossierStep.objects.filter(dossier=OuterRef("pk"))
        .exclude(kind=StepKind.INTAKE)
        .order_by("started_at", "id")
        .values("started_at")[:1]
    )
    qs = (
        qs.select_related("competent_organisation")
        .annotate(transferred_at=Subquery(transferred))
        .order_by("received_at", "id")
    )
    rows: list[RegisterRow] = []
    for line, dossier in enumerate(qs, start=1):
        rows.append(
            RegisterRow(
                line=line,
                code=dossier.code,
                procedure_name=dossier.procedure_name,
                set_count=dossier.set_count,
                applicant_name=dossier.applicant_name,
                applicant_address=dossier.applicant_address,
                applicant_phone=dossier.applicant_phone,
                competent_organisation=dossier.competent_organisation.name,
                received_at=dossier.received_at,
                appointment_at=dossier.appointment_at,
                new_appointment_at=dossier.new_appointment_at,
                transferred_at=getattr(dossier, "transferred_at", None),
                result_at=dossier.finished_at
                if dossier.status in (DossierStatus.RESULT_READY, DossierStatus.RETURNED)
                else None,
                returned_at=dossier.returned_at,
                status_label=str(DossierStatus(dossier.status).label),
                classification_label=str(Timeliness(dossier.classification).label)
                if dossier.classification
                else "",
                note="Đã xin lỗi, hẹn lại" if dossier.apologised_at else "",
            )
        )
    return rows
