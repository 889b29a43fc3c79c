"""A citizen report end to end on phones (375 px), as the people who handle it.

1. A signed-in citizen reports rubbish by the road from the board: category, commune, a point
   tapped on the map then typed, a photo (with GPS in its EXIF), consent to publish; gets the
   code and PIN.
2. The coordinating unit's officer forwards it to the unit the routing rules suggest.
3. The competent unit's head answers it, approves the answer and publishes it with a
   rewritten text, confirming it carries no identity.
4. A visitor finds it on the public board (list and map), searching without diacritics: no
   sender's name.
5. The citizen rates the answer.

Every page visited is checked by axe-core at 375 px. The maps run without tiles (none are
reachable in tests): a tap places the point; the commune list and the fields still work.
"""

from __future__ import annotations

import importlib
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.urls import reverse
from playwright.sync_api import expect

from chinhquyen.feedback.models import FeedbackItem, Status
from chinhquyen.feedback.tests.conftest import build_fw, jpeg_with_gps

from .a11y import check_a11y
from .conftest import Person
from .steps import from_main_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = 375
TITLE = "Rác thải đổ trộm ven đường liên xã"


def seen(person: Person, label: str) -> None:
    check_a11y(person.page, f"{person.name}: {label}")
    person.shot(label)


def _seed() -> None:
    """The categories and clocks seeded by migration 0002 (a transactional test flushed them)."""
    from django.apps import apps

    seed = importlib.import_module("chinhquyen.feedback.migrations.0002_seed")
    seed.seed(apps, SimpleNamespace(connection=connection, execute=lambda sql: None))


