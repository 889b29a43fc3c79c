"""The legal calendar: working days, office hours and working-time arithmetic.

Processing times of dossiers and documents are counted in working days (ngày làm việc) of
office hours (DOMAIN.md §4). This module answers "when is the deadline", "how much working
time has elapsed" and "how much is left", in the legal time zone Asia/Ho_Chi_Minh.

Where the days come from, lowest priority first:

1. Saturdays and Sundays are days off; Monday to Friday are working days.
2. The law, as encoded by the ``holidays`` package (country VN): public holidays, observed
   days, and the Prime Minister's swaps (an extra weekday off paid back by a make-up Saturday,
   which is a working day).
3. Province-wide ``CalendarDay`` rows (blank organisation code) set by an administrator.
4. Organisation-specific ``CalendarDay`` rows (the agency code), which win for that date.

Office hours come from the organisation's ``OfficeHours`` row, else the province default row,
else the built-in defaults (07:30–11:30, 13:00–17:00, cut-off 15:00).

Every datetime given to a ``LegalCalendar`` must be timezone-aware (any zone, UTC included);
naive datetimes are rejected with ``ValueError``. Results are aware datetimes in
Asia/Ho_Chi_Minh.

Use ``get_calendar(organisation_code)`` to obtain a cached calendar; write calendar data only
through the service functions at the bottom of this module (``calendar_day_save`` ...), which
invalidate the caches of every process.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, NamedTuple
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import transaction

from chinhquyen.core.audit import audit_actor

if TYPE_CHECKING:
    from chinhquyen.core.models import CalendarDay, OfficeHours

logger = logging.getLogger(__name__)

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

Source = Literal["law", "exception"]
SOURCE_LAW: Source = "law"
SOURCE_EXCEPTION: Source = "exception"

DAY_OFF = "day_off"
WORKING_DAY = "working_day"

_ZERO = dt.timedelta(0)
_ONE_DAY = dt.timedelta(days=1)


# --------------------------------------------------------------------------------------------
# Value types
# --------------------------------------------------------------------------------------------


class CalendarEntry(NamedTuple):
    """One listed day of ``days_off()`` / ``working_weekend_days()``."""

    date: dt.date
    name: str
    source: Source


@dataclass(frozen=True)
class DayOverride:
    """An administrator's exception for one date (``CalendarDay`` as plain data)."""

    kind: str  # DAY_OFF or WORKING_DAY
    name: str


def _tod(value: dt.time) -> dt.timedelta:
    return dt.timedelta(
        hours=value.hour, minutes=value.minute, seconds=value.second, microseconds=value.microsecond
    )


@dataclass(frozen=True)
class WorkingHours:
    """Office hours of one organisation: two periods a day and an optional intake cut-off."""

    morning_start: dt.time = dt.time(7, 30)
    morning_end: dt.time = dt.time(11, 30)
    afternoon_start: dt.time = dt.time(13, 0)
    afternoon_end: dt.time = dt.time(17, 0)
    cutoff: dt.time | None = dt.time(15, 0)

    def __post_init__(self) -> None:
        if not (self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end):
            raise ValueError(
                "office hours must satisfy morning_start < morning_end <= afternoon_start "
                "< afternoon_end"
            )

    @property
    def periods(self) -> tuple[tuple[dt.timedelta, dt.timedelta], ...]:
        """The working periods as offsets from midnight, in order."""
        return (
            (_tod(self.morning_start), _tod(self.morning_end)),
            (_tod(self.afternoon_start), _tod(self.afternoon_end)),
        )

    @property
    def day_length(self) -> dt.timedelta:
        """Working time in one working day (8 hours with the default hours)."""
        return sum((end - start for start, end in self.periods), _ZERO)


DEFAULT_WORKING_HOURS = WorkingHours()


# --------------------------------------------------------------------------------------------
# The law: the ``holidays`` package, names in Vietnamese
# --------------------------------------------------------------------------------------------

