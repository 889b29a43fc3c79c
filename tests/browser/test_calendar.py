"""The work calendar in a real browser (issue #12 item 5), at 1280 px and on a 375 px phone: the
department's office drafts an online meeting and submits it, the leader approves and publishes
it, and anybody then finds it on the department's public week with its meeting link and the
iCalendar address; every page fits the screen with no serious or critical axe-core finding."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from chinhquyen.tasks.models import CalendarEvent

from .a11y import check_a11y
from .conftest import Person
from .steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Hội nghị trực tuyến triển khai Đề án 06"


def _world() -> Any:
    from chinhquyen.documents.tests.conftest import build_world

    return build_world()


def _fits(person: Person, label: str) -> None:
    page = person.page
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{label} at {person.width} px: page is {width} px wide"
    check_a11y(page, f"{label} ({person.width} px)")


@pytest.mark.parametrize("width", [1280, 375])
def test_an_online_meeting_is_drafted_approved_and_published(
    people: Callable[..., Person], width: int
) -> None:
    world = _world()
    day = timezone.localdate() + dt.timedelta(days=2)

    clerk = people("vanthu", width=width)
    sign_in(clerk, world.clerk, totp=True)
    clerk.go(reverse("tasks_calendar:event_create"))
    page = clerk.page
    expect(page.get_by_role("heading", name="Thêm lịch công tác")).to_be_visible()
    _fits(clerk, "thêm lịch")
    page.get_by_label("Nội dung").fill(TITLE)
    page.get_by_label(re.compile(r"^Ngày")).fill(day.isoformat())  # not "Lặp đến ngày"
    page.get_by_label("Từ giờ").fill("14:00")
    page.get_by_label("Đến giờ").fill("16:30")
    page.get_by_label("Địa điểm").fill("Hội trường Sở Tư pháp")
    page.get_by_label("Chủ trì").select_option(str(world.leader.pk))
    page.get_by_label("Họp trực tuyến").check()
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_text("Dự thảo", exact=True)).to_be_visible()
    _fits(clerk, "lịch dự thảo")
    page.get_by_role("button", name="Trình lãnh đạo duyệt").click()
    expect(page.get_by_text("Chờ lãnh đạo duyệt", exact=True)).to_be_visible()
    event = CalendarEvent.objects.get(title=TITLE)

    leader = people("lanhdao", width=width)
    sign_in(leader, world.leader, totp=True)
    leader.go(reverse("tasks_calendar:manage") + f"?tuan={day.isoformat()}")
    lpage = leader.page
    expect(lpage.get_by_role("status")).to_contain_text("Chờ đồng chí duyệt")
    _fits(leader, "quản lý lịch")
    lpage.get_by_role("status").get_by_role("link", name=re.compile("Hội nghị trực tuyến")).click()
    expect(lpage.get_by_role("heading", name=TITLE)).to_be_visible()
    lpage.get_by_role("button", name="Duyệt", exact=True).click()
    expect(lpage.get_by_text("Đã duyệt, chờ công bố", exact=True)).to_be_visible()
    lpage.get_by_role("button", name="Công bố", exact=True).click()
    expect(lpage.get_by_text("Đã công bố", exact=True)).to_be_visible()
    _fits(leader, "lịch đã công bố")

    visitor = people("khach", width=width)
    visitor.go(
        reverse("tasks_calendar:public_week", args=[world.justice.pk]) + f"?tuan={day.isoformat()}"
    )
    vpage = visitor.page
    expect(vpage.get_by_role("heading", name=re.compile("Lịch công tác tuần"))).to_be_visible()
    expect(vpage.get_by_text(TITLE)).to_be_visible()
    link = vpage.get_by_role("link", name="Tham gia họp trực tuyến")
    expect(link).to_have_attribute("href", reverse("tasks_calendar:join", args=[event.uid]))
    feed = reverse("tasks_calendar:ical", args=[world.justice.pk])
    expect(vpage.locator(f'a[href$="{feed}"]')).to_be_visible()
    weekday = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
    expect(
        vpage.get_by_role("heading", name=f"{weekday[day.weekday()]}, ngày {day:%d/%m/%Y}")
    ).to_be_visible()
    _fits(visitor, "lịch công khai")
    # the invited chair follows the link to the sandbox room
    lpage.goto(leader.base_url + reverse("tasks_calendar:join", args=[event.uid]))
    expect(lpage.get_by_role("heading", name=re.compile("Phòng họp trực tuyến"))).to_be_visible()
    expect(lpage.get_by_text(event.room)).to_be_visible()
    _fits(leader, "phòng họp")
    for person in (clerk, leader, visitor):
        assert not [e for e in person.errors if "/favicon.ico:" not in e], person.errors
