"""Property tests of the working-time arithmetic (pure ``LegalCalendar``, no database)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from chinhquyen.core.calendar import (
    VN_TZ,
    DayOverride,
    LegalCalendar,
    WorkingHours,
)

UTC = dt.UTC
CALENDARS = [
    LegalCalendar(),
    LegalCalendar(
        "000.00.01.H56",
        hours=WorkingHours(
            morning_start=dt.time(8, 0),
            morning_end=dt.time(12, 0),
            afternoon_start=dt.time(13, 30),
            afternoon_end=dt.time(17, 15),
            cutoff=None,
        ),
        province_days={
            dt.date(2026, 3, 9): DayOverride("day_off", "Nghỉ bổ sung"),
            dt.date(2026, 3, 14): DayOverride("working_day", "Làm việc bù"),
        },
        organisation_days={dt.date(2026, 3, 10): DayOverride("day_off", "Nghỉ riêng")},
    ),
]

# Moments from 2024 to 2028, to the second, in Vietnam time or UTC (any aware zone is allowed).
moments = st.builds(
    lambda seconds, in_utc: (
        dt.datetime(2024, 1, 1, tzinfo=VN_TZ) + dt.timedelta(seconds=seconds)
    ).astimezone(UTC if in_utc else VN_TZ),
    st.integers(min_value=0, max_value=5 * 365 * 86_400),
    st.booleans(),
)
calendars = st.sampled_from(CALENDARS)
day_counts = st.integers(min_value=0, max_value=400)
minutes = st.integers(min_value=0, max_value=60 * 8 * 200)
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)


def _within_working_time(calendar: LegalCalendar, moment: dt.datetime) -> bool:
    local = moment.astimezone(VN_TZ)
    return any(start <= local <= end for start, end in calendar.working_periods(local.date()))


@PROPERTY_SETTINGS
@given(calendars, moments, day_counts, day_counts, st.booleans())
def test_deadline_is_monotonic_in_days(
    calendar: LegalCalendar, start: dt.datetime, a: int, b: int, cutoff: bool
) -> None:
    low, high = sorted((a, b))
    assert calendar.deadline(start, working_days=low, apply_cutoff=cutoff) <= calendar.deadline(
        start, working_days=high, apply_cutoff=cutoff
    )


@PROPERTY_SETTINGS
@given(calendars, moments, moments, st.integers(min_value=0, max_value=30), st.booleans())
def test_deadline_is_monotonic_in_start(
    calendar: LegalCalendar, a: dt.datetime, b: dt.datetime, days: int, cutoff: bool
) -> None:
    early, late = sorted((a, b))
    assert calendar.deadline(early, working_days=days, apply_cutoff=cutoff) <= calendar.deadline(
        late, working_days=days, apply_cutoff=cutoff
    )


@PROPERTY_SETTINGS
@given(calendars, moments, minutes, st.booleans())
def test_elapsed_between_counting_start_and_deadline_is_the_amount(
    calendar: LegalCalendar, start: dt.datetime, amount_minutes: int, cutoff: bool
) -> None:
    hours = amount_minutes / 60
    deadline = calendar.deadline(start, working_hours=hours, apply_cutoff=cutoff)
    counted_from = calendar.counting_start(start, apply_cutoff=cutoff)
    assert calendar.working_time_between(counted_from, deadline) == dt.timedelta(
        minutes=amount_minutes
    )
    # Nothing earlier would do: one second before, less time has elapsed.
    if amount_minutes:
        before = deadline - dt.timedelta(seconds=1)
        assert calendar.working_time_between(counted_from, before) < dt.timedelta(
            minutes=amount_minutes
        )


@PROPERTY_SETTINGS
@given(calendars, moments, day_counts, st.booleans())
def test_days_are_day_length_multiples(
    calendar: LegalCalendar, start: dt.datetime, days: int, cutoff: bool
) -> None:
    deadline = calendar.deadline(start, working_days=days, apply_cutoff=cutoff)
    counted_from = calendar.counting_start(start, apply_cutoff=cutoff)
    assert calendar.working_time_between(counted_from, deadline) == calendar.day_length * days


@PROPERTY_SETTINGS
@given(calendars, moments, minutes, st.booleans())
def test_deadline_lies_within_a_working_period(
    calendar: LegalCalendar, start: dt.datetime, amount_minutes: int, cutoff: bool
) -> None:
    deadline = calendar.deadline(start, working_hours=amount_minutes / 60, apply_cutoff=cutoff)
    assert deadline.tzinfo is not None
    assert deadline.utcoffset() == dt.timedelta(hours=7)
    assert _within_working_time(calendar, deadline)
    counted_from = calendar.counting_start(start, apply_cutoff=cutoff)
    assert counted_from >= start
    assert _within_working_time(calendar, counted_from)


@PROPERTY_SETTINGS
@given(
    calendars,
    moments,
    moments,
    st.lists(st.tuples(moments, st.integers(min_value=0, max_value=10 * 86_400)), max_size=4),
)
def test_pauses_never_increase_elapsed_time(
    calendar: LegalCalendar,
    a: dt.datetime,
    b: dt.datetime,
    raw_pauses: list[tuple[dt.datetime, int]],
) -> None:
    start, end = sorted((a, b))
    pauses = [(p, p + dt.timedelta(seconds=length)) for p, length in raw_pauses]
    plain = calendar.working_time_between(start, end)
    paused = calendar.working_time_between(start, end, pauses)
    assert dt.timedelta(0) <= paused <= plain
    # Each pause only removes time; a pause repeated is counted once.
    assert calendar.working_time_between(start, end, pauses + pauses) == paused
    total_pause = sum(
        (calendar.working_time_between(max(p0, start), min(p1, end)) for p0, p1 in pauses),
        dt.timedelta(0),
    )
    assert plain - paused <= total_pause


@PROPERTY_SETTINGS
@given(calendars, moments, moments, st.sampled_from(["night", "weekend", "lunch"]))
def test_pause_outside_working_time_changes_nothing(
    calendar: LegalCalendar, a: dt.datetime, b: dt.datetime, where: str
) -> None:
    start, end = sorted((a, b))
    day = start.astimezone(VN_TZ).date()
    if where == "night":
        pause = (
            dt.datetime.combine(day, dt.time(18, 0), tzinfo=VN_TZ),
            dt.datetime.combine(day + dt.timedelta(days=1), dt.time(7, 0), tzinfo=VN_TZ),
        )
    elif where == "weekend":
        saturday = day + dt.timedelta(days=(5 - day.weekday()) % 7)
        if calendar.is_working_day(saturday) or calendar.is_working_day(
            saturday + dt.timedelta(days=1)
        ):
            return
        pause = (
            dt.datetime.combine(saturday, dt.time(0), tzinfo=VN_TZ),
            dt.datetime.combine(saturday + dt.timedelta(days=2), dt.time(0), tzinfo=VN_TZ),
        )
    else:
        pause = (
            dt.datetime.combine(day, calendar.hours.morning_end, tzinfo=VN_TZ),
            dt.datetime.combine(day, calendar.hours.afternoon_start, tzinfo=VN_TZ),
        )
    assert calendar.working_time_between(start, end, [pause]) == calendar.working_time_between(
        start, end
    )


@PROPERTY_SETTINGS
@given(calendars, moments, moments, moments)
def test_elapsed_is_additive_over_a_split_point(
    calendar: LegalCalendar, a: dt.datetime, b: dt.datetime, c: dt.datetime
) -> None:
    start, middle, end = sorted((a, b, c))
    assert calendar.working_time_between(start, end) == calendar.working_time_between(
        start, middle
    ) + calendar.working_time_between(middle, end)


@PROPERTY_SETTINGS
@given(calendars, moments, moments)
def test_reversed_range_is_zero(calendar: LegalCalendar, a: dt.datetime, b: dt.datetime) -> None:
    start, end = sorted((a, b))
    assert calendar.working_time_between(end, start) == dt.timedelta(0)
    assert calendar.working_time_between(start, start) == dt.timedelta(0)


@PROPERTY_SETTINGS
@given(calendars, moments, st.integers(min_value=0, max_value=60), moments, st.booleans())
def test_remaining_plus_elapsed_is_total(
    calendar: LegalCalendar, start: dt.datetime, days: int, now: dt.datetime, cutoff: bool
) -> None:
    counted_from = calendar.counting_start(start, apply_cutoff=cutoff)
    deadline = calendar.deadline(start, working_days=days, apply_cutoff=cutoff)
    if now < counted_from:
        now = counted_from
    elapsed = calendar.working_time_between(counted_from, now)
    remaining = calendar.remaining(deadline, now)
    assert remaining + elapsed == calendar.day_length * days
    late = calendar.working_time_between(deadline, now) > dt.timedelta(0)
    assert (remaining < dt.timedelta(0)) == late


@PROPERTY_SETTINGS
@given(
    calendars,
    moments,
    st.integers(min_value=1, max_value=30),
    st.integers(min_value=0, max_value=40 * 86_400),
    st.lists(st.tuples(st.integers(0, 40 * 86_400), st.integers(0, 5 * 86_400)), max_size=3),
)
def test_remaining_with_pauses_gives_paused_time_back(
    calendar: LegalCalendar,
    start: dt.datetime,
    days: int,
    now_after: int,
    raw_pauses: list[tuple[int, int]],
) -> None:
    counted_from = calendar.counting_start(start)
    deadline = calendar.deadline(start, working_days=days)
    now = counted_from + dt.timedelta(seconds=now_after)
    pauses = [
        (
            counted_from + dt.timedelta(seconds=offset),
            counted_from + dt.timedelta(seconds=offset + n),
        )
        for offset, n in raw_pauses
    ]
    elapsed = calendar.working_time_between(counted_from, now, pauses)
    assert calendar.remaining(deadline, now, pauses) + elapsed == calendar.day_length * days
