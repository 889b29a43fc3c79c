"""Security finding #9, point 1: the Django admin has no sign-in of its own and lets an
official in only after the second factor."""

from __future__ import annotations

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.accounts.models import Role, User
from chinhquyen.accounts.tests.conftest import Tree
from chinhquyen.accounts.tests.factories import PASSWORD, TOTP_SECRET, make_official

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/quan-tri/login/"


@pytest.fixture
def it_admin(tree: Tree) -> User:
    return make_official(
        tree.province, Role.IT_ADMIN, totp=True, username="qt", is_staff=True, is_superuser=True
    )


def _no_way_in(client: Client) -> None:
    assert client.get("/api/v1/me/").status_code in (401, 403)
    for path in ("/quan-tri/", reverse("audit:security_events"), reverse("accounts:officials")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "login" in response["Location"], path


def test_password_alone_on_the_admin_login_opens_nothing(client: Client, it_admin: User) -> None:
    response = client.post(
        ADMIN_LOGIN, {"username": "qt", "password": PASSWORD, "next": "/quan-tri/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert "_auth_user_id" not in client.session
    _no_way_in(client)


def test_admin_login_page_sends_to_the_site_sign_in_with_next(client: Client) -> None:
    response = client.get(ADMIN_LOGIN + "?next=/quan-tri/orgs/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fquan-tri%2Forgs%2F"
    # an outside next is dropped
    response = client.get(ADMIN_LOGIN + "?next=https://evil.example/")
    assert response["Location"] == reverse("account_login") + "?next=%2Fquan-tri%2F"


def test_admin_asks_for_the_code_then_opens(client: Client, it_admin: User) -> None:
    response = client.post(
        reverse("account_login"), {"login": "qt", "password": PASSWORD, "next": "/quan-tri/"}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/quan-tri/").status_code == 302  # not signed in yet
    code = pyotp.TOTP(TOTP_SECRET).now()
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get("/quan-tri/").status_code == 200


def test_official_session_without_second_factor_is_not_admin(
    client: Client, it_admin: User
) -> None:
    """A session that never passed the TOTP step (e.g. made by the old admin form)."""
    client.force_login(it_admin)
    response = client.get("/quan-tri/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    code = pyotp.TOTP(TOTP_SECRET).now()
    client.post(reverse("mfa_reauthenticate"), {"code": code})
    assert client.get("/quan-tri/").status_code == 200
