"""What people do in any browser journey: sign in and out, the account menu, TOTP timing.

Journeys import these (``from .steps import sign_in``); each step waits for the page state
that shows it worked (Playwright's ``expect`` with the suite's ``TIMEOUT_MS``).
"""

from __future__ import annotations

import io
import re
import time
from pathlib import Path
from typing import Any

import pyotp
from django.urls import reverse
from playwright.sync_api import expect

from chinhquyen.accounts.demo import stored_totp_secret
from chinhquyen.accounts.models import User
from chinhquyen.accounts.tests.factories import PASSWORD

from .a11y import check_a11y
from .conftest import Person

#: Pages of the sign-in steps already checked by axe-core, by (path, width): once a session.
_CHECKED: set[tuple[str, int]] = set()


def check_a11y_once(person: Person, label: str) -> None:
    """``check_a11y`` on the person's page, unless that page (path, width) was checked."""
    key = (person.page.url.split("?")[0].removeprefix(person.base_url), person.width)
    if key not in _CHECKED:
        check_a11y(person.page, f"{person.name}: {label}")
        _CHECKED.add(key)


def fits_screen(person: Person, label: str) -> None:
    """The person's page has no horizontal overflow at their width and no serious or critical
    axe-core finding."""
    page = person.page
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{label} at {person.width} px: page is {width} px wide"
    check_a11y(page, f"{label} ({person.width} px)")


def wait_for_fresh_totp_window(period: int = 30, margin: float = 4.0) -> None:
    """Wait into the next TOTP period when the current one ends within ``margin`` seconds: a
    code computed at :29 would reach the server in the next period (the browser tests also
    accept the neighbouring period, see ``_totp_tolerance``). A wait for a clock state, at
    most ``margin`` seconds, never a fixed sleep."""
    left = period - (time.time() % period)
    if left < margin:
        time.sleep(left + 0.2)


def sign_in(person: Person, user: User, *, totp: bool, start: str = "") -> None:
    """The web sign-in form; officials then give the current code of their authenticator.
    With ``start`` the person opens that page (a bookmark) and is sent to sign in first."""
    page = person.page
    person.go(start or reverse("account_login"))
    expect(page).to_have_url(re.compile(re.escape(reverse("account_login"))))
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    check_a11y_once(person, "đăng nhập")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    if totp:
        expect(page).to_have_url(re.compile(re.escape(reverse("mfa_authenticate"))))
        expect(page.get_by_role("heading", name="Xác thực hai lớp")).to_be_visible()
        check_a11y_once(person, "xác thực hai lớp")
        secret = stored_totp_secret(user)
        assert secret, f"{user.username} has no TOTP authenticator"
        wait_for_fresh_totp_window()
        page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page.locator("#user-menu-button")).to_contain_text(user.full_name)
    check_a11y_once(person, "sau đăng nhập")


def open_main_menu(person: Person) -> None:
    """On a narrow screen the main navigation is folded behind the menu button: unfold it
    (nothing to do on a wide screen)."""
    page = person.page
    # Decide once the page has loaded with its style sheets: while a page is still loading the
    # button shows unstyled (visible) on a wide screen too, and is hidden a moment later.
    page.wait_for_load_state("load")
    toggler = page.get_by_role("button", name="Mở hoặc đóng menu")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        expect(toggler).to_have_attribute("aria-expanded", "true")
        # Wait for the unfolding to end ("collapsing" → "collapse show"): on a loaded machine a
        # click on an item while the menu still grows was seen to be lost (no navigation, the
        # account menu not opened).
        nav = page.locator("#main-nav")
        expect(nav).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
        expect(nav).not_to_have_class(re.compile(r"(^|\s)collapsing(\s|$)"))
        expect(nav).to_be_visible()


def from_main_menu(person: Person, item: str) -> None:
    """Choose ``item`` in the main navigation (unfolding it first on a phone)."""
    open_main_menu(person)
    navigation = person.page.get_by_role("navigation", name="Điều hướng chính")
    navigation.get_by_role("link", name=item, exact=True).click()


def from_user_menu(person: Person, item: str) -> None:
    """Open the account menu at the top right and choose ``item``."""
    page = person.page
    open_main_menu(person)
    button = page.locator("#user-menu-button")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    menu = page.get_by_role("list", name=re.compile("^Tài khoản"))
    expect(menu).to_be_visible()
    menu.get_by_role("link", name=item).or_(menu.get_by_role("button", name=item)).click()


def sign_out(person: Person) -> None:
    """The account menu's "Đăng xuất"; the main navigation then offers "Đăng nhập" again."""
    from_user_menu(person, "Đăng xuất")
    page = person.page
    navigation = page.get_by_role("navigation", name="Điều hướng chính")
    expect(page.locator("#user-menu-button")).to_have_count(0)
    open_main_menu(person)
    expect(navigation.get_by_role("link", name="Đăng nhập")).to_be_visible()
    check_a11y_once(person, "sau đăng xuất")


def download(person: Person, link: Any) -> tuple[str, bytes]:
    """Click ``link`` and wait for the browser's download: (suggested file name, content)."""
    with person.page.expect_download() as info:
        link.click()
    saved = info.value
    return saved.suggested_filename, Path(saved.path()).read_bytes()


def tiny_pdf(text: str) -> bytes:
    """A real one-page PDF (catalog, page, Helvetica text, cross-reference table), for papers
    uploaded in a journey. ``text`` must be ASCII."""
    stream = f"BT /F1 14 Tf 72 770 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()
