"""On-time statistics of the one-stop shop (thống kê kết quả giải quyết hồ sơ).

Per competent organisation and calendar month (Vietnam time):

- dossiers received in the month, and how many of them online;
- dossiers finished in the month (result ready, returned, refused or stopped — the moment the
  clock stopped, ``Dossier.finished_at``) by their class: early / on time / late (DOMAIN.md §4;
  the class is fixed by the dossier service when the dossier finishes);
- the on-time rate = (early + on time) / finished, the figure provinces publish.

Who may read them: unit heads and leaders, for the organisations in their scope (the same rule
as the dossiers they may see as managers: ``competent_organisation`` within their positions'
subtrees). Everyone else gets an empty scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from chinhquyen.accounts.models import Role
from chinhquyen.accounts.permissions import units_with_role
from chinhquyen.core.calendar import VN_TZ
from chinhquyen.dossiers.models import Channel, Dossier, Timeliness
from chinhquyen.orgs.models import Organisation

REPORT_ROLES = (Role.UNIT_HEAD, Role.LEADER)
MAX_MONTHS = 36


@dataclass(frozen=True)
class MonthRange:
    """Whole calendar months, ``first`` and ``last`` inclusive (both the 1st of a month)."""

    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        if self.first.day != 1 or self.last.day != 1:
            raise ValueError("months start on the 1st")
        if self.last < self.first:
            raise ValueError("last month before first month")

    @property
    def count(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1

    @property
    def start(self) -> dt.datetime:
        return dt.datetime(self.first.year, self.first.month, 1, tzinfo=VN_TZ)

    @property
    def end(self) -> dt.datetime:
        """The first moment after the range (exclusive)."""
        year, month = divmod(self.last.month, 12)
        return dt.datetime(self.last.year + year, month + 1, 1, tzinfo=VN_TZ)

    @classmethod
    def last_months(cls, n: int, *, today: dt.date) -> MonthRange:
        last = today.replace(day=1)
        index = last.year * 12 + last.month - 1 - (n - 1)
        return cls(first=dt.date(index // 12, index % 12 + 1, 1), last=last)


def rate(part: int, whole: int) -> Decimal | None:
    """A percentage with one decimal, or None when there is nothing to divide."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Figures:
    received: int = 0
    received_online: int = 0
    finished: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0

    def add(self, other: Figures) -> None:
        for name in ("received", "received_online", "finished", "early", "on_time", "late"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def in_time(self) -> int:
        return self.early + self.on_time

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.in_time, self.finished)

    @property
    def online_rate(self) -> Decimal | None:
        return rate(self.received_online, self.received)


@dataclass
class OrganisationFigures:
    organisation: Organisation
    total: Figures = field(default_factory=Figures)
    months: dict[dt.date, Figures] = field(default_factory=dict)


@dataclass
class OnTimeReport:
    period: MonthRange
    rows: list[OrganisationFigures]
    total: Figures
    by_month: dict[dt.date, Figures]

    @property
    def month_rows(self) -> list[tuple[dt.date, Figures]]:
        return sorted(self.by_month.items())

    @property
    def months(self) -> list[dt.date]:
        out, day = [], self.period.first
        while day <= self.period.last:
            out.append(day)
            day = (day + dt.timedelta(days=32)).replace(day=1)
        return out


def report_organisations(user: object) -> QuerySet[Organisation]:
    """Organisations whose statistics ``user`` may read."""
    units = units_with_role(user, REPORT_ROLES)
    if not units:
        return Organisation.objects.none()
    return Organisation.objects.subtree_of(*units)


def can_read_reports(user: object) -> bool:
    return bool(units_with_role(user, REPORT_ROLES))


def _scope(
    user: object, organisation: Organisation | None, field: str = "competent_organisation"
) -> Q:
    units = units_with_role(user, REPORT_ROLES)
    if organisation is not None:
        units = [organisation] if any(organisation.path.startswith(u.path) for u in units) else []
    cond = Q(pk__in=[])
    for unit in units:
        cond |= Q(**{f"{field}__path__startswith": unit.path})
    return cond


