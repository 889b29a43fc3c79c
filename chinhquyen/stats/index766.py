"""The QĐ 766 service index computed from the daily facts (DOMAIN.md §7).

Groups, indicators, weights and threshold caps are rows (``IndexGroup``, ``Indicator``); an
indicator scores ``max_points × min(1, ratio / full_at)`` — full marks from its threshold.
Indicators without data on the platform (``Metric.NOT_AVAILABLE``, or nothing to divide in the
period) score nothing and are left out of ``max_assessed``, so a unit is not ranked on what the
platform cannot measure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Case, CharField, Q, QuerySet, Sum, Value, When

from chinhquyen.catalog.models import Procedure, ProcedureVersion
from chinhquyen.dossiers.models import Dossier, Timeliness
from chinhquyen.orgs.models import Organisation

from .models import DossierDailyFact, IndexGroup, Indicator, Metric
from .periods import Period

SUMMED = (
    "received",
    "received_online",
    "fee_required",
    "paid_online",
    "finished",
    "early",
    "on_time",
    "late",
    "results_electronic",
    "due_open",
    "rated",
    "rated_dissatisfied",
)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass
class Measures:
    """Sums of the facts over one scope and period, plus per-procedure counts."""

    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SUMMED, 0))
    procedures: dict[int, dict[str, int]] = field(default_factory=dict)

    def add_row(self, procedure_id: int, values: dict[str, int]) -> None:
        proc = self.procedures.setdefault(procedure_id, dict.fromkeys(SUMMED, 0))
        for name in SUMMED:
            value = values.get(name) or 0
            self.totals[name] += value
            proc[name] += value

    def count_procedures(self, name: str) -> int:
        return sum(1 for p in self.procedures.values() if p[name] > 0)

    def procedures_where(self, has: str, lacks: str) -> list[int]:
        return sorted(pid for pid, p in self.procedures.items() if p[has] > 0 and p[lacks] == 0)


def _subtrees(organisations: Iterable[Organisation]) -> Q:
    cond = Q(pk__in=[])
    for org in organisations:
        cond |= Q(organisation__path__startswith=org.path)
    return cond


def fact_rows(period: Period, organisations: Iterable[Organisation]) -> list[dict[str, Any]]:
    """Fact sums by (organisation, procedure) over the period, for the given subtrees."""
    return list(
        DossierDailyFact.objects.filter(
            _subtrees(organisations), day__gte=period.first, day__lte=period.last
        )
        .values("organisation_id", "procedure_id")
        .annotate(**{name: Sum(name) for name in SUMMED})
        .order_by()
    )


def fact_rows_by_period(
    periods: list[Period], organisations: Iterable[Organisation]
) -> dict[str, list[dict[str, Any]]]:
    """``fact_rows`` of several periods in one aggregate (each day labelled with its period)."""
    if not periods:
        return {}
    bucket = Case(
        *[When(day__gte=p.first, day__lte=p.last, then=Value(p.code)) for p in periods],
        default=Value(""),
        output_field=CharField(),
    )
    out: dict[str, list[dict[str, Any]]] = {p.code: [] for p in periods}
    rows = (
        DossierDailyFact.objects.filter(
            _subtrees(organisations),
            day__gte=min(p.first for p in periods),
            day__lte=max(p.last for p in periods),
        )
        .annotate(bucket=bucket)
        .values("bucket", "organisation_id", "procedure_id")
        .annotate(**{name: Sum(name) for name in SUMMED})
        .order_by()
    )
    for row in rows:
        if row["bucket"] in out:
            out[row["bucket"]].append(row)
    return out


def history(*, organisation: Organisation, periods: list[Period]) -> list[IndexResult]:
    """The index of one organisation over several periods (one facts query)."""
    groups = definition()
    rows = fact_rows_by_period(periods, [organisation])
    return [
        score(measures(rows[p.code]), period=p, organisation=organisation, groups=groups)
        for p in periods
    ]


def measures(rows: Iterable[dict[str, Any]]) -> Measures:
    out = Measures()
    for row in rows:
        out.add_row(row["procedure_id"], row)
    return out


def _ratio(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, ROUND_HALF_UP)


def measure(metric: str, m: Measures) -> tuple[int, int, Decimal | None]:
    """(numerator, denominator, ratio in %) of one metric."""
    t = m.totals
    if metric == Metric.ON_TIME:
        part, whole = t["early"] + t["on_time"], t["finished"]
    elif metric == Metric.ONLINE_SUBMISSION:
        part, whole = t["received_online"], t["received"]
    elif metric == Metric.ONLINE_PROCEDURES:
        part, whole = m.count_procedures("received_online"), m.count_procedures("received")
    elif metric == Metric.ONLINE_PAYMENT:
        part, whole = m.count_procedures("paid_online"), m.count_procedures("fee_required")
    elif metric == Metric.ELECTRONIC_RESULTS:
        part, whole = t["results_electronic"], t["finished"]
    elif metric == Metric.DOSSIER_SATISFACTION:
        late_rate = _ratio(t["late"], t["finished"])
        if late_rate is None:
            return 0, 0, None
        complaint_rate = _ratio(t["rated_dissatisfied"], t["rated"]) or Decimal(0)
        value = max(Decimal(0), HUNDRED - late_rate - complaint_rate)
        return t["finished"] - t["late"], t["finished"], value
    else:
        return 0, 0, None
    return part, whole, _ratio(part, whole)


def points(indicator: Indicator, ratio: Decimal | None) -> Decimal | None:
    """``max_points × min(1, ratio / full_at)``, two decimals; None without data."""
    if ratio is None:
        return None
    share = min(Decimal(1), ratio / indicator.full_at)
    return (indicator.max_points * share).quantize(CENT, ROUND_HALF_UP)


@dataclass
class IndicatorScore:
    indicator: Indicator
    numerator: int
    denominator: int
    ratio: Decimal | None
    points: Decimal | None


@dataclass
class GroupScore:
    group: IndexGroup
    indicators: list[IndicatorScore]

    @property
    def points(self) -> Decimal:
        return sum((i.points for i in self.indicators if i.points is not None), Decimal(0))

    @property
    def max_assessed(self) -> Decimal:
        return sum(
            (i.indicator.max_points for i in self.indicators if i.points is not None), Decimal(0)
        )


@dataclass
class IndexResult:
    organisation: Organisation | None
    period: Period
    groups: list[GroupScore]
    measures: Measures

    @property
    def points(self) -> Decimal:
        return sum((g.points for g in self.groups), Decimal(0))

    @property
    def max_points(self) -> Decimal:
        return sum((g.group.max_points for g in self.groups), Decimal(0))

    @property
    def max_assessed(self) -> Decimal:
        return sum((g.max_assessed for g in self.groups), Decimal(0))

    @property
    def percent(self) -> Decimal | None:
        """Points over the points that could be assessed (the ranking figure)."""
        if not self.max_assessed:
            return None
        return (self.points * HUNDRED / self.max_assessed).quantize(Decimal("0.1"), ROUND_HALF_UP)


def definition() -> list[tuple[IndexGroup, list[Indicator]]]:
    groups = list(IndexGroup.objects.prefetch_related("indicators"))
    return [(g, sorted(g.indicators.all(), key=lambda i: (i.order, i.code))) for g in groups]


def score(
    m: Measures,
    *,
    period: Period,
    organisation: Organisation | None,
    groups: list[tuple[IndexGroup, list[Indicator]]] | None = None,
) -> IndexResult:
    out = []
    for group, indicators in groups if groups is not None else definition():
        scores = []
        for indicator in indicators:
            part, whole, ratio = measure(indicator.metric, m)
            scores.append(IndicatorScore(indicator, part, whole, ratio, points(indicator, ratio)))
        out.append(GroupScore(group, scores))
    return IndexResult(organisation=organisation, period=period, groups=out, measures=m)


def index_for(*, organisation: Organisation, period: Period) -> IndexResult:
    """The index of one organisation's subtree for one period."""
    return score(
        measures(fact_rows(period, [organisation])), period=period, organisation=organisation
    )


