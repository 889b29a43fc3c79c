"""The four status categories of DOMAIN.md §13 on the legal calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from chinhquyen.tasks import deadlines, services
from chinhquyen.tasks.deadlines import (
    category_of,
    legal_due,
    recurring_periods,
    report_period,
    task_category,
)
from chinhquyen.tasks.models import Category, DeadlineKind, Recurrence, Task, TaskStatus

from .helpers import MONDAY, first_task

C = Category

pytestmark = pytest.mark.django_db  # the legal calendar reads its exceptions


def test_a_deadline_on_a_day_off_moves_to_the_next_working_day():
    assert legal_due(dt.date(2026, 4, 30)) == dt.date(2026, 5, 4)  # 30/4, 1/5, weekend
    assert legal_due(dt.date(2026, 2, 16)) == dt.date(2026, 2, 23)  # Tết 2026
    assert legal_due(dt.date(2026, 3, 6)) == dt.date(2026, 3, 6)  # an ordinary Friday


@pytest.mark.parametrize(
    ("status", "completed_on", "at", "expected"),
    [
        (TaskStatus.COMPLETED, dt.date(2026, 5, 4), dt.date(2026, 5, 10), C.DONE_ON_TIME),
        (TaskStatus.COMPLETED, dt.date(2026, 5, 5), dt.date(2026, 5, 10), C.DONE_LATE),
        (TaskStatus.IN_PROGRESS, None, dt.date(2026, 5, 4), C.OPEN_IN_TIME),
        (TaskStatus.IN_PROGRESS, None, dt.date(2026, 5, 5), C.OPEN_OVERDUE),
        # reported complete but not yet accepted: still "not completed"
        (TaskStatus.SUBMITTED, dt.date(2026, 5, 1), dt.date(2026, 5, 5), C.OPEN_OVERDUE),
        # completed after the cut-off: at the cut-off it was still open
        (TaskStatus.COMPLETED, dt.date(2026, 5, 8), dt.date(2026, 5, 6), C.OPEN_OVERDUE),
    ],
)
def test_categories(status, completed_on, at, expected):
    due = legal_due(dt.date(2026, 4, 30))
    assert category_of(status=status, due=due, completed_on=completed_on, at=at) == expected


@pytest.mark.django_db
def test_deadline_on_a_holiday_is_met_on_the_next_working_day(world):
    task = first_task(world, deadline=dt.date(2026, 4, 30))
    assert task.due == dt.date(2026, 5, 4)
    report = services.task_report(actor=world.leader, task=task, percent=100, text="Xong")
    services.task_complete(actor=world.leader, task=task, report=report, today=dt.date(2026, 5, 4))
    services.task_accept(actor=world.province_leader, task=task)
    task.refresh_from_db()
    assert task_category(task, dt.date(2026, 6, 1)) == C.DONE_ON_TIME
    # the SQL expression agrees
    annotated = Task.objects.annotate(c=deadlines.category_expression(dt.date(2026, 6, 1)))
    assert annotated.get(pk=task.pk).c == C.DONE_ON_TIME


@pytest.mark.django_db
@pytest.mark.parametrize("counts", [True, False])
def test_an_accepted_extension_counts_as_the_province_chooses(world, settings, counts):
    settings.TASKS_EXTENSION_COUNTS = counts
    task = first_task(world, deadline=dt.date(2026, 3, 20))
    req = services.extension_request(
        actor=world.leader, task=task, requested_deadline=dt.date(2026, 4, 3), reason="Chờ số liệu"
    )
    services.extension_decide(actor=world.province_leader, request=req, accept=True)
    task.refresh_from_db()
    at = dt.date(2026, 3, 25)
    expected = C.OPEN_IN_TIME if counts else C.OPEN_OVERDUE
    assert task_category(task, at) == expected
    annotated = Task.objects.annotate(c=deadlines.category_expression(at)).get(pk=task.pk)
    assert annotated.c == expected


@pytest.mark.django_db
def test_a_refused_extension_leaves_the_task_overdue(world):
    task = first_task(world, deadline=dt.date(2026, 3, 20))
    req = services.extension_request(
        actor=world.leader, task=task, requested_deadline=dt.date(2026, 4, 3), reason="Chờ"
    )
    services.extension_decide(actor=world.province_leader, request=req, accept=False)
    task.refresh_from_db()
    assert task_category(task, dt.date(2026, 3, 25)) == C.OPEN_OVERDUE


@pytest.mark.django_db
def test_a_sub_task_overdue_while_its_parent_is_in_time(world):
    task = first_task(world, deadline=dt.date(2026, 3, 31))
    sub = services.task_delegate(
        actor=world.leader,
        task=task,
        content="Phòng HCTP gửi số liệu trước",
        unit=world.admin_unit,
        deadline=dt.date(2026, 3, 13),
        today=MONDAY,
    )
    at = dt.date(2026, 3, 16)
    assert task_category(sub, at) == C.OPEN_OVERDUE
    assert task_category(task, at) == C.OPEN_IN_TIME


def test_recurring_periods_follow_the_calendar():
    months = recurring_periods(
        Recurrence.MONTHLY, start=dt.date(2026, 1, 10), until=dt.date(2026, 5, 2)
    )
    assert [p.end for p in months] == [
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 30),
        dt.date(2026, 5, 31),
    ]
    # 31/1/2026 is a Saturday; 30/4 a holiday
    assert months[0].due == dt.date(2026, 2, 2)
    assert months[3].due == dt.date(2026, 5, 4)
    quarters = recurring_periods(
        Recurrence.QUARTERLY, start=dt.date(2026, 2, 1), until=dt.date(2026, 7, 1)
    )
    assert [(p.start, p.end) for p in quarters] == [
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    ]
    years = recurring_periods(
        Recurrence.YEARLY, start=dt.date(2026, 2, 1), until=dt.date(2026, 2, 1)
    )
    assert years[0].end == dt.date(2026, 12, 31) and years[0].due == dt.date(2026, 12, 31)


@pytest.mark.django_db
def test_a_recurring_task_is_overdue_while_a_past_period_is_unreported(world):
    task = first_task(world, deadline_kind=DeadlineKind.RECURRING, recurrence=Recurrence.MONTHLY)
    Task.objects.filter(pk=task.pk).update(created_at=dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC))
    task.refresh_from_db()
    assert task_category(task, dt.date(2026, 3, 20)) == C.OPEN_IN_TIME
    assert task_category(task, dt.date(2026, 4, 2)) == C.OPEN_OVERDUE  # March not reported
    services.task_report(
        actor=world.leader,
        task=task,
        percent=0,
        text="Tháng 3 (muộn)",
        today=dt.date(2026, 4, 2),
        period_end=dt.date(2026, 3, 31),
    )
    task = Task.objects.get(pk=task.pk)
    assert task.due == dt.date(2026, 5, 4)  # April's report: 30/4 and 1/5 are holidays
    assert task_category(task, dt.date(2026, 4, 3)) == C.OPEN_IN_TIME
    services.task_report(
        actor=world.leader, task=task, percent=0, text="Tháng 4", today=dt.date(2026, 4, 28)
    )
    task = Task.objects.get(pk=task.pk)
    # May's report is next: due on Monday 1/6 (31/5 is a Sunday)
    assert task.due == dt.date(2026, 6, 1)
    assert task_category(task, dt.date(2026, 6, 1)) == C.OPEN_IN_TIME
    assert task_category(task, dt.date(2026, 6, 2)) == C.OPEN_OVERDUE


@pytest.mark.parametrize(
    ("kind", "on", "expected"),
    [
        ("month", dt.date(2026, 3, 14), (dt.date(2026, 2, 15), dt.date(2026, 3, 14))),
        ("month", dt.date(2026, 3, 15), (dt.date(2026, 3, 15), dt.date(2026, 4, 14))),
        ("month", dt.date(2026, 12, 20), (dt.date(2026, 12, 15), dt.date(2027, 1, 14))),
        ("quarter", dt.date(2026, 1, 5), (dt.date(2025, 12, 15), dt.date(2026, 3, 14))),
        ("half", dt.date(2026, 6, 14), (dt.date(2025, 12, 15), dt.date(2026, 6, 14))),
        ("half", dt.date(2026, 6, 15), (dt.date(2026, 6, 15), dt.date(2026, 12, 14))),
        ("year", dt.date(2026, 12, 14), (dt.date(2025, 12, 15), dt.date(2026, 12, 14))),
        ("year", dt.date(2026, 12, 15), (dt.date(2026, 12, 15), dt.date(2027, 12, 14))),
    ],
)
def test_report_periods_use_the_cut_off_of_nd_09(kind, on, expected):
    assert report_period(kind, on) == expected
