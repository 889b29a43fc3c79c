"""The portals in a real browser (issue #14), at 1280 px and on a 375 px phone: a visitor
opens the main portal's home (no sign-in), a news item, the public documents, a procedure with
its "submit online" link, the search (without diacritics) and a commune's portal through the
component list; every page fits the screen with no serious or critical axe-core finding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from chinhquyen.catalog.tests.factories import make_version
from chinhquyen.portals import sites
from chinhquyen.portals.models import NewsIndexPage, NewsPage, PortalHomePage
from chinhquyen.portals.tests.factories import make_document, make_tree

from .conftest import Person
from .steps import fits_screen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEWS = "Khai mạc Tuần văn hóa - du lịch Tràng An năm 2026"


def _world() -> dict[str, Any]:
    from django.core.cache import cache

    cache.clear()
    orgs = make_tree()
    sites.setup_all()
    main = PortalHomePage.objects.get(kind="main")
    index = NewsIndexPage.objects.child_of(main).get()
    page = NewsPage(
        title=NEWS,
        date=dt.date(2026, 3, 2),
        featured=True,
        summary="Tuần văn hóa - du lịch giới thiệu di sản Tràng An đến du khách trong nước.",
        body="<p>Chương trình diễn ra từ ngày 2 đến ngày 8 tháng 3 tại khu du lịch Tràng An.</p>",
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    make_document(orgs["justice"], "Quyết định công bố danh mục thủ tục hộ tịch", number=15)
    make_version("Đăng ký khai sinh", code="1.001193", online_level=4, competent=[orgs["justice"]])
    return orgs


@pytest.mark.parametrize("width", [1280, 375])
def test_a_visitor_reads_the_portals(people: Callable[..., Person], width: int) -> None:
    _world()
    visitor = people("nguoidan", width=width)
    page = visitor.page
    visitor.go("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cổng thông tin điện tử")
    expect(page.get_by_role("link", name="Đăng nhập").first).to_be_visible()
    fits_screen(visitor, "trang chủ cổng")

    page.get_by_role("link", name=NEWS).first.click()
    expect(page.get_by_role("heading", level=1, name=NEWS)).to_be_visible()
    fits_screen(visitor, "tin bài")

    visitor.go("/van-ban-cong-khai/")
    expect(page.get_by_role("link", name="15/QĐ-UBND")).to_be_visible()
    fits_screen(visitor, "văn bản")

    visitor.go("/thu-tuc-hanh-chinh/")
    page.get_by_role("link", name="Đăng ký khai sinh").click()
    expect(page.get_by_role("link", name="Nộp hồ sơ trực tuyến")).to_be_visible()
    fits_screen(visitor, "thủ tục")

    visitor.go("/tim-kiem/?q=khai+sinh")
    expect(page.get_by_role("link", name="Đăng ký khai sinh")).to_be_visible()
    fits_screen(visitor, "tìm kiếm")

    visitor.go("/cong/")
    page.get_by_role("link", name="Cổng thông tin điện tử UBND xã Hoa Lư").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("UBND xã Hoa Lư")
    fits_screen(visitor, "cổng xã")
