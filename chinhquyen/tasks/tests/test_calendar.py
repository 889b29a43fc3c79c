"""Work calendars: the workflow (draft → submit → approve → publish, re-publish after a change),
who may do what, what the public sees, and the iCalendar feed parsed back by hand."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chinhquyen.core.api import DomainError
from chinhquyen.notifications.models import Notification
from chinhquyen.tasks import calendar, ical
from chinhquyen.tasks.calendar import TRANSITIONS, EventAction, EventSpec
from chinhquyen.tasks.models import CalendarEvent, EventStatus

pytestmark = pytest.mark.django_db

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.date(2026, 3, 2)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=HCM)


def spec(world, **kwargs) -> EventSpec:
    values = {
        "title": "Họp giao ban Sở",
        "start": at(MONDAY, 8),
        "end": at(MONDAY, 10),
        "place": "Phòng họp số 1",
        "chair": world.leader,
        "participants": [world.head],
        "participant_units": [world.support_unit],
    }
    values.update(kwargs)
    return EventSpec(**values)


def draft(world, **kwargs) -> CalendarEvent:
    return calendar.event_create(
        actor=world.clerk, organisation=world.justice, spec=spec(world, **kwargs)
    )


def published(world, **kwargs) -> CalendarEvent:
    event = draft(world, **kwargs)
    calendar.event_transition(actor=world.clerk, event=event, action=EventAction.SUBMIT)
    calendar.event_transition(actor=world.leader, event=event, action=EventAction.APPROVE)
    return calendar.event_transition(actor=world.clerk, event=event, action=EventAction.PUBLISH)


def test_the_office_drafts_a_leader_approves_and_the_event_is_published(world):
    event = draft(world)
    assert event.status == EventStatus.DRAFT
    assert not calendar.published_week(world.justice, MONDAY).exists()
    calendar.event_transition(actor=world.clerk, event=event, action=EventAction.SUBMIT)
    with pytest.raises(DomainError) as refused:
        calendar.event_transition(actor=world.clerk, event=event, action=EventAction.APPROVE)
    assert refused.value.status_code == 403
    calendar.event_transition(actor=world.leader, event=event, action=EventAction.APPROVE)
    assert not calendar.published_week(world.justice, MONDAY).exists()
    calendar.event_transition(actor=world.clerk, event=event, action=EventAction.PUBLISH)
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED and event.published_at is not None
    assert list(calendar.published_week(world.justice, MONDAY)) == [event]
    assert not calendar.published_week(world.justice, MONDAY + dt.timedelta(days=7)).exists()
    history = [(c.action, c.from_status, c.to_status, c.actor) for c in event.changes.all()]
    assert history == [
        ("create", "", "draft", world.clerk),
        ("submit", "draft", "submitted", world.clerk),
        ("approve", "submitted", "approved", world.leader),
        ("publish", "approved", "published", world.clerk),
    ]


def test_a_leader_returns_a_submitted_event_with_a_reason(world):
    event = draft(world)
    calendar.event_transition(actor=world.clerk, event=event, action=EventAction.SUBMIT)
    with pytest.raises(DomainError):
        calendar.event_transition(actor=world.leader, event=event, action=EventAction.RETURN)
    calendar.event_transition(
        actor=world.leader, event=event, action=EventAction.RETURN, note="Sửa địa điểm."
    )
    event.refresh_from_db()
    assert event.status == EventStatus.DRAFT
    assert event.changes.last().note == "Sửa địa điểm."


def test_the_transition_table_is_checked_for_every_pair(world):
    event = draft(world)
    for status in EventStatus.values:
        for action in EventAction.values:
            if (status, action) in TRANSITIONS:
                assert calendar.target(status, action) == TRANSITIONS[(status, action)]
            else:
                with pytest.raises(DomainError):
                    calendar.target(status, action)
    # publishing a draft skips the leader: refused
    with pytest.raises(DomainError) as refused:
        calendar.event_transition(actor=world.leader, event=event, action=EventAction.PUBLISH)
    assert refused.value.error_code == "invalid_transition"


def test_another_organisation_cannot_see_or_act_on_drafts(world):
    event = draft(world)
    assert event not in calendar.managed_events(world.clerk_other)
    assert event not in calendar.managed_events(world.leader_other)
    assert event in calendar.managed_events(world.leader)
    assert not calendar.managed_events(world.specialist).exists()
    with pytest.raises(DomainError) as refused:
        calendar.event_create(actor=world.clerk_other, organisation=world.justice, spec=spec(world))
    assert refused.value.status_code == 403
    calendar.event_transition(actor=world.clerk, event=event, action=EventAction.SUBMIT)
    with pytest.raises(DomainError):
        calendar.event_transition(actor=world.leader_other, event=event, action=EventAction.APPROVE)


def test_the_province_office_keeps_the_province_leaders_calendar(world):
    event = calendar.event_create(
        actor=world.province_clerk,
        organisation=world.province,
        spec=spec(world, chair=world.province_leader, title="Làm việc với Sở Tư pháp"),
    )
    # the department's clerk and leader do not manage the province's calendar
    assert event not in calendar.managed_events(world.clerk)
    assert event not in calendar.managed_events(world.leader)
    calendar.event_transition(actor=world.province_clerk, event=event, action="submit")
    calendar.event_transition(actor=world.province_leader, event=event, action="approve")
    calendar.event_transition(actor=world.province_leader, event=event, action="publish")
    assert list(calendar.published_week(world.province, MONDAY)) == [event]
    assert not calendar.published_week(world.justice, MONDAY).exists()


def test_times_must_make_sense(world):
    with pytest.raises(DomainError):
        draft(world, end=at(MONDAY, 8))
    with pytest.raises(DomainError):
        draft(world, title="  ")


def test_a_change_after_publishing_is_recorded_and_republished(world):
    event = published(world)
    invitations = Notification.objects.filter(template_key="tasks.meeting_invitation")
    first = invitations.count()
    assert first == 3  # the chair, the participant and the head of the invited unit
    calendar.event_update(
        actor=world.clerk,
        event=event,
        spec=spec(world, place="Hội trường tầng 3"),
        note="Đổi phòng họp.",
    )
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    assert event.sequence == 1
    change = event.changes.last()
    assert change.action == "republish"
    assert change.data["place"] == ["Phòng họp số 1", "Hội trường tầng 3"]
    assert change.note == "Đổi phòng họp."
    assert invitations.count() == 2 * first
    assert invitations.order_by("-pk").first().subject.startswith("[Điều chỉnh]")
    # nothing changed: nothing recorded, nothing sent
    calendar.event_update(
        actor=world.clerk, event=event, spec=spec(world, place="Hội trường tầng 3")
    )
    assert event.changes.count() == 5
    assert invitations.count() == 2 * first


def test_invitations_carry_the_meeting_link(world):
    event = published(world, online=True)
    assert event.room.startswith("ChinhQuyen-")
    mails = Notification.objects.filter(template_key="tasks.meeting_invitation")
    assert {m.recipient for m in mails} == {
        world.leader.email,
        world.head.email,
        world.head_support.email,
    }
    join = reverse("tasks_calendar:join", args=[event.uid])
    for mail in mails:
        assert join in mail.body
        assert "Họp giao ban Sở" in mail.subject
        assert "08:00–10:00, Thứ Hai, ngày 02/03/2026" in mail.body


def test_the_public_page_shows_only_published_events_and_the_feed_url(world):
    shown = published(world, title="Họp công bố mkcongbo")
    draft(world, title="Họp dự thảo mkduthao")
    client = Client()
    url = reverse("tasks_calendar:public_week", args=[world.justice.pk])
    page = client.get(url, {"tuan": "2026-03-04"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "mkcongbo" in body and "mkduthao" not in body
    assert "Thứ Hai, ngày 02/03/2026" in body and "Chủ nhật, ngày 08/03/2026" in body
    assert reverse("tasks_calendar:ical", args=[world.justice.pk]) in body
    assert "08:00" in body
    other_week = client.get(url, {"tuan": "2026-03-09"}).content.decode()
    assert "mkcongbo" not in other_week
    index = client.get(reverse("tasks_calendar:public_index")).content.decode()
    assert str(world.justice) in index
    assert shown.status == EventStatus.PUBLISHED


# --- iCalendar --------------------------------------------------------------------------------


def unfold(text: str) -> list[str]:
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    for line in physical:
        assert len(line.encode("utf-8")) <= 75, line
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return logical


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\":
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            assert value[i] not in ",;", value  # must have been escaped
            out.append(value[i])
            i += 1
    return "".join(out)


def test_fold_never_cuts_a_character_and_escape_round_trips():
    line = "SUMMARY:" + "Hội nghị trực tuyến toàn tỉnh về chuyển đổi số, cải cách hành chính; " * 3
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert all(part.startswith(" ") for part in parts[1:])
    assert parts[0] + "".join(part[1:] for part in parts[1:]) == line
    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
    text = 'a,b;c\\d\ne "f"'
    assert ical.escape_text(text) == 'a\\,b\\;c\\\\d\\ne "f"'
    assert unescape(ical.escape_text(text)) == text


def test_the_feed_lists_published_events_in_utc_escaped_and_folded(world):
    day = calendar.week_start(timezone.localdate()) + dt.timedelta(days=7)  # inside the feed
    long_title = (
        "Hội nghị trực tuyến về chuyển đổi số; cải cách hành chính, "
        "kết nối tỉnh với 129 xã, phường \\ đặc khu năm 2026"
    )
    event = published(
        world,
        title=long_title,
        place="Hội trường A, tầng 2; UBND tỉnh",
        notes="Dòng một\nDòng hai",
        online=True,
        start=at(day, 14, 30),
        end=at(day, 16, 45),
    )
    draft(world, title="Dự thảo mkduthao", start=at(day, 8), end=at(day, 9))
    response = Client().get(reverse("tasks_calendar:ical", args=[world.justice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode("utf-8")
    assert "mkduthao" not in text
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    start, end = lines.index("BEGIN:VEVENT"), lines.index("END:VEVENT")
    props = dict(line.split(":", 1) for line in lines[start + 1 : end])
    assert props["UID"] == f"{event.uid}@chinhquyen"
    assert re.fullmatch(r"\d{8}T\d{6}Z", props["DTSTAMP"])
    # 14:30 in Asia/Ho_Chi_Minh (UTC+7) = 07:30 UTC
    assert props["DTSTART"] == f"{day:%Y%m%d}T073000Z"
    assert props["DTEND"] == f"{day:%Y%m%d}T094500Z"
    assert unescape(props["SUMMARY"]) == long_title
    assert unescape(props["LOCATION"]) == "Hội trường A, tầng 2; UBND tỉnh"
    description = unescape(props["DESCRIPTION"])
    assert "Chủ trì: " in description and "Dòng một\nDòng hai" in description
    assert reverse("tasks_calendar:join", args=[event.uid]) in props["URL"]
    assert props["SEQUENCE"] == "0"
    assert text.count("\r\n ") >= 1  # something was folded


def test_officer_screens_walk_the_workflow(world):
    clerk, leader = Client(), Client()
    clerk.force_login(world.clerk)
    leader.force_login(world.leader)
    assert clerk.get(reverse("tasks_calendar:manage")).status_code == 200
    form = clerk.get(reverse("tasks_calendar:event_create"))
    assert form.status_code == 200
    response = clerk.post(
        reverse("tasks_calendar:event_create"),
        {
            "organisation": world.justice.pk,
            "title": "Hội nghị trực tuyến mktructuyen",
            "day": "2026-03-03",
            "start_time": "14:00",
            "end_time": "16:00",
            "place": "Phòng họp trực tuyến",
            "chair": world.leader.pk,
            "participants": [world.head.pk],
            "online": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = CalendarEvent.objects.get(title__contains="mktructuyen")
    assert timezone.localtime(event.start).hour == 14
    detail = reverse("tasks_calendar:event", args=[event.pk])
    assert clerk.get(detail).status_code == 200
    action = lambda c, name, **data: c.post(  # noqa: E731
        reverse("tasks_calendar:event_action", args=[event.pk, name]), data
    )
    action(clerk, "submit")
    action(leader, "approve")
    action(leader, "publish")
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    page = Client().get(
        reverse("tasks_calendar:public_week", args=[world.justice.pk]), {"tuan": "2026-03-03"}
    )
    assert "mktructuyen" in page.content.decode()
    assert reverse("tasks_calendar:join", args=[event.uid]) in page.content.decode()
    # the leader's edit of the published event re-publishes it
    response = leader.post(
        reverse("tasks_calendar:event_edit", args=[event.pk]),
        {
            "organisation": world.justice.pk,
            "title": "Hội nghị trực tuyến mktructuyen",
            "day": "2026-03-03",
            "start_time": "15:00",
            "end_time": "16:30",
            "place": "Phòng họp trực tuyến",
            "chair": world.leader.pk,
            "participants": [world.head.pk],
            "online": "on",
            "note": "Lùi giờ họp.",
        },
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.sequence == 1 and event.status == EventStatus.PUBLISHED
    # others: 404 on the draft pages
    other = Client()
    other.force_login(world.clerk_other)
    assert other.get(detail).status_code == 404
    assert (
        other.post(reverse("tasks_calendar:event_action", args=[event.pk, "cancel"])).status_code
        == 404
    )


def test_a_cancelled_published_event_leaves_the_page_and_is_cancelled_in_the_feed(world):
    day = calendar.week_start(timezone.localdate()) + dt.timedelta(days=7)
    event = published(world, title="Hủy mkhuy", start=at(day, 8), end=at(day, 9))
    never = draft(world, title="Hủy nháp mkhuynhap", start=at(day, 10), end=at(day, 11))
    calendar.event_transition(actor=world.clerk, event=never, action=EventAction.CANCEL)
    calendar.event_transition(actor=world.leader, event=event, action=EventAction.CANCEL)
    assert not calendar.published_week(world.justice, day).exists()
    text = Client().get(reverse("tasks_calendar:ical", args=[world.justice.pk])).content.decode()
    lines = unfold(text)
    assert "mkhuynhap" not in text
    assert "SUMMARY:Hủy mkhuy" in lines and "STATUS:CANCELLED" in lines
    assert "SEQUENCE:1" in lines
