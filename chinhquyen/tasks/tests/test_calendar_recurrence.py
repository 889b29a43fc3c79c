"""Recurring events of the work calendar: the series on the local clock (checked against
python-dateutil's RFC 5545 engine), a cancelled or moved occurrence on the public week and in
the feed (EXDATE / RECURRENCE-ID), the notices they send, and the form on the event page."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.rrule import rrulestr
from django.test import Client
from django.urls import reverse

from chinhquyen.core.api import DomainError
from chinhquyen.notifications.models import Notification, NotificationPreference
from chinhquyen.tasks import calendar, ical
from chinhquyen.tasks.calendar import EventAction
from chinhquyen.tasks.models import CalendarEventException, EventStatus

from .test_calendar import HCM, MONDAY, at, draft, published, spec, unfold

pytestmark = pytest.mark.django_db


def weekly(world, **kwargs):
    return published(world, recurrence="weekly", recurrence_count=4, **kwargs)


def starts(event) -> list[dt.datetime]:
    return list(calendar.series_starts(event))


def test_weekly_and_monthly_series_match_rfc5545(world):
    event = draft(world, recurrence="weekly", recurrence_until=MONDAY + dt.timedelta(days=21))
    assert starts(event) == [at(MONDAY + dt.timedelta(weeks=k), 8) for k in range(4)]
    # monthly on the 31st skips the months without one, as an RRULE does
    jan31 = dt.date(2026, 1, 31)
    monthly = draft(
        world, start=at(jan31, 14), end=at(jan31, 16), recurrence="monthly", recurrence_count=4
    )
    expected = [at(dt.date(2026, m, 31), 14) for m in (1, 3, 5, 7)]
    assert starts(monthly) == expected
    rule = rrulestr("FREQ=MONTHLY;COUNT=4", dtstart=at(jan31, 14))
    assert list(rule) == expected
    until = draft(
        world,
        start=at(jan31, 14),
        end=at(jan31, 16),
        recurrence="monthly",
        recurrence_until=dt.date(2026, 5, 30),
    )
    assert starts(until) == expected[:2]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"recurrence": "weekly"}, "đúng một điều kiện kết thúc"),
        (
            {"recurrence": "weekly", "recurrence_count": 3, "recurrence_until": MONDAY},
            "đúng một điều kiện kết thúc",
        ),
        ({"recurrence": "weekly", "recurrence_count": 500}, "Số buổi lặp lại phải từ 1 đến 120"),
        ({"recurrence": "weekly", "recurrence_until": MONDAY - dt.timedelta(days=1)}, "Ngày kết"),
        ({"recurrence": "daily", "recurrence_count": 3}, "Kiểu lặp lại không hợp lệ."),
    ],
)
def test_a_series_needs_one_sensible_end(world, values, message):
    with pytest.raises(DomainError) as caught:
        draft(world, **values)
    assert message in str(caught.value.detail)


def test_the_public_week_shows_each_occurrence_with_its_exceptions(world):
    event = weekly(world, title="Giao ban tuần mkgiaoban")
    second, third = starts(event)[1:3]
    calendar.occurrence_change(
        actor=world.clerk, event=event, original_start=second, cancel=True, note="Trùng lịch HĐND"
    )
    calendar.occurrence_change(
        actor=world.leader,
        event=event,
        original_start=third,
        cancel=False,
        start=third + dt.timedelta(days=1, hours=6),
        end=third + dt.timedelta(days=1, hours=7),
        note="Lãnh đạo đi công tác",
    )
    client = Client()
    url = reverse("tasks_calendar:public_week", args=[world.justice.pk])

    def week(monday: dt.date) -> str:
        return client.get(url, {"tuan": monday.isoformat()}).content.decode()

    first_week = week(MONDAY)
    assert "mkgiaoban" in first_week and "Lịch định kỳ" in first_week
    assert "Có 1 lịch trong tuần." in first_week
    cancelled = week(MONDAY + dt.timedelta(weeks=1))
    assert "<del>Giao ban tuần mkgiaoban</del>" in cancelled
    assert "Buổi này đã hủy" in cancelled and "Trùng lịch HĐND" in cancelled
    assert "Không có lịch công tác nào được công bố" in cancelled
    moved = week(MONDAY + dt.timedelta(weeks=2))
    assert "Buổi đã dời, theo lịch gốc lúc 08:00 16/03/2026" in moved
    tuesday = moved.index("Thứ Ba, ngày 17/03/2026")
    assert moved.index("mkgiaoban") > tuesday and "14:00" in moved[tuesday:]
    assert "mkgiaoban" in week(MONDAY + dt.timedelta(weeks=3))
    assert "mkgiaoban" not in week(MONDAY + dt.timedelta(weeks=4))
    # each change is recorded and re-published
    event.refresh_from_db()
    assert event.sequence == 2
    assert [c.action for c in event.changes.all()][-2:] == ["occurrence_cancel", "occurrence_move"]


def test_the_feed_has_the_rrule_exdate_and_recurrence_id(world):
    event = weekly(world, title="Giao ban tuần")
    second, third = starts(event)[1:3]
    calendar.occurrence_change(actor=world.clerk, event=event, original_start=second, cancel=True)
    calendar.occurrence_change(
        actor=world.clerk,
        event=event,
        original_start=third,
        cancel=False,
        start=at(MONDAY + dt.timedelta(days=15), 14),
        end=at(MONDAY + dt.timedelta(days=15), 15),
    )
    event.refresh_from_db()
    text = ical.calendar_text("Lịch", calendar.feed_events(world.justice), now=at(MONDAY, 7))
    lines = unfold(text)
    assert "BEGIN:VTIMEZONE" in lines and "TZID:Asia/Ho_Chi_Minh" in lines
    assert "RRULE:FREQ=WEEKLY;COUNT=4" in lines
    assert "DTSTART;TZID=Asia/Ho_Chi_Minh:20260302T080000" in lines
    assert "EXDATE;TZID=Asia/Ho_Chi_Minh:20260309T080000" in lines
    assert lines.count(f"UID:{event.uid}@chinhquyen") == 2
    override = lines.index("RECURRENCE-ID;TZID=Asia/Ho_Chi_Minh:20260316T080000")
    assert lines[override + 1] == "DTSTART;TZID=Asia/Ho_Chi_Minh:20260317T140000"
    assert lines[override + 2] == "DTEND;TZID=Asia/Ho_Chi_Minh:20260317T150000"
    assert lines[override + 3] == f"SEQUENCE:{event.sequence}"
    # the series the feed describes is the one the page shows
    rule = rrulestr("FREQ=WEEKLY;COUNT=4", dtstart=at(MONDAY, 8))
    assert [d for d in rule if d != second] == [
        o.original_start for o in calendar.occurrences(event) if not o.cancelled
    ]
    until = published(world, recurrence="monthly", recurrence_until=dt.date(2026, 6, 30))
    text = ical.calendar_text("Lịch", [until], now=at(MONDAY, 7))
    # the end of 30/06 on the Vietnamese clock, in UTC
    assert "RRULE:FREQ=MONTHLY;UNTIL=20260630T165959Z" in unfold(text)


def test_a_one_off_feed_stays_in_utc_without_a_timezone(world):
    published(world)
    lines = unfold(ical.calendar_text("Lịch", calendar.feed_events(world.justice)))
    assert "BEGIN:VTIMEZONE" not in lines and "DTSTART:20260302T010000Z" in lines


def test_occurrence_changes_are_checked(world):
    event = weekly(world)
    with pytest.raises(DomainError, match="Không có buổi nào"):
        calendar.occurrence_change(
            actor=world.clerk,
            event=event,
            original_start=at(MONDAY, 9),
            cancel=True,
        )
    with pytest.raises(DomainError, match="31 ngày"):
        calendar.occurrence_change(
            actor=world.clerk,
            event=event,
            original_start=at(MONDAY, 8),
            cancel=False,
            start=at(MONDAY + dt.timedelta(days=60), 8),
            end=at(MONDAY + dt.timedelta(days=60), 9),
        )
    with pytest.raises(DomainError) as caught:
        calendar.occurrence_change(
            actor=world.specialist, event=event, original_start=at(MONDAY, 8), cancel=True
        )
    assert caught.value.status_code == 403
    one_off = published(world)
    with pytest.raises(DomainError, match="không lặp lại"):
        calendar.occurrence_change(
            actor=world.clerk, event=one_off, original_start=at(MONDAY, 8), cancel=True
        )
    assert not CalendarEventException.objects.exists()


def test_cancelling_and_moving_an_occurrence_notify_the_invitees(world):
    event = weekly(world, title="Giao ban tuần")
    before = Notification.objects.count()
    second, third = starts(event)[1:3]
    calendar.occurrence_change(
        actor=world.clerk, event=event, original_start=second, cancel=True, note="Trùng lịch"
    )
    cancelled = Notification.objects.filter(template_key="tasks.meeting_cancelled")
    assert cancelled.count() == 3
    mail = cancelled.first()
    assert mail.subject.startswith(
        "[Hủy lịch] Buổi Giao ban tuần (08:00–10:00, Thứ Hai, ngày 09/03"
    )
    assert "Lý do: Trùng lịch" in mail.body
    calendar.occurrence_change(
        actor=world.clerk,
        event=event,
        original_start=third,
        cancel=False,
        start=at(MONDAY + dt.timedelta(days=15), 14),
        end=at(MONDAY + dt.timedelta(days=15), 15),
    )
    moved = Notification.objects.filter(template_key="tasks.meeting_invitation").order_by("-pk")
    assert Notification.objects.count() == before + 6
    assert moved.first().subject.startswith("[Điều chỉnh] Giấy mời: Giao ban tuần (14:00–15:00")
    assert "dời buổi 08:00 16/03/2026" in moved.first().body


def test_the_event_page_cancels_and_moves_an_occurrence(world):
    event = weekly(world)
    client = Client()
    client.force_login(world.clerk)
    page = client.get(reverse("tasks_calendar:event", args=[event.pk])).content.decode()
    assert "Các buổi của lịch định kỳ" in page and "Hằng tuần, 4 buổi" in page
    url = reverse("tasks_calendar:occurrence", args=[event.pk])
    second = starts(event)[1]
    response = client.post(
        url, {"original_start": second.isoformat(), "action": "cancel", "note": "Nghỉ lễ"}
    )
    assert response.status_code == 302
    assert CalendarEventException.objects.get(event=event).cancelled
    response = client.post(
        url,
        {
            "original_start": second.isoformat(),
            "action": "move",
            "day": "2026-03-10",
            "start_time": "15:00",
            "end_time": "16:00",
        },
    )
    x = CalendarEventException.objects.get(event=event)
    assert (x.cancelled, x.start) == (False, dt.datetime(2026, 3, 10, 15, tzinfo=HCM))
    # bad input: a Vietnamese message, nothing changed
    response = client.post(
        url,
        {"original_start": second.isoformat(), "action": "move", "day": "2026-03-10"},
        follow=True,
    )
    assert "Nhập ngày, giờ bắt đầu và kết thúc mới của buổi." in response.content.decode()
    response = client.post(url, {"original_start": "hôm qua", "action": "cancel"}, follow=True)
    assert "Buổi không hợp lệ." in response.content.decode()
    x.refresh_from_db()
    assert x.start == dt.datetime(2026, 3, 10, 15, tzinfo=HCM)


def test_the_form_creates_a_weekly_series(world):
    client = Client()
    client.force_login(world.clerk)
    response = client.post(
        reverse("tasks_calendar:event_create"),
        {
            "organisation": world.justice.pk,
            "title": "Giao ban",
            "day": "2026-03-02",
            "start_time": "08:00",
            "end_time": "09:00",
            "recurrence": "weekly",
            "recurrence_until": "2026-03-30",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = world.justice.calendar_events.get()
    assert (event.recurrence, event.recurrence_until, event.recurrence_count) == (
        "weekly",
        dt.date(2026, 3, 30),
        None,
    )
    assert len(starts(event)) == 5


# --- notices of the whole event ----------------------------------------------------------------


def test_cancelling_a_published_event_notifies_by_email_and_sms(world):
    world.head.phone = "84912345678"
    world.head.save(update_fields=["phone"])
    NotificationPreference.objects.create(user=world.head, sms_enabled=True)
    event = published(world, title="Họp giao ban")
    invitations = Notification.objects.filter(template_key="tasks.meeting_invitation")
    assert invitations.filter(channel="sms").get().recipient == "84912345678"
    assert invitations.filter(channel="email").count() == 3
    calendar.event_transition(
        actor=world.leader, event=event, action=EventAction.CANCEL, note="Lãnh đạo đi công tác"
    )
    cancelled = Notification.objects.filter(template_key="tasks.meeting_cancelled")
    assert cancelled.filter(channel="email").count() == 3
    sms = cancelled.get(channel="sms")
    assert sms.body.startswith("Thong bao HUY lich: Hop giao ban.")
    assert "Ly do: Lanh dao di cong tac" in sms.body
    mail = cancelled.filter(channel="email").first()
    assert mail.subject.startswith("[Hủy lịch] Họp giao ban")
    # a draft cancelled was never announced: nothing is sent
    other = draft(world)
    calendar.event_transition(actor=world.clerk, event=other, action=EventAction.CANCEL)
    assert Notification.objects.filter(template_key="tasks.meeting_cancelled").count() == 4


def test_a_change_notice_says_what_changed_and_tells_who_was_removed(world):
    event = published(world)
    calendar.event_update(
        actor=world.clerk,
        event=event,
        spec=spec(world, start=at(MONDAY, 9), end=at(MONDAY, 11), participants=[]),
    )
    change = Notification.objects.filter(
        template_key="tasks.meeting_invitation", subject__startswith="[Điều chỉnh]"
    )
    assert {n.recipient for n in change} == {world.leader.email, world.head_support.email}
    assert "thông báo điều chỉnh lịch (thời gian, thành phần)" in change.first().body
    removed = Notification.objects.get(template_key="tasks.meeting_cancelled")
    assert removed.recipient == world.head.email
    assert "không còn trong thành phần dự họp" in removed.body


def test_my_meetings_shows_the_notices_in_the_application(world):
    event = weekly(world, title="Giao ban tuần mkthongbao")
    calendar.occurrence_change(
        actor=world.clerk, event=event, original_start=starts(event)[1], cancel=True
    )
    calendar.event_transition(actor=world.clerk, event=event, action=EventAction.CANCEL)
    client = Client()
    client.force_login(world.head)
    page = client.get(reverse("tasks_calendar:my_meetings")).content.decode()
    notices = page[page.index("Thông báo lịch họp") : page.index("Lịch họp sắp tới")]
    assert "Giấy mời: Giao ban tuần mkthongbao" in notices
    assert (
        "Hủy một buổi: Giao ban tuần mkthongbao" in notices and "buổi 08:00 09/03/2026" in notices
    )
    assert "Hủy lịch: Giao ban tuần mkthongbao" in notices
    # someone not invited sees none of it
    client.force_login(world.specialist)
    page = client.get(reverse("tasks_calendar:my_meetings")).content.decode()
    assert "mkthongbao" not in page
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED


# --- the API ------------------------------------------------------------------------------------


def test_the_api_creates_a_series_and_changes_one_occurrence(world):
    from rest_framework.test import APIClient

    clerk = APIClient()
    clerk.force_authenticate(world.clerk)
    body = {
        "organisation": world.justice.pk,
        "title": "Giao ban tháng",
        "start": at(MONDAY, 8).isoformat(),
        "end": at(MONDAY, 9).isoformat(),
        "recurrence": "monthly",
        "recurrence_count": 3,
    }
    bad = clerk.post("/api/v1/calendar/manage/", {**body, "recurrence_until": "2026-05-01"})
    assert bad.status_code == 400
    assert "đúng một điều kiện kết thúc" in bad.json()["error"]["message"]
    created = clerk.post("/api/v1/calendar/manage/", body, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert (created.json()["recurrence"], created.json()["recurrence_count"]) == ("monthly", 3)
    event = world.justice.calendar_events.get(pk=pk)
    for actor, action in ((world.clerk, "submit"), (world.leader, "approve")):
        calendar.event_transition(actor=actor, event=event, action=action)
    calendar.event_transition(actor=world.clerk, event=event, action=EventAction.PUBLISH)
    url = f"/api/v1/calendar/manage/{pk}/occurrences/"
    april = at(dt.date(2026, 4, 2), 8)
    wrong = clerk.post(url, {"original_start": at(MONDAY, 10).isoformat(), "action": "cancel"})
    assert wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "invalid_occurrence"
    moved = clerk.post(
        url,
        {
            "original_start": april.isoformat(),
            "action": "move",
            "start": at(dt.date(2026, 4, 3), 14).isoformat(),
            "end": at(dt.date(2026, 4, 3), 15).isoformat(),
        },
        format="json",
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["exceptions"][0]["cancelled"] is False
    week = APIClient().get(
        "/api/v1/calendar/events/", {"organisation": world.justice.pk, "week": "2026-03-30"}
    )
    [item] = week.json()
    assert item["occurrence_status"] == "moved"
    assert dt.datetime.fromisoformat(item["original_start"]) == april
    assert dt.datetime.fromisoformat(item["start"]) == at(dt.date(2026, 4, 3), 14)


def test_shortening_a_series_drops_the_exceptions_it_no_longer_has(world):
    event = weekly(world)
    second, last = starts(event)[1], starts(event)[3]
    for when in (second, last):
        calendar.occurrence_change(actor=world.clerk, event=event, original_start=when, cancel=True)
    calendar.event_update(
        actor=world.clerk, event=event, spec=spec(world, recurrence="weekly", recurrence_count=3)
    )
    assert list(CalendarEventException.objects.values_list("original_start", flat=True)) == [second]
    change = event.changes.last()
    assert change.action == "republish" and change.data["exceptions_dropped"] == 1
