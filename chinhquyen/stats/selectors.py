"""Reads of the statistics, scoped to what the caller may see.

Who reads what: unit heads and leaders (the roles of the on-time report) read the facts, the
index and the dashboard of their positions' subtrees — a unit head their unit, the province
leader the whole province. The public figures (``public_figures``) need no sign-in and show
closed months only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Case, CharField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from chinhquyen.accounts.permissions import units_with_role
from chinhquyen.orgs.models import Organisation
from chinhquyen.reports.selectors import REPORT_ROLES

from . import periods
from .models import DocumentDailyFact, DossierDailyFact
from .periods import Period

FIGURES = ("received", "received_online", "finished", "early", "on_time", "late")


def scope_roots(user: object) -> list[Organisation]:
    """The top units of the caller's reading scope (nested positions collapse into one)."""
    units = sorted(units_with_role(user, REPORT_ROLES), key=lambda u: u.path)
    roots: list[Organisation] = []
    for unit in units:
        if not any(unit.path.startswith(r.path) for r in roots):
            roots.append(unit)
    return roots


def can_read(user: object) -> bool:
    return bool(scope_roots(user))


def in_scope(user: object, organisation: Organisation) -> bool:
    return any(organisation.path.startswith(r.path) for r in scope_roots(user))


def scope_organisations(user: object) -> QuerySet[Organisation]:
    roots = scope_roots(user)
    return Organisation.objects.subtree_of(*roots) if roots else Organisation.objects.none()


def _subtrees(organisations: Iterable[Organisation], prefix: str = "organisation__") -> Q:
    cond = Q(pk__in=[])
    for org in organisations:
        cond |= Q(**{f"{prefix}path__startswith": org.path})
    return cond


def rate(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Numbers:
    received: int = 0
    received_online: int = 0
    finished: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0

    @classmethod
    def of(cls, row: dict[str, Any]) -> Numbers:
        return cls(**{name: row.get(name) or 0 for name in FIGURES})

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.early + self.on_time, self.finished)

    @property
    def online_rate(self) -> Decimal | None:
        return rate(self.received_online, self.received)

    def as_dict(self) -> dict[str, Any]:
        return {
            **{name: getattr(self, name) for name in FIGURES},
            "on_time_rate": self.on_time_rate,
            "online_rate": self.online_rate,
        }


def _sums(qs: QuerySet[Any], *names: str) -> dict[str, int]:
    row = qs.aggregate(**{n: Sum(n) for n in names})
    return {n: row[n] or 0 for n in names}


def numbers(roots: list[Organisation], period: Period) -> Numbers:
    qs = DossierDailyFact.objects.filter(
        _subtrees(roots), day__gte=period.first, day__lte=period.last
    )
    return Numbers.of(_sums(qs, *FIGURES))


def _last_periods(newest: Period, count: int) -> list[Period]:
    out, cursor = [], newest
    for _ in range(count):
        out.append(cursor)
        cursor = cursor.previous()
    return out[::-1]


def numbers_by_period(
    roots: list[Organisation], months: list[Period]
) -> list[tuple[Period, Numbers]]:
    """The figures of several periods in one aggregate (each day labelled with its period)."""
    if not months:
        return []
    bucket = _bucket(months)
    rows = (
        DossierDailyFact.objects.filter(
            _subtrees(roots),
            day__gte=min(m.first for m in months),
            day__lte=max(m.last for m in months),
        )
        .annotate(bucket=bucket)
        .values("bucket")
        .annotate(**{n: Sum(n) for n in FIGURES})
        .order_by()
    )
    by_code = {row["bucket"]: Numbers.of(row) for row in rows}
    return [(m, by_code.get(m.code, Numbers())) for m in months]


# --- leaders' dashboard ----------------------------------------------------------------------


@dataclass
class Ranked:
    id: int
    name: str
    late: int
    finished: int

    @property
    def late_rate(self) -> Decimal | None:
        return rate(self.late, self.finished)


@dataclass
class Dashboard:
    roots: list[Organisation]
    period: Period
    previous: Period
    current: Numbers
    before: Numbers
    overdue_dossiers: int
    overdue_documents: int
    overdue_tasks: int
    late_units: list[Ranked]
    late_procedures: list[Ranked]
    trend: list[tuple[Period, Numbers]] = field(default_factory=list)
    ranking: list[Any] = field(default_factory=list)

    @property
    def trend_max(self) -> int:
        return max((n.received for _, n in self.trend), default=0) or 1


def _late_ranking(
    roots: list[Organisation], period: Period, key: str, name_field: str
) -> list[Ranked]:
    rows = (
        DossierDailyFact.objects.filter(
            _subtrees(roots), day__gte=period.first, day__lte=period.last
        )
        .values(key, name_field)
        .annotate(late=Sum("late"), finished=Sum("finished"))
        .filter(late__gt=0)
        .order_by("-late", name_field)[:10]
    )
    return [Ranked(r[key], r[name_field], r["late"], r["finished"]) for r in rows]