def _month(value: dt.datetime | dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.astimezone(VN_TZ).date()
    return value.replace(day=1)


def on_time_report(
    *, user: object, period: MonthRange, organisation: Organisation | None = None
) -> OnTimeReport:
    """The on-time statistics of the organisations ``user`` may read (optionally one subtree),
    by competent organisation and month. Two aggregate queries plus one for the names; from
    the daily facts (one small aggregate) when ``REPORTS_FROM_FACTS`` is on."""
    if getattr(settings, "REPORTS_FROM_FACTS", False):
        return _from_cells(period, _fact_cells(user, period, organisation))
    scope = _scope(user, organisation)
    base = Dossier.objects.filter(scope)
    received = (
        base.filter(received_at__gte=period.start, received_at__lt=period.end)
        .annotate(month=TruncMonth("received_at", tzinfo=VN_TZ))
        .values("competent_organisation_id", "month")
        .annotate(
            received=Count("id"),
            received_online=Count("id", filter=Q(channel=Channel.ONLINE)),
        )
        .order_by()
    )
    finished = (
        base.filter(finished_at__gte=period.start, finished_at__lt=period.end)
        .annotate(month=TruncMonth("finished_at", tzinfo=VN_TZ))
        .values("competent_organisation_id", "month")
        .annotate(
            finished=Count("id"),
            early=Count("id", filter=Q(classification=Timeliness.EARLY)),
            on_time=Count("id", filter=Q(classification=Timeliness.ON_TIME)),
            late=Count("id", filter=Q(classification=Timeliness.LATE)),
        )
        .order_by()
    )
    cells: dict[tuple[int, dt.date], Figures] = {}
    for row in received:
        cell = cells.setdefault((row["competent_organisation_id"], _month(row["month"])), Figures())
        cell.received, cell.received_online = row["received"], row["received_online"]
    for row in finished:
        cell = cells.setdefault((row["competent_organisation_id"], _month(row["month"])), Figures())
        cell.finished, cell.early = row["finished"], row["early"]
        cell.on_time, cell.late = row["on_time"], row["late"]
    return _from_cells(period, cells)


def _fact_cells(
    user: object, period: MonthRange, organisation: Organisation | None
) -> dict[tuple[int, dt.date], Figures]:
    """The same cells from the statistics' daily facts (kept ≤ 60 s behind the dossiers; the
    class is the dossier's own, so the figures equal the live query's once folded)."""
    from chinhquyen.stats.models import DossierDailyFact  # the facts live in a higher app

    last_day = period.end.date() - dt.timedelta(days=1)
    names = ("received", "received_online", "finished", "early", "on_time", "late")
    rows = (
        DossierDailyFact.objects.filter(
            _scope(user, organisation, "organisation"),
            day__gte=period.first,
            day__lte=last_day,
        )
        .annotate(month=TruncMonth("day"))
        .values("organisation_id", "month")
        .annotate(**{name: Sum(name) for name in names})
        .order_by()
    )
    cells: dict[tuple[int, dt.date], Figures] = {}
    for row in rows:
        figures = Figures(**{name: row[name] or 0 for name in names})
        if any(getattr(figures, name) for name in names):
            cells[(row["organisation_id"], _month(row["month"]))] = figures
    return cells


def _from_cells(period: MonthRange, cells: dict[tuple[int, dt.date], Figures]) -> OnTimeReport:
    organisations = Organisation.objects.in_bulk({org_id for org_id, _ in cells})
    rows: dict[int, OrganisationFigures] = {}
    total = Figures()
    by_month: dict[dt.date, Figures] = {}
    for (org_id, month), figures in cells.items():
        entry = rows.setdefault(org_id, OrganisationFigures(organisation=organisations[org_id]))
        entry.months[month] = figures
        entry.total.add(figures)
        total.add(figures)
        by_month.setdefault(month, Figures()).add(figures)
    ordered = sorted(rows.values(), key=lambda r: r.organisation.path)
    return OnTimeReport(period=period, rows=ordered, total=total, by_month=by_month)
