"""django-axes behind allauth's login form: per-account lockout, no account enumeration."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.test import Client
from django.urls import reverse

from chinhquyen.accounts.adapters import LOGIN_MISMATCH
from chinhquyen.accounts.tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOCKED_TITLE = "Tài khoản tạm thời bị khóa đăng nhập"


def _login(client: Client, login: str, password: str) -> tuple[int, str]:
    response = client.post(reverse("account_login"), {"login": login, "password": password})
    body = response.content.decode()
    alerts = re.findall(r'<div class="alert alert-danger"[^>]*>(.*?)</div>', body, re.S)
    headings = re.findall(r"<h1[^>]*>(.*?)</h1>", body, re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", a) for a in alerts + headings)
    return response.status_code, " ".join(text.split())


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_sixth_attempt_is_blocked_even_with_the_right_password(client: Client) -> None:
    make_user(username="nguyenvanc")
    for _ in range(4):
        status, text = _login(client, "nguyenvanc", "sai-mat-khau")
        assert status == 200 and LOGIN_MISMATCH in text
    status, text = _login(client, "nguyenvanc", "sai-mat-khau")
    assert status == 429 and LOCKED_TITLE in text  # the 5th failure locks the account
    status, text = _login(client, "nguyenvanc", PASSWORD)
    assert status == 429 and LOCKED_TITLE in text
    assert not _signed_in(client)
    # the blocked attempt is recorded as a failure too
    assert AccessAttempt.objects.get(username="nguyenvanc").failures_since_start == 6

    # Other accounts (same address, an office behind one NAT) are not locked.
    make_user(username="tranthid")
    assert (
        client.post(
            reverse("account_login"), {"login": "tranthid", "password": PASSWORD}
        ).status_code
        == 302
    )
    client.post(reverse("account_logout"))

    # When the lock is lifted (cool-off or an administrator's reset) the password works again.
    reset(username="nguyenvanc")
    response = client.post(reverse("account_login"), {"login": "nguyenvanc", "password": PASSWORD})
    assert response.status_code == 302 and _signed_in(client)


def test_lockout_counts_the_login_case_insensitively(client: Client) -> None:
    make_user(username="lethie")
    for login in ("lethie", "LETHIE", "LeThiE", "lethie ", "lethie"):
        _login(client, login, "sai")
    status, _text = _login(client, "lethie", PASSWORD)
    assert status == 429 and not _signed_in(client)


def test_lockout_counts_per_account_whether_username_or_email(client: Client) -> None:
    """Security finding #9, point 7: the username and the e-mail of one account share a count."""
    make_user(username="vothif", email="vothif@example.vn")
    for login in ("vothif", "VoThiF@example.vn", "vothif", "vothif@example.vn", "vothif"):
        _login(client, login, "sai")
    status, _text = _login(client, "vothif@example.vn", PASSWORD)
    assert status == 429 and not _signed_in(client)
    assert AccessAttempt.objects.filter(username="vothif").count() == 1


def test_unknown_account_and_wrong_password_get_the_same_answer(db: None) -> None:
    make_user(username="phamvang")
    for n, (known_login, unknown_login) in enumerate(
        [("phamvang", "khong-ton-tai"), ("phamvang@example.vn", "khong-ton-tai@example.vn")]
    ):
        # Separate addresses: allauth also limits attempts per address (10 a minute).
        known_client = Client(REMOTE_ADDR=f"192.0.2.{10 + n}")
        unknown_client = Client(REMOTE_ADDR=f"192.0.2.{20 + n}")
        answers = []
        # The same answer at every attempt, up to and including the lockout itself.
        for _ in range(6):
            status, text = _login(known_client, known_login, "sai-mat-khau")
            known = (status, text.replace(known_login, "<login>"))
            status, text = _login(unknown_client, unknown_login, "sai-mat-khau")
            unknown = (status, text.replace(unknown_login, "<login>"))
            assert known == unknown
            answers.append(known[0])
        assert answers == [200, 200, 200, 200, 429, 429]
        assert LOGIN_MISMATCH in _login(Client(REMOTE_ADDR="192.0.2.30"), "x@y.vn", "z")[1]