# The package's own Vietnamese names (language="vi"; without it the names follow the process
# locale) mapped to the names shown to users. Unknown names are shown as the package gives them.
_LAW_NAMES: dict[str, str] = {
    "Tết Dương lịch": "Tết Dương lịch",
    "29 Tết": "Tết Nguyên đán (29 Tết)",
    "Giao thừa Tết Nguyên Đán": "Tết Nguyên đán (Giao thừa)",
    "Tết Nguyên Đán": "Tết Nguyên đán (mùng 1)",
    "Mùng hai Tết Nguyên Đán": "Tết Nguyên đán (mùng 2)",
    "Mùng ba Tết Nguyên Đán": "Tết Nguyên đán (mùng 3)",
    "Mùng bốn Tết Nguyên Đán": "Tết Nguyên đán (mùng 4)",
    "Mùng năm Tết Nguyên Đán": "Tết Nguyên đán (mùng 5)",
    "Mùng sáu Tết Nguyên Đán": "Tết Nguyên đán (mùng 6)",
    "Ngày Giỗ Tổ Hùng Vương": "Giỗ Tổ Hùng Vương",
    "Ngày Chiến thắng": "Ngày Chiến thắng (30/4)",
    "Ngày Quốc tế Lao động": "Ngày Quốc tế Lao động",
    "Quốc khánh": "Quốc khánh",
    "Ngày Văn hóa Việt Nam": "Ngày Văn hóa Việt Nam",
}
# The same holidays under the package's English names, in case it is ever asked in English.
_LAW_NAMES_EN: dict[str, str] = {
    "New Year's Day": "Tết Dương lịch",
    "29 of Lunar New Year": "Tết Nguyên đán (29 Tết)",
    "Lunar New Year's Eve": "Tết Nguyên đán (Giao thừa)",
    "Lunar New Year": "Tết Nguyên đán (mùng 1)",
    "Second Day of Lunar New Year": "Tết Nguyên đán (mùng 2)",
    "Third Day of Lunar New Year": "Tết Nguyên đán (mùng 3)",
    "Fourth Day of Lunar New Year": "Tết Nguyên đán (mùng 4)",
    "Fifth Day of Lunar New Year": "Tết Nguyên đán (mùng 5)",
    "Sixth Day of Lunar New Year": "Tết Nguyên đán (mùng 6)",
    "Hung Kings' Commemoration Day": "Giỗ Tổ Hùng Vương",
    "Liberation Day/Reunification Day": "Ngày Chiến thắng (30/4)",
    "International Labor Day": "Ngày Quốc tế Lao động",
    "National Day": "Quốc khánh",
    "Vietnam Cultural Day": "Ngày Văn hóa Việt Nam",
}
# (suffix, observed, estimated) as the package labels observed and estimated dates.
_SUFFIXES: tuple[tuple[str, bool, bool], ...] = (
    (" (nghỉ bù, dự kiến)", True, True),
    (" (observed, estimated)", True, True),
    (" (nghỉ bù)", True, False),
    (" (observed)", True, False),
    (" (dự kiến)", False, True),
    (" (estimated)", False, True),
)
_SUBSTITUTED_RE = re.compile(
    r"^(?:Ngày nghỉ \(thay cho ngày (?P<vi>\d{2}/\d{2}/\d{4})\)"
    r"|Day off \(substituted from (?P<en>\d{2}/\d{2}/\d{4})\))$"
)


def _substituted_from(package_name: str) -> dt.date | None:
    """The make-up working day named by a swapped day off, if the name is one."""
    match = _SUBSTITUTED_RE.match(package_name)
    if match is None:
        return None
    if match["vi"]:
        return dt.datetime.strptime(match["vi"], "%d/%m/%Y").date()
    return dt.datetime.strptime(match["en"], "%m/%d/%Y").date()


def law_holiday_name(package_name: str) -> str:
    """Vietnamese display name of a holiday named ``package_name`` by the holidays package."""
    name, observed, estimated = package_name, False, False
    for suffix, is_observed, is_estimated in _SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            observed, estimated = observed or is_observed, estimated or is_estimated
    swapped_with = _substituted_from(name)
    if swapped_with is not None:
        display = f"Nghỉ bù (hoán đổi với ngày làm việc {swapped_with:%d/%m/%Y})"
    else:
        display = _LAW_NAMES.get(name) or _LAW_NAMES_EN.get(name) or name
        if observed:
            display = f"Nghỉ bù {display}"
    return f"{display} (dự kiến)" if estimated else display


