"""Security finding #9, point 1, in a browser: an official who opens the Django admin signs in
through the site's form and is asked for the second factor; the admin has no password form of
its own. At 1280 px and on a phone (375 px), axe-core on every page visited."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from chinhquyen.accounts.demo import stored_totp_secret
from chinhquyen.accounts.models import Role
from chinhquyen.accounts.tests.factories import PASSWORD, make_official
from chinhquyen.orgs.tests.factories import make_org

from .a11y import check_a11y
from .steps import wait_for_fresh_totp_window

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 375])
def test_official_through_the_admin_login_is_asked_for_the_second_factor(
    people: Any, width: int
) -> None:
    province = make_org("UBND tỉnh Thử nghiệm")
    admin = make_official(
        province,
        Role.IT_ADMIN,
        totp=True,
        username=f"quantri{width}",
        full_name="Quản Trị Viên",
        is_staff=True,
        is_superuser=True,
    )
    person = people("quantri", width=width)
    page = person.page

    person.go("/quan-tri/")
    # the admin's own sign-in is gone: the site's form, with the way back to the admin
    expect(page).to_have_url(re.compile(re.escape(reverse("account_login")) + r"\?next=.*quan-tri"))
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    assert page.locator("input[name=username]").count() == 0  # no admin form field
    check_a11y(page, f"đăng nhập từ trang quản trị ({width}px)")
    page.get_by_label("Tên đăng nhập").fill(admin.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()

    # the password alone opens nothing: the second factor is asked for
    expect(page).to_have_url(re.compile(re.escape(reverse("mfa_authenticate"))))
    expect(page.get_by_role("heading", name="Xác thực hai lớp")).to_be_visible()
    check_a11y(page, f"xác thực hai lớp ({width}px)")
    secret = stored_totp_secret(admin)
    assert secret
    wait_for_fresh_totp_window()
    page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Đăng nhập", exact=True).click()

    expect(page).to_have_url(re.compile(r"/quan-tri/$"))
    expect(page.get_by_text("Quản trị hệ thống Chính Quyền").first).to_be_visible()
    check_a11y(page, f"trang quản trị ({width}px)")
