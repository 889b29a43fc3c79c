"""Browser tests: Debian's chromium driven by Playwright's sync API against ``live_server``.

- Chromium is ``/usr/bin/chromium`` (installed by ``make install`` through
  ``scripts/install-system-deps.sh``; never ``playwright install``). Without it the browser
  tests FAIL with a message saying so; ``CQ_SKIP_BROWSER=1`` skips them on purpose.
- Playwright's sync API runs an asyncio event loop in the test's thread, so Django's
  "async unsafe" guard must be lifted for the test's own database calls.
- The live server listens on 127.0.0.1; chromium sends every other request to a closed
  loopback port (a dead proxy), and the test records them (``Person.blocked``): the pages
  must work without any outside network (no CDN, no web font service).
- Each person (citizen, desk officer, ...) has an own browser context (own cookies), like
  people at their own computers; screenshots go to pytest's ``tmp_path``.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
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
    # Everything not addressed to the live server goes to a closed loopback port: no request
    # can leave the machine, and the test lists those the pages tried (``Person.blocked``).
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=127.0.0.1",
]
#: Any URL with a scheme and a host other than the live server's loopback address.
OUTSIDE = re.compile(r"^(?![a-z]+://127\.0\.0\.1[:/])[a-z][a-z0-9+.-]*://", re.IGNORECASE)
TIMEOUT_MS = 15_000


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


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless chromium for the module (the Playwright loop ends with the module)."""
    _chromium_or_fail()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield instance
        finally:
            instance.close()


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

    def go(self, path: str) -> Any:
        return self.page.goto(self.base_url + path)

    def shot(self, label: str) -> Path:
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
) -> Iterator[Any]:
    """``people("citizen")`` opens a new browser context for one person. When the test fails,
    each person's last page is saved (screenshot and HTML) next to the other screenshots."""
    shots = tmp_path / "screenshots"
    shots.mkdir()
    opened: list[Person] = []
    counter = [0]

    def open_person(name: str) -> Person:
        context = browser.new_context(
            base_url=live_server.url,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        person = Person(name, context, page, live_server.url, shots, counter)

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
                person.shot("that-bai")
                (shots / f"{person.name}-that-bai.html").write_text(person.page.content())
            except Exception as exc:  # the page may be gone; the test's own error matters more
                print(f"no failure screenshot for {person.name}: {exc}")
        person.context.close()
    print(f"\nscreenshots: {shots}")


def wait_for_fresh_totp_window(period: int = 30, margin: float = 4.0) -> None:
    """Sleep into the next TOTP period when the current one ends within ``margin`` seconds
    (allauth accepts only the current code: a code computed at :29 would expire in transit)."""
    left = period - (time.time() % period)
    if left < margin:
        time.sleep(left + 0.2)
