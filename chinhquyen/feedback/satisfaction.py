"""Satisfaction per unit, officer or procedure: the three QĐ 766 ratios of DOMAIN.md §7 (group
"satisfaction").

- ``feedback_on_time``: citizen reports answered (answer approved) by their answer deadline,
  over the reports that were answered or are already past their deadline in the period;
- ``feedback_satisfied``: satisfied ratings over all ratings of answers of the unit;
- ``dossier_satisfaction``: 100% − (late rate + complaint rate) of the dossiers the unit
  finished in the period, the complaint rate being the dissatisfied ratings (score 1) over
  those dossiers; ``dossier_rated_satisfied`` gives the plain share of satisfied ratings.

Per officer: the report's assignee and the answer's author; the dossier's last assignee
(``current_assignee``). Per procedure: dossiers only (reports carry no procedure).
Counter ratings of the service-centre floor (``chinhquyen.floor``) are added per desk ("unit")
and per officer: ``counter_satisfied`` is the share of "satisfied" and "very satisfied".
Late dossiers are counted here as ``finished_at > due_at`` (the due moment already carries
the extensions and the supplement pauses); ``dossiers.clock`` classifies single dossiers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q

from chinhquyen.accounts.models import User
from chinhquyen.dossiers.models import Dossier, SatisfactionRating, SatisfactionScore
from chinhquyen.floor.selectors import counter_ratings
from chinhquyen.orgs.models import Organisation

from .models import FeedbackItem, FeedbackRating, Status


def _ratio(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))


@dataclass
class UnitSatisfaction:
    unit_id: int  # the unit's, officer's or procedure's id (see ``by``)
    unit_name: str
    feedback_due: int = 0
    feedback_on_time_count: int = 0
    feedback_ratings: int = 0
    feedback_satisfied_count: int = 0
    dossiers_finished: int = 0
    dossiers_late: int = 0
    dossier_ratings: int = 0
    dossier_dissatisfied: int = 0
    counter_ratings: int = 0
    counter_satisfied_count: int = 0
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
    def counter_satisfied(self) -> Decimal | None:
        return _ratio(self.counter_satisfied_count, self.counter_ratings)

    @property
    def dossier_rated_satisfied(self) -> Decimal | None:
        return _ratio(self.dossier_ratings - self.dossier_dissatisfied, self.dossier_ratings)


# (items, feedback ratings, dossiers, dossier ratings) grouping fields per dimension
DIMENSIONS: dict[str, tuple[str | None, str | None, str, str]] = {
    "unit": ("unit", "unit", "competent_organisation", "dossier__competent_organisation"),
    "officer": ("assignee", "answer__author", "current_assignee", "dossier__current_assignee"),
    "procedure": (None, None, "procedure", "dossier__procedure"),
}


def _names(by: str, ids: list[int]) -> dict[int, str]:
    if by == "unit":
        return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
    if by == "officer":
        return {u.pk: str(u) for u in User.objects.filter(pk__in=ids)}
    return dict(
        Dossier.objects.filter(procedure__in=ids)
        .order_by("procedure", "-pk")
        .distinct()
        .values_list("procedure", "procedure_name")
    )


def satisfaction_by_unit(
    *, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None
) -> list[UnitSatisfaction]:
    return satisfaction_by(by="unit", start=start, end=end, now=now)


def satisfaction_by(
    *, by: str, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None
) -> list[UnitSatisfaction]:
    """Per ``by`` ("unit", "officer", "procedure"), for reports received / dossiers finished /
    ratings given in [start, end)."""
    item_key, rating_key, dossier_key, dossier_rating_key = DIMENSIONS[by]
    now = now or end
    rows: dict[int, UnitSatisfaction] = {}

    def row(key: int | None) -> UnitSatisfaction | None:
        if key is None:
            return None
        if key not in rows:
            rows[key] = UnitSatisfaction(unit_id=key, unit_name="")
        return rows[key]

    if item_key is not None:
        items = FeedbackItem.objects.filter(received_at__gte=start, received_at__lt=end).exclude(
            status__in=(Status.MERGED, Status.REJECTED)
        )
        answered = Q(answered_at__isnull=False)
        due = answered | Q(answer_due_at__lt=now)
        for entry in (
            items.filter(due)
            .values(item_key)
            .annotate(
                total=Count("pk"),
                on_time=Count("pk", filter=answered & Q(answered_at__lte=F("answer_due_at"))),
            )
        ):
            r = row(entry[item_key])
            if r is not None:
                r.feedback_due += entry["total"]
                r.feedback_on_time_count += entry["on_time"]
    if rating_key is not None:
        for entry in (
            FeedbackRating.objects.filter(rated_at__gte=start, rated_at__lt=end)
            .values(rating_key)
            .annotate(total=Count("pk"), satisfied=Count("pk", filter=Q(satisfied=True)))
        ):
            r = row(entry[rating_key])
            if r is not None:
                r.feedback_ratings += entry["total"]
                r.feedback_satisfied_count += entry["satisfied"]
    for entry in (
        Dossier.objects.filter(finished_at__gte=start, finished_at__lt=end)
        .values(dossier_key)
        .annotate(total=Count("pk"), late=Count("pk", filter=Q(finished_at__gt=F("due_at"))))
    ):
        r = row(entry[dossier_key])
        if r is not None:
            r.dossiers_finished += entry["total"]
            r.dossiers_late += entry["late"]
    for entry in (
        SatisfactionRating.objects.filter(rated_at__gte=start, rated_at__lt=end)
        .values(dossier_rating_key)
        .annotate(
            total=Count("pk"),
            bad=Count("pk", filter=Q(score=SatisfactionScore.DISSATISFIED)),
        )
    ):
        r = row(entry[dossier_rating_key])
        if r is not None:
            r.dossier_ratings += entry["total"]
            r.dossier_dissatisfied += entry["bad"]
    for key, (total, good) in counter_ratings(by=by, start=start, end=end).items():
        r = row(key)
        if r is not None:
            r.counter_ratings += total
            r.counter_satisfied_count += good
    names = _names(by, list(rows))
    for r in rows.values():
        r.unit_name = names.get(r.unit_id, "")
    return sorted(rows.values(), key=lambda r: r.unit_name)
