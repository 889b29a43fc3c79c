"""Reminder settings ("Cài đặt nhắc việc") in a real browser, at 1280 px and on a 375 px phone.

An official who receives reminders by e-mail and SMS opens the settings from the workspace
menu, sets quiet hours from 21:00 to 07:00 and turns SMS off, saves and sees the confirmation;
an incomplete pair of quiet hours is refused in Vietnamese first. Every page visited fits the
screen with no serious or critical axe-core finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from chinhquyen.accounts.models import Role
from chinhquyen.accounts.tests.factories import make_official
from chinhquyen.notifications.models import NotificationPreference
from chinhquyen.orgs.tests.factories import make_org

from .a11y import check_a11y
from .conftest import Person
from .steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(person: Person, label: str) -> None:
    """No horizontal scrolling, and no serious or critical axe-core finding."""
    page = person.page
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{label} at {person.width} px: page is {width} px wide"
    check_a11y(page, f"{person.name}: {label} ({person.width} px)")


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_an_official_sets_quiet_hours_and_turns_sms_off(
    people: Callable[..., Person], width: int
) -> None:
    unit = make_org("Sở Tư pháp")
    official = make_official(
        unit, Role.SPECIALIST, totp=True, full_name="Trần Văn Bình", phone="0912345678"
    )
    NotificationPreference.objects.create(user=official, sms_enabled=True)

    person = people("chuyenvien", width=width)
    page = person.page
    sign_in(person, official, totp=True)
    person.go(reverse("tasks:todo"))
    expect(page.get_by_role("heading", name="Việc cần làm")).to_be_visible()
    if person.phone:
        page.get_by_role("button", name="Menu làm việc").click()
    menu = page.get_by_role("navigation", name="Menu làm việc")
    menu.get_by_role("link", name="Cài đặt nhắc việc").click()
    expect(page.get_by_role("heading", name="Cài đặt nhắc việc")).to_be_visible()
    expect(page.get_by_label("Nhận nhắc việc qua tin nhắn SMS")).to_be_checked()
    expect(page.get_by_label("Nhận nhắc việc qua thư điện tử")).to_be_checked()
    _fits(person, "cài đặt nhắc việc")

    # only one end of the quiet hours: refused, explained in Vietnamese
    page.get_by_label("Giờ yên lặng từ").fill("21:00")
    page.get_by_role("button", name="Lưu cài đặt").click()
    expect(page.get_by_text("Hãy nhập giờ kết thúc yên lặng.")).to_be_visible()
    expect(page.get_by_label("Giờ yên lặng đến")).to_have_attribute("aria-invalid", "true")
    _fits(person, "cài đặt nhắc việc có lỗi")

    page.get_by_label("Giờ yên lặng từ").fill("21:00")
    page.get_by_label("Giờ yên lặng đến").fill("07:00")
    page.get_by_label("Nhận nhắc việc qua tin nhắn SMS").uncheck()
    page.get_by_role("button", name="Lưu cài đặt").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã lưu cài đặt nhắc việc.")
    expect(page.get_by_label("Nhận nhắc việc qua tin nhắn SMS")).not_to_be_checked()
    expect(page.get_by_label("Giờ yên lặng từ")).to_have_value("21:00")
    _fits(person, "đã lưu cài đặt")

    pref = NotificationPreference.objects.get(user=official)
    assert (pref.email_enabled, pref.sms_enabled, pref.digest_enabled) == (True, False, True)
    assert (pref.quiet_start, pref.quiet_end) == (dt.time(21, 0), dt.time(7, 0))
