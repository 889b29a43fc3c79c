"""Satisfaction per unit: the three QĐ 766 ratios of DOMAIN.md §7 (group "satisfaction").

- ``feedback_on_time``: citizen reports answered (answer approved) by their answer deadline,
  over the reports that were answered or are already past their deadline in the period;
- ``feedback_satisfied``: satisfied ratings over all ratings of answers of the unit;
- ``dossier_satisfaction``: 100% − (late rate + complaint rate) of the dossiers the unit
  finished in the period, the complaint rate being the dissatisfied ratings (score 1) over
  those dossiers; ``dossier_rated_satisfied`` gives the plain share of satisfied ratings.

Counter (service-centre floor) ratings are not built yet (issue 13 item 5).
Late dossiers are counted here as ``finished_at > due_at`` (the due moment already carries
the extensions and the supplement pauses); ``dossiers.clock`` classifies single dossiers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q

from chinhquyen.dossiers.models import Dossier, SatisfactionRating, SatisfactionScore
from chinhquyen.orgs.models import Organisation

from .models import FeedbackItem, FeedbackRating, Status


def _ratio(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))


@dataclass
class UnitSatisfaction:
    unit_id: int
    unit_name: str
    feedback_due: int = 0
    feedback_on_time_count: int = 0
    feedback_ratings: int = 0
    feedback_satisfied_count: int = 0
    dossiers_finished: int = 0
    dossiers_late: int = 0
    dossier_ratings: int = 0
    dossier_dissatisfied: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def feedback_on_time(self) -> Decimal | None:
        return _ratio(self.feedback_on_time_count, self.feedback_due)

    @property
    def feedback_satisfied(self) -> Decimal | None:
        return _ratio(self.feedback_satisfied_count, self.feedback_ratings)

    @property
    def dossier_satisfaction(self) -> Decimal | None:
        if not self.dossiers_finished:
            return None
        late = Decimal(self.dossiers_late) / self.dossiers_finished
        complaints = Decimal(self.dossier_dissatisfied) / self.dossiers_finished
        return max(Decimal(0), (1 - late - complaints) * 100).quantize(Decimal("0.01"))

    @property
    def dossier_rated_satisfied(self) -> Decimal | None:
        return _ratio(self.dossier_ratings - self.dossier_dissatisfied, self.dossier_ratings)


def satisfaction_by_unit(
    *, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None
) -> list[UnitSatisfaction]:
    """Per unit, for items received / dossiers finished / ratings given in [start, end)."""
    now = now or end
    rows: dict[int, UnitSatisfaction] = {}

    def row(unit_id: int) -> UnitSatisfaction:
        if unit_id not in rows:
            rows[unit_id] = UnitSatisfaction(unit_id=unit_id, unit_name="")
        return rows[unit_id]

    items = FeedbackItem.objects.filter(
        received_at__gte=start, received_at__lt=end, unit__isnull=False
    ).exclude(status__in=(Status.MERGED, Status.REJECTED))
    answered = Q(answered_at__isnull=False)
    due = answered | Q(answer_due_at__lt=now)
    for entry in (
        items.filter(due)
        .values("unit")
        .annotate(
            total=Count("pk"),
            on_time=Count("pk", filter=answered & Q(answered_at__lte=F("answer_due_at"))),
        )
    ):
        r = row(entry["unit"])
        r.feedback_due += entry["total"]
        r.feedback_on_time_count += entry["on_time"]
    for entry in (
        FeedbackRating.objects.filter(rated_at__gte=start, rated_at__lt=end)
        .values("unit")
        .annotate(total=Count("pk"), satisfied=Count("pk", filter=Q(satisfied=True)))
    ):
        r = row(entry["unit"])
        r.feedback_ratings += entry["total"]
        r.feedback_satisfied_count += entry["satisfied"]
    for entry in (
        Dossier.objects.filter(finished_at__gte=start, finished_at__lt=end)
        .values("competent_organisation")
        .annotate(total=Count("pk"), late=Count("pk", filter=Q(finished_at__gt=F("due_at"))))
    ):
        r = row(entry["competent_organisation"])
        r.dossiers_finished += entry["total"]
        r.dossiers_late += entry["late"]
    for entry in (
        SatisfactionRating.objects.filter(rated_at__gte=start, rated_at__lt=end)
        .values("dossier__competent_organisation")
        .annotate(
            total=Count("pk"),
            bad=Count("pk", filter=Q(score=SatisfactionScore.DISSATISFIED)),
        )
    ):
        r = row(entry["dossier__competent_organisation"])
        r.dossier_ratings += entry["total"]
        r.dossier_dissatisfied += entry["bad"]
    names = dict(Organisation.objects.filter(pk__in=rows).values_list("pk", "name"))
    for r in rows.values():
        r.unit_name = names.get(r.unit_id, "")
    return sorted(rows.values(), key=lambda r: r.unit_name)
