"""The editorial journey of a portal in a browser: a writer uploads an image (alt text
required) and drafts a page, submits it; the editor passes it on, the editorial board approves
and it is published; it appears on the portal. The Wagtail admin is Wagtail's own (not
axe-checked); the public pages are checked at 1280 px and 375 px with axe-core.

Partial: the portal's news page type and its RSS feed were not on this branch; the page drafted
is a section page of the component portal (see README).
"""

from __future__ import annotations

import io
import re
from typing import Any

import pyotp
import pytest
from django.urls import reverse
from PIL import Image as PILImage
from playwright.sync_api import expect
from wagtail.images import get_image_model
from wagtail.models import Page

from chinhquyen.accounts.demo import stored_totp_secret
from chinhquyen.accounts.models import User
from chinhquyen.accounts.tests.factories import PASSWORD
from chinhquyen.portals.editorial.tests.conftest import HOST_X, HOST_Y, build_portals

from .conftest import Person
from .steps import fits_screen, wait_for_fresh_totp_window

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN = "/quan-tri-cong-thong-tin/"
TITLE = "Thông báo lịch tiếp công dân tháng 12"


def _png() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (64, 48), (20, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def admin_sign_in(person: Person, user: User) -> None:
    """Open the Wagtail admin: the site's sign-in, then the TOTP code, then the dashboard."""
    page = person.page
    person.go(ADMIN)
    expect(page).to_have_url(re.compile(re.escape(reverse("account_login"))))
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_authenticate"))))
    secret = stored_totp_secret(user)
    assert secret
    wait_for_fresh_totp_window()
    page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(ADMIN) + "$"))


def _action(person: Person, selector: str) -> None:
    """Click an item of the editor's action menu (opening the menu when it is folded)."""
    page = person.page
    item = page.locator(selector).first
    if not item.is_visible():
        page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    expect(item).to_be_visible()
    item.click()


def _approve(person: Person, page_id: int) -> None:
    person.go(reverse("wagtailadmin_pages:edit", args=(page_id,)))
    with person.page.expect_navigation():
        _action(
            person,
            "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])",
        )


def test_an_editor_drafts_the_board_approves_and_it_is_published(
    people: Any, settings: Any
) -> None:
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver", HOST_X, HOST_Y]
    portals = build_portals()
    # the public pages are reached on the live server's address: the portal X under /cong/
    portals.x.refresh_from_db()

    writer = people("phongvien")
    admin_sign_in(writer, portals.users["writer_x"])
    page = writer.page
    # an image: its alternative text is required
    writer.go(reverse("wagtailimages:add"))
    page.locator("input[name=title]").fill("Trụ sở tiếp công dân")
    page.locator("input[type=file][name=file]").set_input_files(
        {"name": "tru-so.png", "mimeType": "image/png", "buffer": _png()}
    )
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("[id$=description]").first).to_be_visible()
    assert not get_image_model().objects.exists()  # refused without alt text
    page.locator("input[name=description]").fill("Trụ sở Ban tiếp công dân của Sở")
    page.locator("input[type=file][name=file]").set_input_files(
        {"name": "tru-so.png", "mimeType": "image/png", "buffer": _png()}
    )
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    image = get_image_model().objects.get()
    assert image.description == "Trụ sở Ban tiếp công dân của Sở"

    # the page, drafted then submitted to the portal's workflow
    writer.go(reverse("wagtailadmin_pages:add", args=("portals", "portalindexpage", portals.x.pk)))
    page.locator("#id_title").fill(TITLE)  # the slug follows the title (promote tab)
    with page.expect_navigation():
        _action(writer, "button[name='action-submit']")
    drafted = Page.objects.get(title=TITLE)
    assert not drafted.live

    editor = people("bientap")
    admin_sign_in(editor, portals.users["editor_x"])
    _approve(editor, drafted.pk)
    drafted.refresh_from_db()
    assert not drafted.live  # the editors' step only passes it on

    board = people("pheduyet")
    admin_sign_in(board, portals.users["approver_x"])
    _approve(board, drafted.pk)
    drafted.refresh_from_db()
    assert drafted.live

    # on the portal, for anybody, at 1280 px and on a phone
    public = drafted.url_path.removeprefix(portals.main.url_path.rstrip("/"))
    for width in (1280, 375):
        visitor = people(f"khach{width}", width=width)
        visitor.go("/cong/so-x/")
        expect(visitor.page.get_by_role("heading", name=portals.x.title)).to_be_visible()
        fits_screen(visitor, "cổng thành phần")
        visitor.go(public)
        expect(visitor.page.get_by_role("heading", name=TITLE)).to_be_visible()
        fits_screen(visitor, "trang vừa đăng")
