"""Legal clocks: appointment, cut-off, pauses, extensions, classification, step clocks.

The province procedure takes 10 working days (office hours 07:30–11:30, 13:00–17:00, cut-off
15:00). Received Monday 2 March 2026 09:00, it is due Monday 16 March 09:00.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from chinhquyen.core.api import DomainError
from chinhquyen.core.calendar import DAY_OFF, VN_TZ, calendar_day_set
from chinhquyen.dossiers import clock, services
from chinhquyen.dossiers.models import Dossier, DossierStep, Timeliness

from .factories import World, receive, reload


def vn(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=VN_TZ)


def _at_approval(w: World, *, when: dt.datetime | None = None) -> Dossier:
    """Received ``when`` (Monday 2 March 09:00); transferred, assigned, specialist and unit head
    done within minutes."""
    when = when or vn(2, 9)
    d = receive(w, when=when).dossier
    step = dt.timedelta(minutes=10)
    d = services.dossier_transfer(actor=w.users["desk_centre"], dossier=d, at=when + step)
    d = services.dossier_assign(
        actor=w.users["head"], dossier=d, assignee=w.users["spec"], at=when + 2 * step
    )
    d = services.dossier_step_complete(actor=w.users["spec"], dossier=d, at=when + 3 * step)
    return services.dossier_submit_for_approval(
        actor=w.users["head"], dossier=d, at=when + 4 * step
    )


@pytest.mark.django_db
def test_appointment_counts_working_days_from_receipt(world: World) -> None:
    d = receive(world, when=vn(2, 9)).dossier
    assert d.counted_from == vn(2, 9)
    assert d.appointment_at == vn(16, 9)
    assert d.due_at == d.appointment_at
    assert d.new_appointment_at is None


@pytest.mark.django_db
def test_received_after_the_cutoff_counts_from_the_next_working_day(world: World) -> None:
    d = receive(world, when=vn(2, 15, 30)).dossier
    assert d.counted_from == vn(3, 7, 30)
    # ten full working days from Tuesday 07:30: Monday 16 March at the end of the day
    assert d.appointment_at == vn(16, 17)


@pytest.mark.django_db
def test_the_competent_organisations_calendar_is_used(world: World) -> None:
    calendar_day_set(
        actor=None,
        date=dt.date(2026, 3, 4),
        kind=DAY_OFF,
        name="Nghỉ riêng của Sở",
        organisation_code=world.orgs["dept"].agency_code,
    )
    calendar_day_set(
        actor=None,
        date=dt.date(2026, 3, 5),
        kind=DAY_OFF,
        name="Nghỉ của cơ quan khác",
        organisation_code=world.orgs["dept2"].agency_code,
    )
    d = receive(world, when=vn(2, 9)).dossier
    assert d.appointment_at == vn(17, 9)  # one day later: only the department's day off counts


@pytest.mark.parametrize(
    ("finished", "expected"),
    [
        (vn(12, 9), Timeliness.EARLY),  # 16 working hours before the appointment
        (vn(13, 9), Timeliness.EARLY),  # exactly one working day (8 h) before
        (vn(13, 9, 1), Timeliness.ON_TIME),  # a minute less than one working day before
        (vn(16, 8), Timeliness.ON_TIME),  # one hour before
        (vn(16, 9), Timeliness.ON_TIME),  # at the appointment
        (vn(16, 10), Timeliness.LATE),
    ],
)
@pytest.mark.django_db
def test_classification_when_processing_ends(
    world: World, finished: dt.datetime, expected: str
) -> None:
    d = _at_approval(world)
    d = services.dossier_approve(actor=world.users["leader"], dossier=d, at=finished)
    assert d.finished_at == finished
    assert d.classification == expected
    # returning later does not change the classification (first of processed/returned)
    d = services.dossier_return_result(
        actor=world.users["desk_centre"], dossier=d, at=finished + dt.timedelta(days=10)
    )
    assert reload(d).classification == expected
    assert d.finished_at == finished


@pytest.mark.django_db
def test_early_margin_is_a_setting(world: World, settings) -> None:
    settings.DOSSIER_EARLY_MARGIN_HOURS = 24
    d = _at_approval(world)
    d = services.dossier_approve(actor=world.users["leader"], dossier=d, at=vn(12, 9))
    assert d.classification == Timeliness.ON_TIME  # 16 h early, the margin is 24 h


@pytest.mark.django_db
def test_supplement_pause_moves_the_deadlines_and_is_not_counted(world: World) -> None:
    d = receive(world, when=vn(2, 9)).dossier
    d = services.dossier_transfer(actor=world.users["desk_centre"], dossier=d, at=vn(2, 10))
    d = services.dossier_assign(
        actor=world.users["head"], dossier=d, assignee=world.users["spec"], at=vn(2, 11)
    )
    spec_step = DossierStep.objects.get(dossier=d, finished_at__isnull=True)
    assert spec_step.due_at == vn(9, 10)  # 40 working hours from Monday 10:00

    services.dossier_request_supplement(
        actor=world.users["spec"], dossier=d, reason="Thiếu tờ khai có chữ ký.", at=vn(3, 9)
    )
    paused = reload(d)
    c = clock.dossier_clock(paused, now=vn(4, 9))
    assert c.paused
    assert c.text.startswith("đang tạm dừng chờ bổ sung")
    # the clock stood still since Tuesday 09:00: 8 working hours of 80 used
    assert c.elapsed == dt.timedelta(hours=8)

    d = services.dossier_supplement_answer(
        actor=world.users["citizen"], dossier=d, note="Đã bổ sung tờ khai.", at=vn(5, 9)
    )
    d = reload(d)
    assert d.status == "processing"
    assert d.paused_total == dt.timedelta(hours=16)
    assert d.due_at == vn(18, 9)  # Monday 16 09:00 + 16 working hours
    assert d.appointment_at == vn(16, 9)  # the original appointment is kept
    spec_step.refresh_from_db()
    assert spec_step.due_at == vn(11, 10)  # the step clock moved by the same 16 hours

    c = clock.dossier_clock(d, now=vn(5, 9))
    assert c.elapsed == dt.timedelta(hours=8)
    assert c.remaining == dt.timedelta(hours=72)


@pytest.mark.parametrize(
    ("finished", "expected"),
    [
        (vn(17, 9), Timeliness.EARLY),  # after the original appointment, 8 h before the moved one
        (vn(18, 8), Timeliness.ON_TIME),
        (vn(18, 10), Timeliness.LATE),
    ],
)
@pytest.mark.django_db
def test_time_waiting_for_the_applicant_is_given_back(
    world: World, finished: dt.datetime, expected: str
) -> None:
    d = receive(world, when=vn(2, 9)).dossier
    d = services.dossier_transfer(actor=world.users["desk_centre"], dossier=d, at=vn(2, 10))
    services.dossier_request_supplement(
        actor=world.users["spec"], dossier=d, reason="Bổ sung ảnh.", at=vn(3, 9)
    )
    services.dossier_supplement_answer(
        actor=world.users["citizen"], dossier=d, note="Đã bổ sung.", at=vn(5, 9)
    )
    d = services.dossier_step_complete(actor=world.users["spec"], dossier=d, at=vn(5, 10))
    d = services.dossier_submit_for_approval(actor=world.users["head"], dossier=d, at=vn(5, 11))
    d = services.dossier_approve(actor=world.users["leader"], dossier=d, at=finished)
    assert d.classification == expected


@pytest.mark.django_db
def test_more_than_one_supplement_request_makes_the_dossier_late(world: World) -> None:
    d = receive(world, when=vn(2, 9)).dossier
    for n, (asked, answered) in enumerate(((vn(2, 10), vn(2, 11)), (vn(2, 13), vn(2, 14)))):
        services.dossier_request_supplement(
            actor=world.users["desk_centre"], dossier=d, reason=f"Lần {n + 1}", at=asked
        )
        services.dossier_supplement_answer(
            actor=world.users["citizen"], dossier=d, note="Đã bổ sung.", at=answered
        )
    d = reload(d)
    assert d.supplement_count == 2
    d = services.dossier_transfer(actor=world.users["desk_centre"], dossier=d, at=vn(2, 15))
    d = services.dossier_step_complete(actor=world.users["spec"], dossier=d, at=vn(2, 16))
    d = services.dossier_submit_for_approval(actor=world.users["head"], dossier=d, at=vn(3, 8))
    d = services.dossier_approve(actor=world.users["leader"], dossier=d, at=vn(3, 9))
    # finished nine working days early, but asked twice for a supplement: late
    assert d.classification == Timeliness.LATE


@pytest.mark.django_db
def test_apology_in_time_sets_the_deadline_once(world: World) -> None:
    d = _at_approval(world)
    d = services.dossier_apologise(
        actor=world.users["leader"],
        dossier=d,
        reason="Chờ kết quả xác minh của Công an tỉnh.",
        new_appointment_at=vn(19, 17),
        at=vn(13, 9),  # one working day (8 h) before the deadline
    )
    assert d.apology_in_time is True
    assert d.new_appointment_at == vn(19, 17)
    assert d.due_at == vn(19, 17)
    assert d.appointment_at == vn(16, 9)

    with pytest.raises(DomainError) as again:
        services.dossier_apologise(
            actor=world.users["leader"],
            dossier=d,
            reason="Lần hai",
            new_appointment_at=vn(25, 17),
            at=vn(19, 9),
        )
    assert again.value.error_code == "precondition_failed"
    assert "một lần" in str(again.value.detail)

    d = services.dossier_approve(actor=world.users["leader"], dossier=d, at=vn(19, 16))
    assert d.classification == Timeliness.ON_TIME  # after the first appointment, before the new


@pytest.mark.django_db
def test_apology_in_time_late_after_the_new_appointment(world: World) -> None:
    d = _at_approval(world)
    services.dossier_apologise(
        actor=world.users["leader"],
        dossier=d,
        reason="Chậm",
        new_appointment_at=vn(19, 17),
        at=vn(13, 9),
    )
    d = services.dossier_approve(actor=world.users["leader"], dossier=d, at=vn(20, 9))
    assert d.classification == Timeliness.LATE


@pytest.mark.django_db
def test_late_apology_is_recorded_but_not_counted(world: World) -> None:
    d = _at_approval(world)
    d = services.dossier_apologise(
        actor=world.users["leader"],
        dossier=d,
        reason="Chậm",
        new_appointment_at=vn(19, 17),
        at=vn(16, 8),  # one working hour before the deadline: less than one working day
    )
    assert d.apology_in_time is False
    assert d.due_at == vn(19, 17)  # the applicant is told the new date
    d = services.dossier_approve(actor=world.users["leader"], dossier=d, at=vn(18, 9))
    assert d.classification == Timeliness.LATE  # measured against the original appointment


@pytest.mark.django_db
def test_apology_notice_is_a_setting(world: World, settings) -> None:
    settings.DOSSIER_APOLOGY_NOTICE_HOURS = 1
    d = _at_approval(world)
    d = services.dossier_apologise(
        actor=world.users["leader"],
        dossier=d,
        reason="Chậm",
        new_appointment_at=vn(19, 17),
        at=vn(16, 8),
    )
    assert d.apology_in_time is True


@pytest.mark.django_db
def test_new_appointment_must_be_after_the_current_deadline(world: World) -> None:
    d = _at_approval(world)
    with pytest.raises(ValidationError) as exc:
        services.dossier_apologise(
            actor=world.users["leader"],
            dossier=d,
            reason="Chậm",
            new_appointment_at=vn(16, 8),
            at=vn(10, 9),
        )
    assert "phải sau thời hạn hiện tại" in str(exc.value)
    assert reload(d).apologised_at is None


@pytest.mark.django_db
def test_overdue_wording(world: World) -> None:
    d = _at_approval(world)
    c = clock.dossier_clock(reload(d), now=vn(18, 11, 30))
    assert c.overdue
    # Monday 09:00–17:00 (6.5 h), Tuesday (8 h), Wednesday 07:30–11:30 (4 h)
    assert c.remaining == -dt.timedelta(hours=18, minutes=30)
    assert c.text == "quá hạn 2 ngày 2 giờ 30 phút"
    assert c.classification == Timeliness.LATE
    c = clock.dossier_clock(reload(d), now=vn(12, 13))
    assert c.text == "còn 1 ngày 5 giờ 30 phút"
    assert not c.overdue


@pytest.mark.django_db
def test_step_clocks_and_results(world: World) -> None:
    d = receive(world, when=vn(2, 9)).dossier
    d = services.dossier_transfer(actor=world.users["desk_centre"], dossier=d, at=vn(2, 10))
    d = services.dossier_assign(
        actor=world.users["head"], dossier=d, assignee=world.users["spec"], at=vn(2, 10, 30)
    )
    # specialist: 40 h from Monday 10:00, due Monday 9 March 10:00; done Tuesday: early
    d = services.dossier_step_complete(actor=world.users["spec"], dossier=d, at=vn(3, 9))
    # unit head: 8 h from Tuesday 09:00, due Wednesday 09:00; done Wednesday 10:00: late
    d = services.dossier_submit_for_approval(actor=world.users["head"], dossier=d, at=vn(4, 10))
    # leader: 8 h from Wednesday 10:00, due Thursday 10:00; done Thursday 08:00: on time
    d = services.dossier_approve(actor=world.users["leader"], dossier=d, at=vn(5, 8))
    steps = list(DossierStep.objects.filter(dossier=d).order_by("started_at", "id"))
    assert [s.name for s in steps] == [
        "Tiếp nhận",
        "Chuyên viên thẩm định",
        "Lãnh đạo phòng xem xét",
        "Lãnh đạo Sở ký duyệt",
        "Trả kết quả",
    ]
    intake, spec, head, leader, back = steps
    assert intake.due_at == vn(2, 11) and intake.finished_at == vn(2, 10)
    assert intake.result == Timeliness.ON_TIME  # 1 h before its 2 h deadline (margin 4 h)
    assert (spec.due_at, spec.result) == (vn(9, 10), Timeliness.EARLY)
    assert (head.due_at, head.result) == (vn(4, 9), Timeliness.LATE)
    assert (leader.due_at, leader.result) == (vn(5, 10), Timeliness.ON_TIME)
    assert back.finished_at is None and back.due_at == vn(5, 10)
    # the control sheet: from/to units of each hand-over
    assert spec.from_unit == world.orgs["centre"] and spec.unit == world.orgs["dept_unit"]
    assert leader.from_unit == world.orgs["dept_unit"] and leader.unit == world.orgs["dept"]
    assert back.unit == world.orgs["centre"]
    assert spec.assignee == world.users["spec"]

    c = clock.step_clock(back, calendar=clock.calendar_for(d), now=vn(5, 10, 30))
    assert c.overdue and c.text == "quá hạn 30 phút"