def ranking(*, organisations: list[Organisation], period: Period) -> list[IndexResult]:
    """The index of each given organisation (its subtree), best first; one facts query."""
    rows = fact_rows(period, organisations)
    paths = {
        o.pk: o.path
        for o in Organisation.objects.filter(pk__in={r["organisation_id"] for r in rows})
    }
    groups = definition()
    results = []
    for org in organisations:
        mine = [r for r in rows if paths.get(r["organisation_id"], "").startswith(org.path)]
        results.append(score(measures(mine), period=period, organisation=org, groups=groups))
    results.sort(
        key=lambda r: (-(r.percent or Decimal(-1)), r.organisation.name if r.organisation else "")
    )
    return results


# --- drill-down ------------------------------------------------------------------------------


def late_dossiers(*, organisation: Organisation, period: Period) -> QuerySet[Dossier]:
    """The dossiers counted late in the period (finished in it, classified late)."""
    return (
        Dossier.objects.filter(
            competent_organisation__path__startswith=organisation.path,
            finished_at__gte=period.start,
            finished_at__lt=period.end,
            classification=Timeliness.LATE,
        )
        .select_related("competent_organisation")
        .only(
            "id",
            "code",
            "procedure_name",
            "received_at",
            "appointment_at",
            "new_appointment_at",
            "finished_at",
            "supplement_count",
            "competent_organisation__name",
        )
        .order_by("-finished_at", "-id")
    )


def procedures_lacking(result: IndexResult, *, has: str, lacks: str) -> list[dict[str, Any]]:
    """Procedures counted in the denominator but not the numerator (e.g. has="fee_required",
    lacks="paid_online": procedures lacking online payment), with their current name."""
    ids = result.measures.procedures_where(has, lacks)
    names: dict[int, str] = {}
    for version in ProcedureVersion.objects.filter(procedure_id__in=ids).order_by("valid_from"):
        names[version.procedure_id] = version.name
    return [
        {
            "id": p.pk,
            "code": p.code,
            "name": names.get(p.pk, ""),
            **result.measures.procedures[p.pk],
        }
        for p in Procedure.objects.filter(pk__in=ids).order_by("code")
    ]