@dataclass(frozen=True)
class LawYear:
    """What the law says about one year: days off and make-up working days, by date."""

    days_off: Mapping[dt.date, str]
    working_days: Mapping[dt.date, str]


@lru_cache(maxsize=256)
def law_year(year: int) -> LawYear:
    """Statutory days off and make-up working days of ``year`` (Vietnamese names).

    ``weekend_workdays`` of the package also holds make-up days of other years, so it is
    filtered to ``year``; the neighbouring years are loaded so that a swap across New Year
    (day off 31/12/2018, worked 5/1/2019) still names its partner day.
    """
    import holidays  # the package loads every country's rules: only when a year is first read

    package = holidays.country_holidays("VN", years={year - 1, year, year + 1}, language="vi")
    days_off: dict[dt.date, str] = {}
    made_up_for: dict[dt.date, dt.date] = {}
    for day, package_name in package.items():
        for single_name in package_name.split("; "):
            swapped_with = _substituted_from(single_name)
            if swapped_with is not None:
                made_up_for[swapped_with] = day
        if day.year == year:
            days_off[day] = "; ".join(law_holiday_name(n) for n in package_name.split("; "))
    working_days: dict[dt.date, str] = {}
    for day in sorted(getattr(package, "weekend_workdays", ())):
        if day.year != year:
            continue
        partner = made_up_for.get(day)
        working_days[day] = (
            f"Làm việc bù cho ngày nghỉ {partner:%d/%m/%Y}" if partner else "Ngày làm việc bù"
        )
    return LawYear(days_off=days_off, working_days=working_days)


# --------------------------------------------------------------------------------------------
# Time zone handling
# --------------------------------------------------------------------------------------------


