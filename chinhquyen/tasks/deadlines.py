"""Deadlines and status categories on the legal calendar (DOMAIN.md §4 and §13).

* A deadline that falls on a day off (weekend, public holiday, Tết) ends on the next working
  day (Bộ luật Dân sự 2015, art. 148(5)); a make-up Saturday is a working day.
* "N working days" counts from the day after the assignment on the province's calendar.
* A recurring ("thường xuyên") task owes one report per month/quarter/year; each period is due
  on the legal due date of its last day. Its ``due`` is the due date of the earliest period
  still unreported, so it is "chưa hoàn thành quá hạn" exactly while a report is missing.
* Categories (QĐ 42/2014): a task is judged at ``at`` (a cut-off date): completed on or before
  ``at`` → on time if completed on or before its due date, else late; not completed by ``at``
  → in time while ``at`` is on or before the due date, else overdue. Completion date = the day
  the lead unit reported completion (the assigner's later acceptance confirms it).
* Report periods (ND 09/2019 cut-off): month = 15th of the previous month – 14th; quarter =
  15th of the month before the quarter – 14th of its last month; half year = 15/12–14/6 and
  15/6–14/12; year = 15/12 of the previous year – 14/12.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When

from chinhquyen.core.api import DomainError
from chinhquyen.core.calendar import LegalCalendar, get_calendar

from .models import Category, Recurrence, Task, TaskStatus

CUTOFF_DAY = 15
PERIOD_KINDS = {
    "month": "Tháng",
    "quarter": "Quý",
    "half": "6 tháng",
    "year": "Năm",
}


def calendar() -> LegalCalendar:
    return get_calendar("")


def legal_due(day: dt.date, cal: LegalCalendar | None = None) -> dt.date:
    """``day`` if it is a working day, otherwise the next working day."""
    cal = cal or calendar()
    return day if cal.is_working_day(day) else cal.next_working_day(day)


def due_after_working_days(start: dt.date, n: int, cal: LegalCalendar | None = None) -> dt.date:
    if n < 1:
        raise DomainError("Số ngày làm việc phải từ 1 trở lên.", code="invalid_working_days")
    return (cal or calendar()).next_working_day(start, n)


def extension_counts() -> bool:
    return bool(getattr(settings, "TASKS_EXTENSION_COUNTS", True))


def due_field() -> str:
    """The column statistics judge against: the extended or the first deadline."""
    return "due" if extension_counts() else "original_due"


def category_of(
    *,
    status: str,
    due: dt.date | None,
    completed_on: dt.date | None,
    at: dt.date,
) -> str:
    if status == TaskStatus.COMPLETED and completed_on is not None and completed_on <= at:
        return Category.DONE_ON_TIME if due is None or completed_on <= due else Category.DONE_LATE
    return Category.OPEN_IN_TIME if due is None or at <= due else Category.OPEN_OVERDUE


# --- recurring tasks -----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    due: dt.date
    reported_on: dt.date | None = None

    def category(self, at: dt.date) -> str:
        if self.reported_on is not None and self.reported_on <= at:
            return Category.DONE_ON_TIME if self.reported_on <= self.due else Category.DONE_LATE
        return Category.OPEN_IN_TIME if at <= self.due else Category.OPEN_OVERDUE


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


_STEP = {Recurrence.MONTHLY: 1, Recurrence.QUARTERLY: 3, Recurrence.YEARLY: 12}


def recurring_periods(
    recurrence: str,
    *,
    start: dt.date,
    until: dt.date,
    reports: Iterable[tuple[dt.date, dt.date]] = (),
    cal: LegalCalendar | None = None,
) -> list[Period]:
    """The reporting periods from the one containing ``start`` to the one containing ``until``.

    ``reports`` are ``(period_end, reported_on)`` pairs; the first report of a period counts.
    """
    step = _STEP.get(recurrence)  # type: ignore[call-overload]
    if step is None:
        raise DomainError("Chu kỳ báo cáo không hợp lệ.", code="invalid_recurrence")
    cal = cal or calendar()
    first_month = ((start.month - 1) // step) * step + 1
    cursor = dt.date(start.year, first_month, 1)
    reported: dict[dt.date, dt.date] = {}
    for period_end, reported_on in reports:
        if period_end not in reported or reported_on < reported[period_end]:
            reported[period_end] = reported_on
    periods = []
    while cursor <= until:
        nxt = _add_months(cursor, step)
        end = nxt - dt.timedelta(days=1)
        periods.append(
            Period(start=cursor, end=end, due=legal_due(end, cal), reported_on=reported.get(end))
        )
        cursor = nxt
    return periods


def period_end_for(recurrence: str, day: dt.date) -> dt.date:
    """The last day of the reporting period containing ``day``."""
    return recurring_periods(recurrence, start=day, until=day)[-1].end


def recurring_due(
    recurrence: str, *, start: dt.date, reported_ends: Iterable[dt.date] = ()
) -> dt.date:
    """The legal due date of the earliest period since ``start`` that has no report yet.

    A recurring task keeps this date in ``due``: it is overdue exactly while a past period's
    report is missing, so the same SQL rule judges one-off and recurring tasks."""
    done = set(reported_ends)
    horizon = max([start, *done]) + dt.timedelta(days=400)
    for period in recurring_periods(recurrence, start=start, until=horizon):
        if period.end not in done:
            return period.due
    raise AssertionError("unreachable: the horizon is past every reported period")


def task_category(task: Task, at: dt.date) -> str:
    due = task.due if extension_counts() else task.original_due
    return category_of(status=task.status, due=due, completed_on=task.completed_on, at=at)


def category_expression(at: dt.date) -> Case:
    """The same rule as ``category_of``, in SQL."""
    due = F(due_field())
    done = Q(status=TaskStatus.COMPLETED, completed_on__isnull=False, completed_on__lte=at)
    return Case(
        When(
            done & (Q(**{f"{due_field()}__isnull": True}) | Q(completed_on__lte=due)),
            then=Value(Category.DONE_ON_TIME.value),
        ),
        When(done, then=Value(Category.DONE_LATE.value)),
        When(
            Q(**{f"{due_field()}__isnull": True}) | Q(**{f"{due_field()}__gte": at}),
            then=Value(Category.OPEN_IN_TIME.value),
        ),
        default=Value(Category.OPEN_OVERDUE.value),
        output_field=CharField(),
    )


def filter_category(qs: QuerySet[Task], category: str, at: dt.date) -> QuerySet[Task]:
    return qs.annotate(category=category_expression(at)).filter(category=category)


# --- report periods ------------------------------------------------------------------------


def report_period(kind: str, on: dt.date) -> tuple[dt.date, dt.date]:
    """The report period of ``kind`` containing ``on`` (cut-off on the 15th)."""
    if kind not in PERIOD_KINDS:
        raise DomainError(
            "Kỳ báo cáo không hợp lệ (month, quarter, half, year).", code="invalid_period"
        )
    # shift so that the period "month M" runs 15/(M-1) .. 14/M: a day on or after the 15th
    # belongs to the next month's period
    anchor = _add_months(on, 1) if on.day >= CUTOFF_DAY else on.replace(day=1)
    step = {"month": 1, "quarter": 3, "half": 6, "year": 12}[kind]
    last_month = ((anchor.month - 1) // step + 1) * step
    end = dt.date(anchor.year, last_month, CUTOFF_DAY - 1)
    start = _add_months(end.replace(day=1), -step).replace(day=CUTOFF_DAY)
    return start, end