def overdue_dossiers(roots: list[Organisation], today: dt.date) -> int:
    """Unfinished dossiers whose appointment day has passed (not waiting for a supplement)."""
    qs = DossierDailyFact.objects.filter(_subtrees(roots), day__lt=today)
    return _sums(qs, "due_open")["due_open"]


def overdue_documents(roots: list[Organisation], today: dt.date) -> int:
    qs = DocumentDailyFact.objects.filter(_subtrees(roots), day__lt=today)
    return _sums(qs, "in_due_open")["in_due_open"]


def overdue_tasks(user: object) -> int:
    from chinhquyen.tasks import selectors as task_selectors

    return task_selectors.statistics(user, win=task_selectors.window()).total.open_overdue


def ranking_units(roots: list[Organisation]) -> list[Organisation]:
    """What the index ranking compares: the children of a single root (departments and
    communes for the province), or the roots themselves."""
    if len(roots) == 1:
        children = list(Organisation.objects.filter(parent=roots[0]).order_by("name"))
        if children:
            return children
    return roots


def dashboard(user: object, *, today: dt.date | None = None, months: int = 12) -> Dashboard:
    from . import index766

    today = today or timezone.localdate()
    roots = scope_roots(user)
    period = periods.current_month(today)
    previous = period.previous()
    trend = numbers_by_period(roots, _last_periods(period, months))
    closed = periods.last_closed_month(today)
    return Dashboard(
        roots=roots,
        period=period,
        previous=previous,
        current=trend[-1][1],
        before=trend[-2][1] if len(trend) > 1 else numbers(roots, previous),
        overdue_dossiers=overdue_dossiers(roots, today),
        overdue_documents=overdue_documents(roots, today),
        overdue_tasks=overdue_tasks(user),
        late_units=_late_ranking(roots, period, "organisation_id", "organisation__name"),
        late_procedures=_late_ranking(roots, period, "procedure_id", "procedure__code"),
        trend=trend,
        ranking=index766.ranking(organisations=ranking_units(roots), period=closed),
    )


# --- public statistics -----------------------------------------------------------------------


@dataclass
class PublicRow:
    organisation: Organisation
    period: Period
    numbers: Numbers


def published_months(
    *, today: dt.date | None = None, count: int = 12, last: Period | None = None
) -> list[Period]:
    """The ``count`` most recent closed months, newest first (never an open month)."""
    newest = periods.last_closed_month(today)
    if last is not None and last.last < newest.last:
        newest = last
    out, cursor = [], newest
    for _ in range(count):
        out.append(cursor)
        cursor = cursor.previous()
    return out


def _bucket(months: list[Period]) -> Case:
    return Case(
        *[When(day__gte=m.first, day__lte=m.last, then=Value(m.code)) for m in months],
        default=Value(""),
        output_field=CharField(),
    )


def public_figures(months: list[Period], *, today: dt.date | None = None) -> list[PublicRow]:
    """Published figures per competent organisation and closed month (one aggregate)."""
    months = [m for m in months if m.is_closed(today)]
    if not months:
        return []
    by_code = {m.code: m for m in months}
    query = (
        DossierDailyFact.objects.filter(
            day__gte=min(m.first for m in months), day__lte=max(m.last for m in months)
        )
        .annotate(bucket=_bucket(months))
        .values("organisation_id", "bucket")
        .annotate(**{n: Sum(n) for n in FIGURES})
        .order_by()
    )
    rows = [
        (row["organisation_id"], by_code[row["bucket"]], Numbers.of(row))
        for row in query
        if row["bucket"] in by_code
    ]
    names = Organisation.objects.in_bulk({org_id for org_id, _, _ in rows})
    out = [PublicRow(names[o], m, n) for o, m, n in rows]
    out.sort(key=lambda r: r.organisation.path)
    out.sort(key=lambda r: r.period.first, reverse=True)
    return out


# --- parameters shared by the pages and the API ----------------------------------------------


class OutOfScope(Exception):
    """The requested organisation is not in the caller's scope (answered as 404)."""


def resolve_organisation(user: object, organisation_id: int | None) -> Organisation:
    roots = scope_roots(user)
    if organisation_id is None:
        if not roots:
            raise OutOfScope
        return roots[0]
    org = Organisation.objects.filter(pk=organisation_id).first()
    if org is None or not any(org.path.startswith(r.path) for r in roots):
        raise OutOfScope
    return org


def resolve_period(text: str | None) -> Period:
    """A period from ``YYYY-MM``/``YYYY-Qn``/``YYYY`` (ValueError), or the last closed month."""
    if not text:
        return periods.last_closed_month()
    return periods.parse(text)


def index_history(organisation: Organisation, period: Period, count: int = 6) -> list[Any]:
    from . import index766

    previous, cursor = [], period.previous()
    for _ in range(count):
        previous.append(cursor)
        cursor = cursor.previous()
    return index766.history(organisation=organisation, periods=previous)