def test_feedback_journey_on_phones(people) -> None:  # type: ignore[no-untyped-def]
    _seed()
    w = build_fw()

    # 1. the citizen reports from the board
    citizen = people("congdan", width=PHONE)
    sign_in(citizen, w.users["citizen"], totp=False)
    from_main_menu(citizen, "Phản ánh, kiến nghị")
    page = citizen.page
    expect(page.get_by_role("heading", name="Phản ánh, kiến nghị đã trả lời")).to_be_visible()
    seen(citizen, "bảng công khai trống")
    page.get_by_role("link", name="Gửi phản ánh").click()
    expect(page.get_by_role("heading", name="Gửi phản ánh, kiến nghị")).to_be_visible()
    seen(citizen, "form gửi phản ánh")
    page.get_by_label("Lĩnh vực").select_option(label="Môi trường")
    page.get_by_label("Tiêu đề", exact=True).fill(TITLE)
    page.get_by_label("Nội dung", exact=True).fill("Bãi rác lớn ở đầu ngõ 12, bốc mùi.")
    page.get_by_label("Xã, phường").select_option(label="UBND xã An Bình")
    # a tap on the map (no tiles configured: the map still places the point) fills the fields
    page.locator("#feedback-map").click()
    expect(page.get_by_label("Vĩ độ")).to_have_value(re.compile(r"^-?\d+\.\d{6}$"))
    expect(page.locator("#feedback-map .leaflet-marker-icon")).to_have_count(1)
    page.get_by_label("Vĩ độ").fill("21.028511")
    page.get_by_label("Kinh độ").fill("105.804817")
    page.locator("#pa-photos").set_input_files(
        files=[{"name": "bai-rac.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}]
    )
    page.get_by_label("Họ và tên").fill("Nguyễn Văn Bí Mật")
    page.get_by_label("Số điện thoại di động hoặc thư điện tử").fill("0912345678")
    page.get_by_label(re.compile("^Tôi đồng ý công khai")).check()
    page.get_by_role("button", name="Gửi phản ánh").click()
    expect(page.get_by_role("heading", name="Đã tiếp nhận phản ánh")).to_be_visible()
    code = page.locator("#feedback-code").inner_text()
    expect(page.locator("#feedback-pin")).to_have_text(re.compile(r"^\d{8}$"))
    seen(citizen, "đã gửi")
    item = FeedbackItem.objects.get(code=code)
    assert item.files.count() == 1 and item.latitude is not None

    # 2. the coordinating unit forwards it to the suggested unit
    coord = people("dieuphoi", width=PHONE)
    sign_in(coord, w.users["coord"], totp=True)
    from_main_menu(coord, "Phản ánh, kiến nghị")
    expect(coord.page.get_by_role("heading", name="Phản ánh, kiến nghị")).to_be_visible()
    seen(coord, "hộp phản ánh đầu mối")
    coord.page.get_by_role("link", name=code).click()
    expect(coord.page.locator("#feedback-status")).to_have_text("Chờ phân loại")
    seen(coord, "chi tiết chờ phân loại")
    expect(coord.page.get_by_label(re.compile("^Đơn vị"))).to_have_value(str(w.orgs["env"].pk))
    coord.page.get_by_role("button", name="Chuyển", exact=True).click()
    expect(coord.page.locator("#feedback-status")).to_have_text("Đã chuyển đơn vị xử lý")

    # 3. the competent unit's head answers, approves and publishes
    head = people("truongphong", width=PHONE)
    sign_in(head, w.users["env_head"], totp=True, start=reverse("feedback:detail", args=[item.pk]))
    expect(head.page.locator("#feedback-status")).to_have_text("Đã chuyển đơn vị xử lý")
    seen(head, "chi tiết tại đơn vị")
    head.page.get_by_label("Nội dung trả lời").fill("Đơn vị đã thu dọn toàn bộ bãi rác.")
    head.page.get_by_role("button", name="Trình lãnh đạo duyệt").click()
    expect(head.page.locator("#feedback-status")).to_have_text("Chờ lãnh đạo duyệt trả lời")
    head.page.get_by_role("button", name="Duyệt và gửi người phản ánh").click()
    expect(head.page.locator("#feedback-status")).to_have_text("Đã trả lời")
    seen(head, "đã trả lời")
    head.page.get_by_label("Nội dung công khai").fill("Bãi rác tự phát ven đường liên xã.")
    head.page.get_by_label(re.compile("^Tôi xác nhận")).check()
    head.page.get_by_role("button", name="Công khai", exact=True).click()
    expect(head.page.locator("#feedback-status")).to_have_text("Đã công khai")

    # 4. anyone finds it on the board, without the sender's identity
    visitor = people("khach", width=PHONE)
    visitor.go(reverse("feedback:board"))
    visitor.page.get_by_label(re.compile("^Tìm kiếm")).fill("bai rac lien xa")
    visitor.page.get_by_role("button", name="Tìm").click()
    board = visitor.page.locator("#feedback-board")
    expect(board).to_contain_text(TITLE)
    expect(visitor.page.locator("#feedback-map .leaflet-marker-icon")).to_have_count(1)
    seen(visitor, "bảng công khai")
    visitor.page.get_by_role("link", name=TITLE).click()
    expect(visitor.page.locator("#feedback-answer")).to_contain_text("thu dọn")
    seen(visitor, "phản ánh công khai")
    html = visitor.page.content()
    for secret in ("Bí Mật", "0912345678", "ngõ 12"):
        assert secret not in html

    # 5. the citizen rates the answer
    citizen.go(reverse("feedback:sender_detail", args=[code]))
    expect(citizen.page.locator("#feedback-status")).to_have_text("Đã công khai")
    seen(citizen, "phản ánh của tôi")
    citizen.page.get_by_label("Hài lòng", exact=True).check()
    citizen.page.get_by_role("button", name="Gửi đánh giá").click()
    expect(citizen.page.get_by_role("button", name="Gửi đánh giá")).to_have_count(0)
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED and item.ratings.get().satisfied
    problems = [
        e for p in (citizen, coord, head, visitor) for e in p.errors if "/favicon.ico:" not in e
    ]
    assert not problems, problems
