"""Reporting periods with the data cut-off of ND 09/2019 (DOMAIN.md §13): the month M runs
from the 15th of M−1 to the 14th of M; a quarter from the 15th before its first month to the
14th of its last; the year from 15/12 of the year before to 14/12. The cut-off day is the
setting ``STATS_CUTOFF_DAY`` (env var, default 15; 1 means calendar months)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from chinhquyen.core.calendar import VN_TZ

PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?$")


def cutoff_day() -> int:
    day = int(getattr(settings, "STATS_CUTOFF_DAY", 15))
    if not 1 <= day <= 28:
        raise ValueError("STATS_CUTOFF_DAY must be between 1 and 28")
    return day


def _month_start(year: int, month: int) -> dt.date:
    """First day of the reporting month (year, month)."""
    cut = cutoff_day()
    if cut == 1:
        return dt.date(year, month, 1)
    index = year * 12 + month - 2
    return dt.date(index // 12, index % 12 + 1, cut)


def _month_end(year: int, month: int) -> dt.date:
    index = year * 12 + month
    return _month_start(index // 12, index % 12 + 1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    kind: str  # "month" | "quarter" | "year"
    year: int
    number: int  # month 1–12, quarter 1–4, or 0 for a year
    first: dt.date  # inclusive
    last: dt.date  # inclusive

    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        return str(self.year)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"Tháng {self.number:02d}/{self.year}"
        if self.kind == "quarter":
            return f"Quý {self.number}/{self.year}"
        return f"Năm {self.year}"

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time(), tzinfo=VN_TZ)

    @property
    def end(self) -> dt.datetime:
        """The first moment after the period (exclusive), Vietnam time."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), tzinfo=VN_TZ)

    def is_closed(self, today: dt.date | None = None) -> bool:
        """Closed (published) once its last day has passed."""
        return self.last < (today or timezone.localdate())

    def previous(self) -> Period:
        if self.kind == "month":
            index = self.year * 12 + self.number - 2
            return month(index // 12, index % 12 + 1)
        if self.kind == "quarter":
            return quarter(
                self.year - (self.number == 1), 4 if self.number == 1 else self.number - 1
            )
        return year(self.year - 1)


def month(y: int, m: int) -> Period:
    return Period("month", y, m, _month_start(y, m), _month_end(y, m))


def quarter(y: int, q: int) -> Period:
    return Period("quarter", y, q, _month_start(y, 3 * q - 2), _month_end(y, 3 * q))


def year(y: int) -> Period:
    return Period("year", y, 0, _month_start(y, 1), _month_end(y, 12))


def parse(text: str) -> Period:
    """``2026-03`` (month), ``2026-Q1`` (quarter) or ``2026`` (year)."""
    match = PERIOD_RE.match(text.strip())
    if not match:
        raise ValueError("Kỳ không hợp lệ: dùng YYYY-MM, YYYY-Qn hoặc YYYY.")
    y = int(match["year"])
    if not 2000 <= y <= 2100:
        raise ValueError("Năm ngoài phạm vi.")
    if match["month"]:
        m = int(match["month"])
        if not 1 <= m <= 12:
            raise ValueError("Tháng không hợp lệ.")
        return month(y, m)
    if match["quarter"]:
        return quarter(y, int(match["quarter"]))
    return year(y)


def month_containing(day: dt.date) -> Period:
    """The reporting month a calendar day belongs to."""
    candidate = month(day.year, day.month)
    if day > candidate.last:
        index = day.year * 12 + day.month
        return month(index // 12, index % 12 + 1)
    return candidate


def current_month(today: dt.date | None = None) -> Period:
    return month_containing(today or timezone.localdate())


def last_closed_month(today: dt.date | None = None) -> Period:
    return current_month(today).previous()
