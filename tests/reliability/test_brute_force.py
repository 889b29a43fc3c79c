"""Brute force through the real sign-in form and the public dossier lookup.

- The 6th sign-in attempt after 5 failures within 30 minutes is blocked, even with the right
  password and even when every attempt comes from another address; failures older than the
  30-minute window no longer count.
- An unknown account and a wrong password get the very same answer (status, message, page).
- The public lookup (HTML page and API) answers at most 20 attempts per minute per address
  (whatever codes it tries), the 21st gets 429 with a Vietnamese message, and a forged
  X-Forwarded-For header (a new value on every request) does not buy more attempts; one
  dossier code takes at most 10 attempts per minute from all addresses together, page and API
  sharing the bucket (security finding #9, point 4).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import time
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chinhquyen.accounts.adapters import LOGIN_MISMATCH
from chinhquyen.accounts.tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/tai-khoan/login/"
LOCKED = "Tài khoản tạm thời bị khóa đăng nhập"


def test_login_url() -> None:
    assert reverse("account_login") == LOGIN


def _answer(response: Any) -> tuple[int, str]:
    """Status and the visible messages (alerts and headings), the CSRF token left out."""
    body = response.content.decode()
    blocks = re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>|<h1[^>]*>(.*?)</h1>', body, re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", a or b) for a, b in blocks)
    return response.status_code, " ".join(text.split())


_addresses = itertools.count(1)


def _login(login: str, password: str, address: str | None = None, **extra: Any) -> Any:
    # a new address per attempt by default: allauth's own per-address limit stays out of the way
    n = next(_addresses)
    client = Client(REMOTE_ADDR=address or f"198.18.{n // 250}.{n % 250 + 1}")
    return client.post(LOGIN, {"login": login, "password": password}, **extra)


def _signed_in(response: Any) -> bool:
    return response.status_code == 302 and "sessionid" in response.cookies


def test_sixth_attempt_is_blocked_from_rotating_addresses() -> None:
    make_user(username="nguyenthihoa")
    for n in range(5):
        status, text = _answer(_login("nguyenthihoa", f"sai-{n}", f"198.51.100.{n + 10}"))
        assert status == (200 if n < 4 else 429), (n, text)
    # 6th attempt: the right password, from yet another address (and a forged header)
    response = _login("NguyenThiHoa", PASSWORD, "203.0.113.99", HTTP_X_FORWARDED_FOR="10.9.9.9")
    status, text = _answer(response)
    assert status == 429 and LOCKED in text and not _signed_in(response)
    attempts = AccessAttempt.objects.filter(username="nguyenthihoa")
    assert sum(a.failures_since_start for a in attempts) == 6  # one row per address


def _age_failures(username: str, minutes: int) -> None:
    AccessAttempt.objects.filter(username=username).update(
        attempt_time=timezone.now() - dt.timedelta(minutes=minutes)
    )


def test_failures_older_than_thirty_minutes_do_not_count() -> None:
    make_user(username="tranvanbinh")
    for n in range(4):
        assert _login("tranvanbinh", f"sai-{n}").status_code == 200
    _age_failures("tranvanbinh", 31)  # the four failures are now outside the window
    assert _login("tranvanbinh", "sai-moi").status_code == 200  # would have been the 5th
    assert _signed_in(_login("tranvanbinh", PASSWORD))


def test_a_lockout_lasts_thirty_minutes() -> None:
    make_user(username="phamthilan")
    for n in range(5):
        _login("phamthilan", f"sai-{n}")
    assert _login("phamthilan", PASSWORD).status_code == 429
    _age_failures("phamthilan", 29)
    assert _login("phamthilan", PASSWORD).status_code == 429  # still inside the 30 minutes
    _age_failures("phamthilan", 31)
    assert _signed_in(_login("phamthilan", PASSWORD))


def test_unknown_account_and_wrong_password_get_the_same_answer() -> None:
    # two accounts: failures count per account whichever identifier is typed (finding #9.7)
    make_user(username="levancuong", email="cuong@example.vn")
    make_user(username="nguyenvandung", email="dung@example.vn")
    pairs = [("levancuong", "khongcoai"), ("dung@example.vn", "khongcoai@example.vn")]
    for n, (known, unknown) in enumerate(pairs):
        for attempt in range(6):
            a = _login(known, "sai-mat-khau", f"192.0.2.{10 + n}")
            b = _login(unknown, "sai-mat-khau", f"192.0.2.{20 + n}")
            answer_a = _answer(a)[0], _answer(a)[1].replace(known, "<login>")
            answer_b = _answer(b)[0], _answer(b)[1].replace(unknown, "<login>")
            assert answer_a == answer_b, (attempt, answer_a, answer_b)
            assert set(a.cookies) == set(b.cookies)
            expected = LOCKED if attempt >= 4 else LOGIN_MISMATCH
            assert expected in answer_a[1]


# --------------------------------------------------------------------------------------------
# Public lookup
# --------------------------------------------------------------------------------------------

LOOKUP_PAGE = "/ho-so/tra-cuu/"
LOOKUP_API = "/api/v1/public/dossiers/lookup/"


_CODES = (f"000.00.01.H56-260302-{n:04d}" for n in itertools.count(1))


def _page(address: str, code: str | None = None, **extra: Any) -> Any:
    """One lookup through the page; a new (unknown) dossier code each time unless given."""
    client = Client(REMOTE_ADDR=address)
    return client.post(LOOKUP_PAGE, {"code": code or next(_CODES), "pin": "12345678"}, **extra)


def _api(address: str, code: str | None = None, **extra: Any) -> Any:
    return Client(REMOTE_ADDR=address).post(
        LOOKUP_API,
        {"code": code or next(_CODES), "pin": "12345678"},
        content_type="application/json",
        **extra,
    )


@pytest.mark.parametrize("send", [_page, _api], ids=["trang", "api"])
def test_lookup_allows_twenty_attempts_a_minute_per_address(send: Any) -> None:
    answers = [send("198.51.100.7").status_code for _ in range(21)]
    assert answers == [404] * 20 + [429]
    throttled = send("198.51.100.7")
    assert throttled.status_code == 429
    text = throttled.content.decode()
    assert "quá nhiều lần" in text or "quá nhanh" in text
    if send is _api:
        error = throttled.json()["error"]
        assert error["code"] == "throttled"
        assert re.fullmatch(
            r"Bạn thao tác quá nhanh, vui lòng thử lại sau( \d+ giây)?\.", error["message"]
        )
    # another address keeps its own budget
    assert send("198.51.100.8").status_code == 404


@pytest.mark.parametrize("send", [_page, _api], ids=["trang", "api"])
def test_forged_forwarded_for_does_not_buy_more_attempts(send: Any) -> None:
    """Regression: the API throttle used to key on the whole X-Forwarded-For header (DRF's
    default NUM_PROXIES=None), so a new forged value per request escaped the limit."""
    answers = [
        send("198.51.100.9", HTTP_X_FORWARDED_FOR=f"10.0.{n // 250}.{n % 250}").status_code
        for n in range(25)
    ]
    assert answers == [404] * 20 + [429] * 5


def test_the_api_window_is_one_minute(monkeypatch) -> None:
    from django.core.cache.backends import locmem

    for _ in range(20):
        _api("198.51.100.11")
    assert _api("198.51.100.11").status_code == 429
    now = time.time()
    monkeypatch.setattr(locmem.time, "time", lambda: now + 61)  # the cache's clock, a minute on
    assert _api("198.51.100.11").status_code == 404


def test_one_code_takes_ten_attempts_a_minute_from_all_addresses_page_and_api() -> None:
    """Security finding #9 point 4: guessing one code's PIN from many addresses, alternating
    the page and the API, gets 10 answers in the minute, then 429 for everyone."""
    code = "000.00.01.H56-260302-9999"
    answers = [
        (_page if n % 2 else _api)(f"203.0.113.{n}", code=code).status_code for n in range(12)
    ]
    assert answers == [404] * 10 + [429] * 2
    assert _api("203.0.113.200").status_code == 404  # another code from a new address: fine
