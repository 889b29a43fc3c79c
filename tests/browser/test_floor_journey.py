"""The service-centre floor on a phone-sized screen (375 px): a citizen takes a ticket at the
kiosk, the hall display announces it when the officer calls it at counter 1, the officer serves
it, and the citizen rates the service on the tablet bound to that counter.

Every page is checked by axe-core. The display updates by polling its JSON: the test waits for
the new number to appear (no sleeps).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from chinhquyen.floor.models import CounterRating, Ticket, TicketStatus
from chinhquyen.floor.tests.conftest import build_floor

from .a11y import check_a11y
from .conftest import Person
from .steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = 375


def seen(person: Person, label: str) -> None:
    check_a11y(person.page, f"{person.name}: {label}")
    person.shot(label)


def test_ticket_called_served_and_rated(people) -> None:  # type: ignore[no-untyped-def]
    f = build_floor()
    desk, counter = f.orgs["centre"], f.counters["c1"]

    # the hall display, before anybody is called
    hall = people("man-hinh", width=PHONE)
    hall.go(reverse("floor:display", args=[desk.pk]))
    expect(hall.page.get_by_role("heading", name="Màn hình gọi số — " + desk.name)).to_be_visible()
    expect(hall.page.locator("#floor-called")).to_contain_text("Chưa có số được gọi.")
    seen(hall, "màn hình trống")

    # 1. the citizen takes a ticket at the kiosk
    citizen = people("cong-dan", width=PHONE)
    citizen.go(reverse("floor:kiosk", args=[desk.pk]))
    expect(citizen.page.get_by_role("heading", name="Lấy số thứ tự")).to_be_visible()
    seen(citizen, "máy lấy số")
    citizen.page.get_by_role("button", name="A Tư pháp").click()
    expect(citizen.page.locator("[data-ticket-label]")).to_have_text("A001")
    expect(citizen.page.get_by_role("img", name="Mã QR mở trang số thứ tự")).to_be_visible()
    seen(citizen, "số thứ tự")

    # 2. the officer calls it at counter 1; the hall display shows and announces it
    officer = people("quay-1", width=PHONE)
    sign_in(officer, f.users["officer1"], totp=True)
    officer.go(reverse("floor:counter", args=[counter.pk]))
    expect(officer.page.get_by_role("heading", name="Quầy số 1")).to_be_visible()
    seen(officer, "quầy trống")
    officer.page.get_by_role("button", name="Gọi số tiếp theo").click()
    expect(officer.page.get_by_text("A001", exact=True)).to_be_visible()
    seen(officer, "quầy đang gọi")
    expect(hall.page.locator("#floor-called")).to_contain_text("A001", timeout=20_000)
    expect(hall.page.locator("#floor-announce")).to_have_text("Mời số A001 đến quầy số 1")
    seen(hall, "màn hình gọi số")

    # 3. served
    officer.page.get_by_role("button", name="Bắt đầu phục vụ").click()
    expect(officer.page.get_by_role("button", name="Kết thúc phục vụ")).to_be_visible()
    officer.page.get_by_role("button", name="Kết thúc phục vụ").click()
    expect(officer.page.get_by_role("button", name="Gọi số tiếp theo")).to_be_visible()
    assert Ticket.objects.get().status == TicketStatus.DONE

    # 4. rated on the counter's tablet, once
    tablet = people("may-danh-gia", width=PHONE)
    tablet.go(reverse("floor:rate", args=[counter.pk]))
    expect(tablet.page.get_by_text("A001")).to_be_visible()
    seen(tablet, "đánh giá tại quầy")
    tablet.page.get_by_label("Lý do (không bắt buộc)").fill("Hướng dẫn tận tình")
    tablet.page.get_by_role("button", name="Rất hài lòng").click()
    expect(tablet.page.get_by_role("status")).to_contain_text("Cảm ơn")
    tablet.go(reverse("floor:rate", args=[counter.pk]))
    expect(tablet.page.get_by_text("đã được đánh giá")).to_be_visible()
    rating = CounterRating.objects.get()
    assert (rating.counter_id, rating.score, rating.officer_id) == (
        counter.pk,
        3,
        f.users["officer1"].pk,
    )
    errors = [
        e for p in (hall, citizen, officer, tablet) for e in p.errors if "/favicon.ico:" not in e
    ]
    assert errors == []