def to_legal_time(value: dt.datetime) -> dt.datetime:
    """``value`` converted to Asia/Ho_Chi_Minh; naive datetimes are rejected."""
    if not isinstance(value, dt.datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError("naive datetime: the legal calendar needs timezone-aware datetimes")
    return value.astimezone(VN_TZ)


def _at(day: dt.date, offset: dt.timedelta) -> dt.datetime:
    """The moment ``offset`` after local midnight of ``day`` (Vietnam has no DST)."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=VN_TZ) + offset


def _since_midnight(local: dt.datetime) -> dt.timedelta:
    return _tod(local.time())


def _amount(value: int | float | Decimal, unit: dt.timedelta, label: str) -> dt.timedelta:
    """``value`` × ``unit``, exact to the microsecond; negative values are rejected."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"{label} must be a number")
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or number < 0:
        raise ValueError(f"{label} must be a finite number >= 0")
    unit_us = (unit.days * 86_400 + unit.seconds) * 1_000_000 + unit.microseconds
    return dt.timedelta(microseconds=int((number * unit_us).to_integral_value()))


# --------------------------------------------------------------------------------------------
# The calendar
# --------------------------------------------------------------------------------------------


class _YearInfo(NamedTuple):
    working: frozenset[int]  # ordinals of the working days of the year
    ordered: list[int]  # the same, sorted


class LegalCalendar:
    """Working days and working-time arithmetic for one organisation (or the province).

    Pure: it is built from plain data and never queries the database. ``LegalCalendar.load``
    builds one from the database; ``get_calendar`` caches those.
    """

    def __init__(
        self,
        organisation_code: str = "",
        *,
        hours: WorkingHours = DEFAULT_WORKING_HOURS,
        province_days: Mapping[dt.date, DayOverride] | None = None,
        organisation_days: Mapping[dt.date, DayOverride] | None = None,
    ) -> None:
        self.organisation_code = organisation_code
        self.hours = hours
        self.periods = hours.periods
        self.day_length = hours.day_length
        self.cutoff = _tod(hours.cutoff) if hours.cutoff is not None else None
        self._province_days = dict(province_days or {})
        self._organisation_days = dict(organisation_days or {})
        # Organisation-specific rows win over province-wide rows for the same date.
        self._overrides: dict[dt.date, tuple[DayOverride, str]] = {
            day: (override, "") for day, override in self._province_days.items()
        }
        self._overrides.update(
            (day, (override, organisation_code))
            for day, override in self._organisation_days.items()
        )
        self._years: dict[int, _YearInfo] = {}

    def __repr__(self) -> str:
        return f"<LegalCalendar {self.organisation_code or 'province'}>"

    # ---- loading ---------------------------------------------------------------------------

    @classmethod
    def load(cls, organisation_code: str = "") -> LegalCalendar:
        """Build the calendar of ``organisation_code`` (blank = province) from the database."""
        from chinhquyen.core.models import CalendarDay, OfficeHours

        codes = {"", organisation_code}
        province_days: dict[dt.date, DayOverride] = {}
        organisation_days: dict[dt.date, DayOverride] = {}
        for row in CalendarDay.objects.filter(organisation_code__in=codes).only(
            "date", "kind", "name", "organisation_code"
        ):
            target = organisation_days if row.organisation_code else province_days
            target[row.date] = DayOverride(kind=row.kind, name=row.name)
        hour_rows = {
            hours_row.organisation_code: hours_row
            for hours_row in OfficeHours.objects.filter(organisation_code__in=codes)
        }
        chosen = hour_rows.get(organisation_code) or hour_rows.get("")
        hours = working_hours_from(chosen) if chosen is not None else DEFAULT_WORKING_HOURS
        return cls(
            organisation_code,
            hours=hours,
            province_days=province_days,
            organisation_days=organisation_days,
        )

    # ---- days ------------------------------------------------------------------------------

    def _is_working_uncached(self, day: dt.date, law: LawYear) -> bool:
        entry = self._overrides.get(day)
        if entry is not None:
            return entry[0].kind == WORKING_DAY
        if day in law.working_days:
            return True
        if day in law.days_off:
            return False
        return day.weekday() < 5

    def _year(self, year: int) -> _YearInfo:
        info = self._years.get(year)
        if info is None:
            if not dt.MINYEAR < year < dt.MAXYEAR:
                raise ValueError("date outside the supported calendar range")
            law = law_year(year)
            first = dt.date(year, 1, 1).toordinal()
            last = dt.date(year, 12, 31).toordinal()
            ordered = [
                ordinal
                for ordinal in range(first, last + 1)
                if self._is_working_uncached(dt.date.fromordinal(ordinal), law)
            ]
            info = _YearInfo(working=frozenset(ordered), ordered=ordered)
            self._years[year] = info
        return info

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` (a date in legal time) is a working day."""
        if isinstance(day, dt.datetime):
            day = to_legal_time(day).date()
        return day.toordinal() in self._year(day.year).working

    def working_periods(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working periods of ``day`` as aware (start, end) pairs; empty on a day off."""
        if not self.is_working_day(day):
            return []
        return [(_at(day, start), _at(day, end)) for start, end in self.periods]

    def next_working_day(self, day: dt.date, n: int = 1) -> dt.date:
        """The ``n``-th working day strictly after ``day`` (n >= 1)."""
        if n < 1:
            raise ValueError("n must be >= 1")
        ordinal = day.toordinal()
        year = day.year
        while True:
            ordered = self._year(year).ordered
            index = bisect.bisect_right(ordered, ordinal)
            available = len(ordered) - index
            if n <= available:
                return dt.date.fromordinal(ordered[index + n - 1])
            n -= available
            year += 1

    def _working_days_between(self, first: dt.date, last: dt.date) -> int:
        """Number of working days in [first, last) (dates)."""
        if last <= first:
            return 0
        count = 0
        lo, hi = first.toordinal(), last.toordinal()
        for year in range(first.year, last.year + 1):
            ordered = self._year(year).ordered
            count += bisect.bisect_left(ordered, hi) - bisect.bisect_left(ordered, lo)
        return count

    def days_off(self, year: int) -> list[CalendarEntry]:
        """Days off of ``year`` other than ordinary weekends, in date order.

        Every statutory holiday (also one falling on a weekend) unless an exception makes it a
        working day, and every ``day_off`` exception. ``source`` is "law" (holidays package) or
        "exception" (``CalendarDay``).
        """
        law = law_year(year)
        entries: dict[dt.date, CalendarEntry] = {}
        for day, name in law.days_off.items():
            if day not in law.working_days:
                entries[day] = CalendarEntry(day, name, SOURCE_LAW)
        for day, (override, _code) in self._overrides.items():
            if day.year != year:
                continue
            if override.kind == DAY_OFF:
                entries[day] = CalendarEntry(day, override.name, SOURCE_EXCEPTION)
            else:
                entries.pop(day, None)
        return sorted(entries.values())

    def working_weekend_days(self, year: int) -> list[CalendarEntry]:
        """Days of ``year`` that are worked although the week or the law would make them off.

        Make-up Saturdays of the law's swaps, and every ``working_day`` exception that falls on
        a weekend or cancels a statutory holiday, in date order.
        """
        law = law_year(year)
        entries: dict[dt.date, CalendarEntry] = {
            day: CalendarEntry(day, name, SOURCE_LAW) for day, name in law.working_days.items()
        }
        for day, (override, _code) in self._overrides.items():
            if day.year != year:
                continue
            if override.kind == WORKING_DAY:
                if day.weekday() >= 5 or day in law.days_off or day in law.working_days:
                    entries[day] = CalendarEntry(day, override.name, SOURCE_EXCEPTION)
            else:
                entries.pop(day, None)
        return sorted(entries.values())

    # ---- time ------------------------------------------------------------------------------

    def _offset_in_day(self, since_midnight: dt.timedelta) -> dt.timedelta:
        """Working time of a working day elapsed at ``since_midnight``."""
        total = _ZERO
        for start, end in self.periods:
            if since_midnight <= start:
                break
            total += min(since_midnight, end) - start
        return total

    def _moment_at_offset(self, day: dt.date, offset: dt.timedelta) -> dt.datetime:
        """The earliest moment of working day ``day`` at which ``offset`` has elapsed."""
        for start, end in self.periods:
            length = end - start
            if offset <= length:
                return _at(day, start + offset)
            offset -= length
        raise ValueError("offset exceeds the working day")  # pragma: no cover - guarded

    def counting_start(self, start: dt.datetime, apply_cutoff: bool = True) -> dt.datetime:
        """The moment counting begins for something received at ``start``.

        ``start`` itself when it lies inside a working period; otherwise the start of the next
        working period. With ``apply_cutoff`` and a cut-off configured, a ``start`` at or after
        the cut-off on a working day counts from the first period of the next working day.
        """
        local = to_legal_time(start)
        day = local.date()
        since_midnight = _since_midnight(local)
        if self.is_working_day(day) and not (
            apply_cutoff and self.cutoff is not None and since_midnight >= self.cutoff
        ):
            for period_start, period_end in self.periods:
                if since_midnight < period_end:
                    return _at(day, max(since_midnight, period_start))
        return _at(self.next_working_day(day), self.periods[0][0])

    def add_working_time(
        self, start: dt.datetime, amount: dt.timedelta, *, apply_cutoff: bool = False
    ) -> dt.datetime:
        """The earliest moment at which ``amount`` of working time has elapsed since ``start``.

        Counting begins at ``counting_start(start, apply_cutoff)``. ``amount`` must be >= 0;
        zero gives the counting start.
        """
        if amount < _ZERO:
            raise ValueError("amount must be >= 0")
        begin = self.counting_start(start, apply_cutoff=apply_cutoff)
        if amount == _ZERO:
            return begin
        day = begin.date()
        offset = self._offset_in_day(_since_midnight(begin))
        left_today = self.day_length - offset
        if amount <= left_today:
            return self._moment_at_offset(day, offset + amount)
        amount -= left_today
        full_days, rest = divmod(amount, self.day_length)
        if rest == _ZERO:
            return self._moment_at_offset(self.next_working_day(day, full_days), self.day_length)
        return self._moment_at_offset(self.next_working_day(day, full_days + 1), rest)

    def deadline(
        self,
        start: dt.datetime,
        *,
        working_days: int | float | Decimal | None = None,
        working_hours: int | float | Decimal | None = None,
        apply_cutoff: bool = True,
    ) -> dt.datetime:
        """The deadline of something received at ``start``.

        The earliest moment at which ``working_days`` × (length of a working day) — or
        ``working_hours`` hours — of working time have elapsed since the counting start (see
        ``counting_start``). Give exactly one of ``working_days`` / ``working_hours``.
        Examples with the default hours: Mon 09:00 + 1 day = Tue 09:00; Tue 07:30 + 1 day =
        Tue 17:00; Tue 15:00 + 1 day = Wed 17:00 (cut-off 15:00).
        """
        return self.add_working_time(
            start,
            self.duration(working_days=working_days, working_hours=working_hours),
            apply_cutoff=apply_cutoff,
        )

    def duration(
        self,
        *,
        working_days: int | float | Decimal | None = None,
        working_hours: int | float | Decimal | None = None,
    ) -> dt.timedelta:
        """Working time of ``working_days`` days (on this calendar's day length) or hours."""
        if (working_days is None) == (working_hours is None):
            raise ValueError("give exactly one of working_days or working_hours")
        if working_days is not None:
            return _amount(working_days, self.day_length, "working_days")
        assert working_hours is not None
        return _amount(working_hours, dt.timedelta(hours=1), "working_hours")

    def _working_time(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time in [start, end) for local datetimes with start <= end."""
        first, last = start.date(), end.date()
        if first == last:
            if not self.is_working_day(first):
                return _ZERO
            return self._offset_in_day(_since_midnight(end)) - self._offset_in_day(
                _since_midnight(start)
            )
        total = self.day_length * self._working_days_between(first + _ONE_DAY, last)
        if self.is_working_day(first):
            total += self.day_length - self._offset_in_day(_since_midnight(start))
        if self.is_working_day(last):
            total += self._offset_in_day(_since_midnight(end))
        return total

    def working_time_between(
        self,
        start: dt.datetime,
        end: dt.datetime,
        pauses: Iterable[tuple[dt.datetime, dt.datetime]] = (),
    ) -> dt.timedelta:
        """Working time in [start, end) less the union of the ``pauses`` intervals.

        Overlapping pauses are counted once; parts of pauses outside [start, end) or outside
        working time change nothing. An empty or reversed range gives zero. A pause whose end
        is before its start is a ``ValueError``.
        """
        begin, finish = to_legal_time(start), to_legal_time(end)
        if finish <= begin:
            return _ZERO
        total = self._working_time(begin, finish)
        for pause_start, pause_end in _merge(pauses, lower=begin, upper=finish):
            total -= self._working_time(pause_start, pause_end)
        return total

    def remaining(
        self,
        deadline: dt.datetime,
        now: dt.datetime,
        pauses: Iterable[tuple[dt.datetime, dt.datetime]] = (),
    ) -> dt.timedelta:
        """Signed working time left from ``now`` until ``deadline``; negative when late.

        ``pauses`` are the intervals the clock was stopped since ``deadline`` was computed (for
        example a supplement request): their working time up to ``now`` is given back, as if
        the deadline had moved by that much. So for a deadline counted from ``counted_from``,
        ``remaining(deadline, now, pauses) + working_time_between(counted_from, now, pauses)``
        is always the total working time granted.
        """
        target, moment = to_legal_time(deadline), to_legal_time(now)
        if moment <= target:
            left = self._working_time(moment, target)
        else:
            left = -self._working_time(target, moment)
        for pause_start, pause_end in _merge(pauses, lower=None, upper=moment):
            left += self._working_time(pause_start, pause_end)
        return left

    def describe(self, delta: dt.timedelta) -> str:
        """Vietnamese wording of a signed remaining time, in days of this calendar's length.

        ``còn 1 ngày 4 giờ``, ``quá hạn 2 ngày 3 giờ``, ``quá hạn 45 phút``, ``đúng hạn`` for
        zero. Zero parts are omitted; seconds are dropped (less than a minute reads
        ``còn dưới 1 phút`` / ``quá hạn dưới 1 phút``).
        """
        return describe_working_time(delta, self.day_length)


def describe_working_time(delta: dt.timedelta, day_length: dt.timedelta) -> str:
    """Vietnamese wording of ``delta`` on a working day of ``day_length`` (see ``describe``)."""
    if delta == _ZERO:
        return "đúng hạn"
    prefix = "còn" if delta > _ZERO else "quá hạn"
    magnitude = abs(delta)
    days, rest = divmod(magnitude, day_length) if day_length > _ZERO else (0, magnitude)
    hours, rest = divmod(rest, dt.timedelta(hours=1))
    minutes = rest // dt.timedelta(minutes=1)
    parts = [
        f"{value} {unit}"
        for value, unit in ((days, "ngày"), (hours, "giờ"), (minutes, "phút"))
        if value
    ]
    if not parts:
        return f"{prefix} dưới 1 phút"
    return f"{prefix} {' '.join(parts)}"


def _merge(
    intervals: Iterable[tuple[dt.datetime, dt.datetime]],
    *,
    lower: dt.datetime | None,
    upper: dt.datetime,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Local, clipped to [lower, upper), non-empty, sorted, non-overlapping intervals."""
    clipped: list[tuple[dt.datetime, dt.datetime]] = []
    for raw_start, raw_end in intervals:
        start, end = to_legal_time(raw_start), to_legal_time(raw_end)
        if end < start:
            raise ValueError("a pause must not end before it starts")
        if lower is not None:
            start = max(start, lower)
        end = min(end, upper)
        if start < end:
            clipped.append((start, end))
    clipped.sort()
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in clipped:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def working_hours_from(row: OfficeHours) -> WorkingHours:
    """``WorkingHours`` of an ``OfficeHours`` row."""
    return WorkingHours(
        morning_start=row.morning_start,
        morning_end=row.morning_end,
        afternoon_start=row.afternoon_start,
        afternoon_end=row.afternoon_end,
        cutoff=row.cutoff,
    )


# --------------------------------------------------------------------------------------------
# Cache: one calendar per organisation with own data, invalidated by a version counter
# --------------------------------------------------------------------------------------------

CACHE_VERSION_KEY = "core:legal-calendar:version"
# How often a process looks at the shared version counter (seconds). Changes made in the same
# process are seen at once; other processes see them within this delay.
VERSION_CHECK_INTERVAL = 5.0

_lock = threading.Lock()


class _CacheState:
    def __init__(self) -> None:
        self.version: int | None = None
        self.checked_at = float("-inf")
        self.codes_with_data: frozenset[str] | None = None
        self.calendars: dict[str, LegalCalendar] = {}


_state = _CacheState()


def _shared_version() -> int:
    try:
        value = cache.get(CACHE_VERSION_KEY)
        if value is None:
            # First use (or the cache was flushed): start a counter so later bumps are visible.
            cache.add(CACHE_VERSION_KEY, 1, timeout=None)
            value = cache.get(CACHE_VERSION_KEY, 1)
        return int(value)
    except Exception:  # the cache is down: keep what this process has, reload when it is back
        logger.warning("legal calendar: cannot read the cache version", exc_info=True)
        return _state.version if _state.version is not None else 0


def reset_calendar_cache() -> None:
    """Forget every cached calendar of this process (tests call it around each test)."""
    with _lock:
        _state.version = None
        _state.checked_at = float("-inf")
        _state.codes_with_data = None
        _state.calendars = {}


def invalidate_calendar_cache() -> None:
    """Tell every process that calendar data changed: bump the shared version counter.

    Called by the service functions below (now, and again once the transaction commits, so no
    process can keep a calendar loaded between the first bump and the commit).
    """
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        try:
            cache.incr(CACHE_VERSION_KEY)
        except ValueError:  # missing key
            cache.set(CACHE_VERSION_KEY, 1, timeout=None)
    except Exception:  # the cache is down: other processes catch up when it is back
        logger.warning("legal calendar: cannot bump the cache version", exc_info=True)
    reset_calendar_cache()


def _refresh() -> None:
    now = time.monotonic()
    if now - _state.checked_at < VERSION_CHECK_INTERVAL and _state.version is not None:
        return
    version = _shared_version()
    with _lock:
        if version != _state.version:
            _state.calendars = {}
            _state.codes_with_data = None
            _state.version = version
        _state.checked_at = now


def _codes_with_data() -> frozenset[str]:
    codes = _state.codes_with_data
    if codes is None:
        from chinhquyen.core.models import CalendarDay, OfficeHours

        codes = frozenset(
            CalendarDay.objects.exclude(organisation_code="")
            .values_list("organisation_code", flat=True)
            .distinct()
        ) | frozenset(
            OfficeHours.objects.exclude(organisation_code="").values_list(
                "organisation_code", flat=True
            )
        )
        _state.codes_with_data = codes
    return codes


def get_calendar(organisation_code: str = "") -> LegalCalendar:
    """The cached calendar of ``organisation_code`` (blank = the province).

    An organisation without its own calendar rows or office hours shares the province's
    calendar. Warm calls make no database query; a process re-reads the data at most every
    ``VERSION_CHECK_INTERVAL`` seconds after another process changed it.
    """
    _refresh()
    code = organisation_code if organisation_code in _codes_with_data() else ""
    calendar = _state.calendars.get(code)
    if calendar is None:
        calendar = LegalCalendar.load(code)
        with _lock:
            calendar = _state.calendars.setdefault(code, calendar)
    return calendar


# --------------------------------------------------------------------------------------------
# Services: the only writes of calendar data
# --------------------------------------------------------------------------------------------


@transaction.atomic
def calendar_day_save(*, actor: Any, day: CalendarDay) -> CalendarDay:
    """Create or update a ``CalendarDay`` (validated) and invalidate the calendars."""
    day.full_clean()
    with audit_actor(actor):
        day.save()
    invalidate_calendar_cache()
    return day


@transaction.atomic
def calendar_day_set(
    *,
    actor: Any,
    date: dt.date,
    kind: str,
    name: str,
    organisation_code: str = "",
    note: str = "",
) -> CalendarDay:
    """Declare ``date`` a day off or a working day (for the province or one organisation)."""
    from chinhquyen.core.models import CalendarDay

    day = CalendarDay.objects.filter(date=date, organisation_code=organisation_code).first()
    if day is None:
        day = CalendarDay(date=date, organisation_code=organisation_code)
    day.kind, day.name, day.note = kind, name, note
    return calendar_day_save(actor=actor, day=day)


@transaction.atomic
def calendar_day_delete(*, actor: Any, day: CalendarDay) -> None:
    """Remove an exception: the date falls back to the law (or the province-wide row)."""
    with audit_actor(actor):
        day.delete()
    invalidate_calendar_cache()


@transaction.atomic
def calendar_days_delete(*, actor: Any, days: Sequence[CalendarDay]) -> int:
    """Remove several exceptions (admin bulk action); returns how many were removed."""
    with audit_actor(actor):
        for day in days:
            day.delete()
    invalidate_calendar_cache()
    return len(days)


@transaction.atomic
def office_hours_save(*, actor: Any, hours: OfficeHours) -> OfficeHours:
    """Create or update office hours (validated) and invalidate the calendars."""
    hours.full_clean()
    with audit_actor(actor):
        hours.save()
    invalidate_calendar_cache()
    return hours


@transaction.atomic
def office_hours_delete(*, actor: Any, hours: OfficeHours) -> None:
    """Remove office hours: the organisation falls back to the province default."""
    with audit_actor(actor):
        hours.delete()
    invalidate_calendar_cache()


@transaction.atomic
def office_hours_delete_many(*, actor: Any, rows: Sequence[OfficeHours]) -> int:
    """Remove several office-hours rows (admin bulk action); returns how many were removed."""
    with audit_actor(actor):
        for row in rows:
            row.delete()
    invalidate_calendar_cache()
    return len(rows)
