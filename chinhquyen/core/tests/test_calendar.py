"""Worked examples of the legal calendar, its database exceptions, cache and admin."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from chinhquyen.core import calendar as calendar_module
from chinhquyen.core.calendar import (
    VN_TZ,
    CalendarEntry,
    LegalCalendar,
    calendar_day_delete,
    calendar_day_set,
    get_calendar,
    law_holiday_name,
    law_year,
    office_hours_save,
)
from chinhquyen.core.models import CalendarDay, CalendarDayKind, OfficeHours

UTC = dt.UTC
ORG = "000.00.01.H56"
OTHER_ORG = "000.00.02.H56"


def vn(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN_TZ)  # type: ignore[misc]


@pytest.fixture
def province() -> LegalCalendar:
    """The statutory calendar with the default office hours (no database)."""
    return LegalCalendar()


# --- the law: holidays package ------------------------------------------------------------


def test_tet_2026_days_off_and_deadline(province: LegalCalendar) -> None:
    # Tết 2026 for public servants: Sat 14/2 – Sun 22/2/2026.
    for day in range(14, 23):
        assert not province.is_working_day(dt.date(2026, 2, day)), day
    assert province.is_working_day(dt.date(2026, 2, 13))
    assert province.is_working_day(dt.date(2026, 2, 23))
    # Received Fri 13/2/2026 10:00 + 1 working day => Mon 23/2/2026 10:00.
    deadline = province.deadline(vn(2026, 2, 13, 10, 0), working_days=1)
    assert deadline == vn(2026, 2, 23, 10, 0)
    assert deadline.isoformat() == "2026-02-23T10:00:00+07:00"
    assert province.deadline(vn(2026, 2, 13, 10, 0), working_days=2) == vn(2026, 2, 24, 10, 0)


def test_swap_2025_package_knows_both_days(province: LegalCalendar) -> None:
    # Sat 26/4/2025 was worked in exchange for Fri 2/5/2025. The holidays package (0.109) has
    # both (weekend_workdays and a substituted day off), so no CalendarDay exception is needed.
    law = law_year(2025)
    assert dt.date(2025, 5, 2) in law.days_off
    assert dt.date(2025, 4, 26) in law.working_days
    assert province.is_working_day(dt.date(2025, 4, 26))
    assert not province.is_working_day(dt.date(2025, 5, 2))
    assert not province.is_working_day(dt.date(2025, 4, 27))  # the Sunday stays off
    # Fri 25/4/2025 10:00 + 1 day => the make-up Saturday 26/4/2025 10:00.
    assert province.deadline(vn(2025, 4, 25, 10, 0), working_days=1) == vn(2025, 4, 26, 10, 0)
    # Tue 29/4/2025 10:00 + 1 day: 30/4, 1/5, 2/5 off, then the weekend => Mon 5/5/2025.
    assert province.deadline(vn(2025, 4, 29, 10, 0), working_days=1) == vn(2025, 5, 5, 10, 0)


def test_stale_weekend_workdays_of_other_years_are_ignored(province: LegalCalendar) -> None:
    # The package's weekend_workdays also lists 27/12/2014 and 5/1/2019 whatever year is asked.
    assert set(law_year(2027).working_days) == set()
    assert set(law_year(2026).working_days) == {dt.date(2026, 8, 22)}
    assert not province.is_working_day(dt.date(2027, 1, 2))  # a Saturday


def test_30_april_and_1_may(province: LegalCalendar) -> None:
    assert not province.is_working_day(dt.date(2026, 4, 30))
    assert not province.is_working_day(dt.date(2026, 5, 1))
    # Wed 29/4/2026 10:00 + 1 day => Mon 4/5/2026 10:00.
    assert province.deadline(vn(2026, 4, 29, 10, 0), working_days=1) == vn(2026, 5, 4, 10, 0)


def test_national_day_with_adjacent_day(province: LegalCalendar) -> None:
    # 2025: Mon 1/9 and Tue 2/9 off. Fri 29/8/2025 10:00 + 1 day => Wed 3/9/2025 10:00.
    assert not province.is_working_day(dt.date(2025, 9, 1))
    assert not province.is_working_day(dt.date(2025, 9, 2))
    assert province.deadline(vn(2025, 8, 29, 10, 0), working_days=1) == vn(2025, 9, 3, 10, 0)
    # 2026: Mon 31/8 (swapped with Sat 22/8), Tue 1/9, Wed 2/9 off.
    assert province.is_working_day(dt.date(2026, 8, 22))
    assert province.deadline(vn(2026, 8, 21, 10, 0), working_days=1) == vn(2026, 8, 22, 10, 0)
    assert province.deadline(vn(2026, 8, 28, 10, 0), working_days=1) == vn(2026, 9, 3, 10, 0)


def test_observed_hung_kings_day_2026(province: LegalCalendar) -> None:
    # Giỗ Tổ falls on Sun 26/4/2026, observed Mon 27/4/2026.
    assert not province.is_working_day(dt.date(2026, 4, 27))
    assert province.deadline(vn(2026, 4, 24, 10, 0), working_days=1) == vn(2026, 4, 28, 10, 0)
    names = {entry.date: entry.name for entry in province.days_off(2026)}
    assert names[dt.date(2026, 4, 26)] == "Giỗ Tổ Hùng Vương"
    assert names[dt.date(2026, 4, 27)] == "Nghỉ bù Giỗ Tổ Hùng Vương"


def test_days_off_2026_list(province: LegalCalendar) -> None:
    days = province.days_off(2026)
    assert [entry.date for entry in days] == [
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 16),
        dt.date(2026, 2, 17),
        dt.date(2026, 2, 18),
        dt.date(2026, 2, 19),
        dt.date(2026, 2, 20),
        dt.date(2026, 4, 26),
        dt.date(2026, 4, 27),
        dt.date(2026, 4, 30),
        dt.date(2026, 5, 1),
        dt.date(2026, 8, 31),
        dt.date(2026, 9, 1),
        dt.date(2026, 9, 2),
        dt.date(2026, 11, 24),
    ]
    assert {entry.source for entry in days} == {"law"}
    names = {entry.date: entry.name for entry in days}
    assert names[dt.date(2026, 1, 1)] == "Tết Dương lịch"
    assert names[dt.date(2026, 2, 17)] == "Tết Nguyên đán (mùng 1)"
    assert names[dt.date(2026, 4, 30)] == "Ngày Chiến thắng (30/4)"
    assert names[dt.date(2026, 5, 1)] == "Ngày Quốc tế Lao động"
    assert names[dt.date(2026, 8, 31)] == "Nghỉ bù (hoán đổi với ngày làm việc 22/08/2026)"
    assert names[dt.date(2026, 9, 2)] == "Quốc khánh"
    assert names[dt.date(2026, 11, 24)] == "Ngày Văn hóa Việt Nam"
    assert province.working_weekend_days(2026) == [
        CalendarEntry(dt.date(2026, 8, 22), "Làm việc bù cho ngày nghỉ 31/08/2026", "law")
    ]


def test_law_holiday_names_fall_back_and_map_english() -> None:
    assert law_holiday_name("International Labor Day") == "Ngày Quốc tế Lao động"
    assert law_holiday_name("Hung Kings' Commemoration Day (observed)") == (
        "Nghỉ bù Giỗ Tổ Hùng Vương"
    )
    assert law_holiday_name("Quốc khánh (dự kiến)") == "Quốc khánh (dự kiến)"
    assert law_holiday_name("Day off (substituted from 04/26/2025)") == (
        "Nghỉ bù (hoán đổi với ngày làm việc 26/04/2025)"
    )
    assert law_holiday_name("Ngày lạ") == "Ngày lạ"


# --- office hours and cut-off -------------------------------------------------------------


def test_day_arithmetic_examples(province: LegalCalendar) -> None:
    # Mon 2/3/2026 09:00 + 1 day = Tue 09:00; Tue 07:30 + 1 day = Tue 17:00 (not Wed 07:30).
    assert province.deadline(vn(2026, 3, 2, 9, 0), working_days=1) == vn(2026, 3, 3, 9, 0)
    assert province.deadline(vn(2026, 3, 3, 7, 30), working_days=1) == vn(2026, 3, 3, 17, 0)
    # 4 hours from 07:30 ends at the end of the morning, not after lunch.
    assert province.deadline(vn(2026, 3, 3, 7, 30), working_hours=4) == vn(2026, 3, 3, 11, 30)
    assert province.deadline(vn(2026, 3, 3, 10, 0), working_hours=4) == vn(2026, 3, 3, 15, 30)
    # Received during lunch: counted from 13:00.
    assert province.counting_start(vn(2026, 3, 3, 12, 0)) == vn(2026, 3, 3, 13, 0)
    assert province.counting_start(vn(2026, 3, 3, 11, 30)) == vn(2026, 3, 3, 13, 0)
    # Received on Saturday: counted from Monday 07:30.
    assert province.counting_start(vn(2026, 3, 7, 9, 0)) == vn(2026, 3, 9, 7, 30)
    # Zero days: the counting start itself.
    assert province.deadline(vn(2026, 3, 7, 9, 0), working_days=0) == vn(2026, 3, 9, 7, 30)
    assert province.working_periods(dt.date(2026, 3, 3)) == [
        (vn(2026, 3, 3, 7, 30), vn(2026, 3, 3, 11, 30)),
        (vn(2026, 3, 3, 13, 0), vn(2026, 3, 3, 17, 0)),
    ]
    assert province.working_periods(dt.date(2026, 3, 7)) == []
    assert province.day_length == dt.timedelta(hours=8)
    assert province.duration(working_days=1.5) == dt.timedelta(hours=12)


def test_cutoff_14_59_versus_15_00(province: LegalCalendar) -> None:
    before = vn(2026, 3, 3, 14, 59)
    at = vn(2026, 3, 3, 15, 0)
    assert province.counting_start(before) == before
    assert province.counting_start(at) == vn(2026, 3, 4, 7, 30)
    assert province.deadline(before, working_days=1) == vn(2026, 3, 4, 14, 59)
    assert province.deadline(at, working_days=1) == vn(2026, 3, 4, 17, 0)
    # Without the cut-off, 15:00 counts from 15:00.
    assert province.deadline(at, working_days=1, apply_cutoff=False) == vn(2026, 3, 4, 15, 0)
    # The cut-off of a Friday moves to Monday.
    assert province.counting_start(vn(2026, 3, 6, 16, 0)) == vn(2026, 3, 9, 7, 30)


def test_utc_midnight_versus_vietnam_time(province: LegalCalendar) -> None:
    # 2026-03-02T17:30:00Z is 00:30 on Tue 3 March in Vietnam.
    start = dt.datetime(2026, 3, 2, 17, 30, tzinfo=UTC)
    assert province.counting_start(start) == vn(2026, 3, 3, 7, 30)
    assert province.deadline(start, working_days=1) == vn(2026, 3, 3, 17, 0)
    assert province.deadline(start, working_days=1).utcoffset() == dt.timedelta(hours=7)
    # 2026-03-06T17:30:00Z is 00:30 on Saturday 7 March: counted from Monday.
    assert province.counting_start(dt.datetime(2026, 3, 6, 17, 30, tzinfo=UTC)) == vn(
        2026, 3, 9, 7, 30
    )
    # 02:00Z is 09:00 in Vietnam, inside the morning period.
    assert province.counting_start(dt.datetime(2026, 3, 3, 2, 0, tzinfo=UTC)) == vn(
        2026, 3, 3, 9, 0
    )
    # A datetime is judged by its Vietnamese date.
    assert province.is_working_day(dt.datetime(2026, 3, 6, 16, 59, tzinfo=UTC))  # type: ignore[arg-type]
    assert not province.is_working_day(dt.datetime(2026, 3, 6, 17, 0, tzinfo=UTC))  # type: ignore[arg-type]


def test_naive_datetimes_are_rejected(province: LegalCalendar) -> None:
    naive = dt.datetime(2026, 3, 3, 9, 0)
    with pytest.raises(ValueError, match="naive"):
        province.deadline(naive, working_days=1)
    with pytest.raises(ValueError, match="naive"):
        province.working_time_between(naive, vn(2026, 3, 4, 9, 0))
    with pytest.raises(ValueError, match="naive"):
        province.remaining(vn(2026, 3, 4, 9, 0), naive)
    with pytest.raises(ValueError, match="exactly one"):
        province.deadline(vn(2026, 3, 3, 9, 0))
    with pytest.raises(ValueError, match="exactly one"):
        province.deadline(vn(2026, 3, 3, 9, 0), working_days=1, working_hours=1)
    with pytest.raises(ValueError, match=">= 0"):
        province.deadline(vn(2026, 3, 3, 9, 0), working_days=-1)


# --- elapsed, remaining, wording ----------------------------------------------------------


def test_working_time_between_and_pauses(province: LegalCalendar) -> None:
    # Mon 2/3/2026 09:00 to Wed 4/3 10:00: 6h30 + 8h + 2h30.
    start, end = vn(2026, 3, 2, 9, 0), vn(2026, 3, 4, 10, 0)
    assert province.working_time_between(start, end) == dt.timedelta(hours=17)
    assert province.working_time_between(end, start) == dt.timedelta(0)
    # A supplement request Mon 16:00 – Tue 08:30: 1h + 1h paused; an overlapping pause counts
    # once; a pause over the night changes nothing.
    pauses = [
        (vn(2026, 3, 2, 16, 0), vn(2026, 3, 3, 8, 30)),
        (vn(2026, 3, 2, 16, 30), vn(2026, 3, 3, 8, 0)),
        (vn(2026, 3, 3, 18, 0), vn(2026, 3, 4, 7, 0)),
    ]
    assert province.working_time_between(start, end, pauses) == dt.timedelta(hours=15)
    with pytest.raises(ValueError, match="pause"):
        province.working_time_between(start, end, [(end, start)])


def test_remaining_and_describe(province: LegalCalendar) -> None:
    deadline = province.deadline(vn(2026, 3, 2, 9, 0), working_days=3)  # Thu 5/3 09:00
    assert deadline == vn(2026, 3, 5, 9, 0)
    left = province.remaining(deadline, vn(2026, 3, 3, 14, 30))  # Tue 14:30
    assert left == dt.timedelta(hours=12)
    assert province.describe(left) == "còn 1 ngày 4 giờ"
    late = province.remaining(deadline, vn(2026, 3, 9, 13, 30))  # Mon 9/3 13:30
    assert late == -dt.timedelta(hours=19)
    assert province.describe(late) == "quá hạn 2 ngày 3 giờ"
    assert province.describe(province.remaining(deadline, vn(2026, 3, 5, 9, 45))) == (
        "quá hạn 45 phút"
    )
    assert province.describe(province.remaining(deadline, deadline)) == "đúng hạn"
    assert province.describe(dt.timedelta(hours=8)) == "còn 1 ngày"
    assert province.describe(dt.timedelta(seconds=20)) == "còn dưới 1 phút"
    assert province.describe(-dt.timedelta(days=1, minutes=5)) == "quá hạn 3 ngày 5 phút"
    # A pause of 2 working hours gives 2 hours back.
    pause = [(vn(2026, 3, 3, 9, 0), vn(2026, 3, 3, 11, 0))]
    assert province.remaining(deadline, vn(2026, 3, 3, 14, 30), pause) == dt.timedelta(hours=14)


# --- database exceptions and office hours -------------------------------------------------


@pytest.mark.django_db
def test_default_office_hours_are_seeded() -> None:
    row = OfficeHours.objects.get(organisation_code="")
    assert (row.morning_start, row.morning_end) == (dt.time(7, 30), dt.time(11, 30))
    assert (row.afternoon_start, row.afternoon_end) == (dt.time(13, 0), dt.time(17, 0))
    assert row.cutoff == dt.time(15, 0)
    assert get_calendar().day_length == dt.timedelta(hours=8)


@pytest.mark.django_db
def test_db_exception_adds_a_day_off_and_a_make_up_saturday() -> None:
    assert get_calendar().deadline(vn(2026, 2, 13, 10, 0), working_days=1) == vn(2026, 2, 23, 10, 0)
    calendar_day_set(
        actor=None,
        date=dt.date(2026, 2, 23),
        kind=CalendarDayKind.DAY_OFF,
        name="Nghỉ Tết bổ sung",
    )
    calendar_day_set(
        actor=None,
        date=dt.date(2026, 3, 7),
        kind=CalendarDayKind.WORKING_DAY,
        name="Làm việc bù cho ngày 23/02/2026",
    )
    calendar = get_calendar()
    assert not calendar.is_working_day(dt.date(2026, 2, 23))
    assert calendar.is_working_day(dt.date(2026, 3, 7))
    assert calendar.deadline(vn(2026, 2, 13, 10, 0), working_days=1) == vn(2026, 2, 24, 10, 0)
    assert calendar.deadline(vn(2026, 3, 6, 10, 0), working_days=1) == vn(2026, 3, 7, 10, 0)
    assert CalendarEntry(dt.date(2026, 2, 23), "Nghỉ Tết bổ sung", "exception") in (
        calendar.days_off(2026)
    )
    assert CalendarEntry(dt.date(2026, 3, 7), "Làm việc bù cho ngày 23/02/2026", "exception") in (
        calendar.working_weekend_days(2026)
    )


@pytest.mark.django_db
def test_exception_cancels_a_law_holiday_and_can_be_removed() -> None:
    day = calendar_day_set(
        actor=None,
        date=dt.date(2026, 11, 24),
        kind=CalendarDayKind.WORKING_DAY,
        name="Ngày Văn hóa Việt Nam không nghỉ",
    )
    calendar = get_calendar()
    assert calendar.is_working_day(dt.date(2026, 11, 24))
    assert dt.date(2026, 11, 24) not in {entry.date for entry in calendar.days_off(2026)}
    assert CalendarEntry(
        dt.date(2026, 11, 24), "Ngày Văn hóa Việt Nam không nghỉ", "exception"
    ) in (calendar.working_weekend_days(2026))
    # Turning the law's make-up Saturday into a day off removes it from the working days.
    calendar_day_set(
        actor=None, date=dt.date(2026, 8, 22), kind=CalendarDayKind.DAY_OFF, name="Không làm bù"
    )
    calendar = get_calendar()
    assert not calendar.is_working_day(dt.date(2026, 8, 22))
    assert dt.date(2026, 8, 22) not in {e.date for e in calendar.working_weekend_days(2026)}
    calendar_day_delete(actor=None, day=day)
    assert not get_calendar().is_working_day(dt.date(2026, 11, 24))


@pytest.mark.django_db
def test_organisation_exception_does_not_affect_the_province() -> None:
    calendar_day_set(
        actor=None,
        date=dt.date(2026, 3, 10),
        kind=CalendarDayKind.DAY_OFF,
        name="Nghỉ riêng của cơ quan",
        organisation_code=ORG,
    )
    assert not get_calendar(ORG).is_working_day(dt.date(2026, 3, 10))
    assert get_calendar().is_working_day(dt.date(2026, 3, 10))
    assert get_calendar(OTHER_ORG).is_working_day(dt.date(2026, 3, 10))
    assert get_calendar(OTHER_ORG) is get_calendar()  # no own data: shares the province's
    assert get_calendar(ORG).deadline(vn(2026, 3, 9, 10, 0), working_days=1) == vn(
        2026, 3, 11, 10, 0
    )
    assert get_calendar().deadline(vn(2026, 3, 9, 10, 0), working_days=1) == vn(2026, 3, 10, 10, 0)


@pytest.mark.django_db
def test_organisation_row_wins_over_province_row() -> None:
    calendar_day_set(
        actor=None, date=dt.date(2026, 3, 11), kind=CalendarDayKind.DAY_OFF, name="Nghỉ toàn tỉnh"
    )
    calendar_day_set(
        actor=None,
        date=dt.date(2026, 3, 11),
        kind=CalendarDayKind.WORKING_DAY,
        name="Cơ quan trực làm việc",
        organisation_code=ORG,
    )
    assert not get_calendar().is_working_day(dt.date(2026, 3, 11))
    assert get_calendar(ORG).is_working_day(dt.date(2026, 3, 11))
    # The province-wide day off still applies to the organisation on other dates.
    calendar_day_set(
        actor=None, date=dt.date(2026, 3, 12), kind=CalendarDayKind.DAY_OFF, name="Nghỉ toàn tỉnh"
    )
    assert not get_calendar(ORG).is_working_day(dt.date(2026, 3, 12))
    assert CalendarEntry(dt.date(2026, 3, 12), "Nghỉ toàn tỉnh", "exception") in get_calendar(
        ORG
    ).days_off(2026)


@pytest.mark.django_db
def test_changed_office_hours_change_results() -> None:
    start = vn(2026, 3, 2, 9, 0)
    assert get_calendar().deadline(start, working_days=1) == vn(2026, 3, 3, 9, 0)
    row = OfficeHours.objects.get(organisation_code="")
    row.morning_start, row.morning_end = dt.time(8, 0), dt.time(12, 0)
    row.afternoon_start, row.afternoon_end = dt.time(13, 30), dt.time(16, 30)  # 7-hour day
    row.cutoff = None
    office_hours_save(actor=None, hours=row)
    calendar = get_calendar()
    assert calendar.day_length == dt.timedelta(hours=7)
    # Mon 09:00 + 7h: 3h morning + 3h afternoon Monday, 1h Tuesday => Tue 09:00.
    assert calendar.deadline(start, working_days=1) == vn(2026, 3, 3, 9, 0)
    # No cut-off any more: 16:00 counts from 16:00 (30 min left that day).
    assert calendar.deadline(vn(2026, 3, 2, 16, 0), working_hours=1) == vn(2026, 3, 3, 8, 30)
    assert calendar.counting_start(vn(2026, 3, 2, 7, 45)) == vn(2026, 3, 2, 8, 0)
    # An organisation with its own hours.
    office_hours_save(
        actor=None,
        hours=OfficeHours(
            organisation_code=ORG,
            morning_start=dt.time(7, 0),
            morning_end=dt.time(11, 0),
            afternoon_start=dt.time(13, 0),
            afternoon_end=dt.time(17, 0),
            cutoff=dt.time(16, 0),
        ),
    )
    assert get_calendar(ORG).counting_start(vn(2026, 3, 2, 7, 0)) == vn(2026, 3, 2, 7, 0)
    assert get_calendar(ORG).counting_start(vn(2026, 3, 2, 15, 30)) == vn(2026, 3, 2, 15, 30)
    assert get_calendar().counting_start(vn(2026, 3, 2, 7, 0)) == vn(2026, 3, 2, 8, 0)


@pytest.mark.django_db
def test_model_validation_messages_are_vietnamese() -> None:
    row = OfficeHours(
        organisation_code=ORG,
        morning_start=dt.time(11, 0),
        morning_end=dt.time(8, 0),
        afternoon_start=dt.time(13, 0),
        afternoon_end=dt.time(17, 0),
    )
    with pytest.raises(ValidationError) as error:
        office_hours_save(actor=None, hours=row)
    assert "Giờ bắt đầu buổi sáng phải trước giờ kết thúc buổi sáng." in str(error.value)
    with pytest.raises(ValidationError) as error:
        calendar_day_set(
            actor=None,
            date=dt.date(2026, 3, 10),
            kind=CalendarDayKind.DAY_OFF,
            name="Sai mã",
            organisation_code="h56",
        )
    assert "Mã định danh không hợp lệ" in str(error.value)
    assert not CalendarDay.objects.exists()


@pytest.mark.django_db
def test_service_writes_are_audited() -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="quantri", password="x" * 12)
    day = calendar_day_set(
        actor=user, date=dt.date(2026, 3, 10), kind=CalendarDayKind.DAY_OFF, name="Nghỉ"
    )
    entry = LogEntry.objects.get_for_object(day).get()
    assert entry.actor == user
    assert entry.action == LogEntry.Action.CREATE


# --- cache --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_warm_calendar_makes_no_query(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    get_calendar().deadline(vn(2026, 2, 13, 10, 0), working_days=10)
    get_calendar(ORG)
    with django_assert_num_queries(0):
        calendar = get_calendar()
        calendar.deadline(vn(2026, 2, 13, 10, 0), working_days=10)
        calendar.working_time_between(vn(2026, 1, 1, 0, 0), vn(2026, 12, 31, 0, 0))
        calendar.days_off(2026)
        get_calendar(ORG)


@pytest.mark.django_db
def test_change_made_by_another_process_is_seen_after_the_check_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calendar = get_calendar()
    assert calendar.is_working_day(dt.date(2026, 3, 10))
    # Another process writes and bumps the shared counter; this process still has its copy.
    CalendarDay.objects.create(date=dt.date(2026, 3, 10), kind=CalendarDayKind.DAY_OFF, name="Nghỉ")
    cache.incr(calendar_module.CACHE_VERSION_KEY)
    assert get_calendar() is calendar  # within the check interval: no look at the counter
    monkeypatch.setattr(calendar_module, "VERSION_CHECK_INTERVAL", 0.0)
    fresh = get_calendar()
    assert fresh is not calendar
    assert not fresh.is_working_day(dt.date(2026, 3, 10))


# --- admin --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_save_and_delete_invalidate_the_calendar(admin_client) -> None:  # type: ignore[no-untyped-def]
    assert get_calendar().is_working_day(dt.date(2026, 3, 10))
    response = admin_client.post(
        reverse("admin:core_calendarday_add"),
        {
            "date": "2026-03-10",
            "kind": "day_off",
            "name": "Nghỉ bổ sung",
            "organisation_code": "",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content
    assert not get_calendar().is_working_day(dt.date(2026, 3, 10))
    day = CalendarDay.objects.get()
    assert LogEntry.objects.get_for_object(day).get().actor is not None

    # The list with its filters renders.
    response = admin_client.get(
        reverse("admin:core_calendarday_changelist"), {"nam": "2026", "pham_vi": "__province__"}
    )
    assert response.status_code == 200
    assert "Nghỉ bổ sung" in response.content.decode()

    response = admin_client.post(
        reverse("admin:core_calendarday_delete", args=[day.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert get_calendar().is_working_day(dt.date(2026, 3, 10))


@pytest.mark.django_db
def test_admin_office_hours_change_and_invalid_form(admin_client) -> None:  # type: ignore[no-untyped-def]
    row = OfficeHours.objects.get(organisation_code="")
    url = reverse("admin:core_officehours_change", args=[row.pk])
    response = admin_client.post(
        url,
        {
            "organisation_code": "",
            "morning_start": "08:00",
            "morning_end": "07:00",
            "afternoon_start": "13:00",
            "afternoon_end": "17:00",
            "cutoff": "15:00",
        },
    )
    assert response.status_code == 200
    assert "Giờ bắt đầu buổi sáng phải trước giờ kết thúc buổi sáng." in response.content.decode()
    response = admin_client.post(
        url,
        {
            "organisation_code": "",
            "morning_start": "08:00",
            "morning_end": "12:00",
            "afternoon_start": "13:00",
            "afternoon_end": "17:00",
            "cutoff": "",
        },
    )
    assert response.status_code == 302
    calendar = get_calendar()
    assert calendar.cutoff is None
    assert calendar.counting_start(vn(2026, 3, 2, 7, 45)) == vn(2026, 3, 2, 8, 0)
