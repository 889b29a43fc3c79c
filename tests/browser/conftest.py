"""Browser tests: Debian's chromium driven by Playwright's sync API against ``live_server``.

- Chromium is ``/usr/bin/chromium`` (installed by ``make install`` through
  ``scripts/install-system-deps.sh``; never ``playwright install``). Without it the browser
  tests FAIL with a message saying so; ``CQ_SKIP_BROWSER=1`` skips them on purpose.
- One chromium per test session (per xdist worker). Playwright's sync API keeps an asyncio
  event loop in the worker's thread while it runs, so the browser tests are moved to the end
  of the run (``pytest_collection_modifyitems``): no other test runs beside that loop, and
  Django's "async unsafe" guard is lifted for the browser tests' own database calls.
- Every wait is for a page state, a response or a download, with ``TIMEOUT_MS`` (generous: a
  loaded 2-core machine may take seconds to render a page); never a fixed sleep.
- The live server listens on 127.0.0.1; chromium sends every other request to a closed
  loopback port (a dead proxy), and the test records them (``Person.blocked``): the pages
  must work without any outside network (no CDN, no web font service).
- Each person (citizen, desk officer, ...) has an own browser context (own cookies), like
  people at their own computers: ``people("citizen")`` at 1280 px, ``people("citizen",
  width=375)`` on a phone. Screenshots (``Person.shot``) are taken only with
  ``CQ_SCREENSHOTS=1`` (they cost seconds on a busy machine); a failing test always leaves
  each person's last page (screenshot and HTML) in pytest's ``tmp_path``.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    # Everything not addressed to the live server goes to a closed loopback port: no request
    # can leave the machine, and the test lists those the pages tried (``Person.blocked``).
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=127.0.0.1",
]
#: Any URL with a scheme and a host other than the live server's loopback address.
OUTSIDE = re.compile(r"^(?![a-z]+://127\.0\.0\.1[:/])[a-z][a-z0-9+.-]*://", re.IGNORECASE)
#: The limit of one step (a page load, a click's effect, a download) on a loaded machine.
TIMEOUT_MS = 60_000
#: Desktop and phone (an iPhone-sized portrait screen, touch, mobile viewport meta honoured).
DESKTOP = {"width": 1280, "height": 900}
PHONE_HEIGHT = 812
SCREENSHOTS = os.environ.get("CQ_SCREENSHOTS") == "1"


def _chromium_or_fail() -> None:
    if os.environ.get("CQ_SKIP_BROWSER") == "1":
        pytest.skip("CQ_SKIP_BROWSER=1: browser tests skipped on purpose")
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium. Run `make install` "
            "(it installs the system packages of scripts/install-system-deps.sh), or set "
            "CQ_SKIP_BROWSER=1 to skip these tests on purpose.",
            pytrace=False,
        )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last (stable order otherwise): the session's chromium and Playwright's
    event loop start with the first of them and stay until the session ends."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless chromium for the whole session (each test opens its own contexts)."""
    _chromium_or_fail()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=TIMEOUT_MS
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(autouse=True)
def _totp_tolerance(settings: Any) -> None:
    """A code typed at the end of its 30 s period may reach a loaded server in the next one:
    accept the neighbouring periods' codes too (the live server reads the same settings)."""
    settings.MFA_TOTP_TOLERANCE = 1


@dataclass
class Person:
    """Someone at their own browser: a context (cookies), one page, numbered screenshots."""

    name: str
    context: Any
    page: Any
    base_url: str
    shots: Path
    counter: list[int] = field(default_factory=lambda: [0])  # shared: journey order
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    shot_seconds: float = 0.0
    width: int = DESKTOP["width"]

    @property
    def phone(self) -> bool:
        return self.width < 600

    def go(self, path: str) -> Any:
        return self.page.goto(self.base_url + path)

    def shot(self, label: str, *, force: bool = False) -> Path | None:
        """A full-page screenshot, only with ``CQ_SCREENSHOTS=1`` (or ``force``)."""
        if not (SCREENSHOTS or force):
            return None
        started = time.monotonic()
        self.counter[0] += 1
        target = self.shots / f"{self.counter[0]:02d}-{self.name}-{label}.png"
        self.page.screenshot(path=str(target), full_page=True)
        self.shot_seconds += time.monotonic() - started
        return target


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember each phase's report on the test item (``people`` looks at it on teardown)."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def people(
    request: pytest.FixtureRequest, browser: Any, live_server: Any, tmp_path: Path
) -> Iterator[Callable[..., Person]]:
    """``people("citizen")`` opens a new browser context for one person (1280 px wide);
    ``people("citizen", width=375)`` opens a phone (375×812, mobile, touch). When the test
    fails, each person's last page is saved (screenshot and HTML) under ``tmp_path``."""
    shots = tmp_path / "screenshots"
    shots.mkdir()
    opened: list[Person] = []
    counter = [0]

    def open_person(name: str, width: int = DESKTOP["width"]) -> Person:
        phone = width < 600
        context = browser.new_context(
            base_url=live_server.url,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            viewport={"width": width, "height": PHONE_HEIGHT} if phone else DESKTOP,
            is_mobile=phone,
            has_touch=phone,
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        page = context.new_page()
        person = Person(name, context, page, live_server.url, shots, counter, width=width)

        # (no ``context.route`` here: routing would switch the browser's HTTP cache off)
        context.on(
            "request",
            lambda req: person.blocked.append(req.url) if OUTSIDE.match(req.url) else None,
        )
        page.on(
            "response",
            lambda res: (
                person.errors.append(f"HTTP {res.status} {res.url}")
                if res.status >= 400 and res.request.resource_type != "document"
                else None
            ),
        )
        page.on("pageerror", lambda exc: person.errors.append(f"{page.url}: {exc}"))

        def console(msg: Any) -> None:
            if msg.type == "error":
                source = (msg.location or {}).get("url") or page.url
                person.errors.append(f"{source}: {msg.text}")

        page.on("console", console)
        opened.append(person)
        return person

    yield open_person
    report = getattr(request.node, "report_call", None)
    for person in opened:
        if report is not None and report.failed:
            try:
                person.shot("that-bai", force=True)
                (shots / f"{person.name}-that-bai.html").write_text(person.page.content())
            except Exception as exc:  # the page may be gone; the test's own error matters more
                print(f"no failure screenshot for {person.name}: {exc}")
        person.context.close()
    if report is not None and (report.failed or SCREENSHOTS):
        print(f"\nscreenshots: {shots}")
