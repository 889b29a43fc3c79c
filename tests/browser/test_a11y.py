"""``check_a11y`` itself: it fails on a serious/critical axe-core finding, with a readable list,
and passes a clean page (no server needed: the pages are set as content)."""

from __future__ import annotations

from typing import Any

import pytest

from .a11y import check_a11y
from .conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser

CLEAN = """<!doctype html><html lang="vi"><head><title>Trang thử</title></head>
<body><main><h1>Trang thử</h1><p>Nội dung.</p></main></body></html>"""
BROKEN = """<!doctype html><html lang="vi"><head><title>Trang thử</title></head>
<body><main><h1>Trang thử</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<button></button></main></body></html>"""


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_clean_page_passes(page: Any) -> None:
    page.set_content(CLEAN)
    assert check_a11y(page, "sạch") == []


def test_serious_violations_fail_with_rule_target_and_help(page: Any) -> None:
    page.set_content(BROKEN)
    with pytest.raises(pytest.fail.Exception) as failed:
        check_a11y(page, "hỏng")
    message = str(failed.value)
    assert "2 serious/critical accessibility violation(s) on hỏng" in message
    assert "- image-alt (critical): Images must have alternative text" in message
    assert "- button-name (critical)" in message
    assert "    img:" in message and "    button:" in message
    assert "https://dequeuniversity.com/rules/axe/" in message
