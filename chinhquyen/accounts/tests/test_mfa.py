"""Two-factor authentication: mandatory TOTP for officials, codes at sign-in, recovery codes."""

from __future__ import annotations

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from chinhquyen.accounts import services
from chinhquyen.accounts.middleware import MFA_REQUIRED_MESSAGE
from chinhquyen.accounts.models import Role, User
from chinhquyen.accounts.tests.conftest import Tree
from chinhquyen.accounts.tests.factories import PASSWORD, TOTP_SECRET, make_official

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def _login(client: Client, login: str, password: str = PASSWORD) -> object:
    return client.post(reverse("account_login"), {"login": login, "password": password})


def _authenticated_username(client: Client) -> str | None:
    response = client.get(ME)
    if response.status_code != 200:
        return None
    return str(response.json()["username"])


def test_official_without_totp_is_sent_to_activation_on_html_pages(
    client: Client, tree: Tree
) -> None:
    official = make_official(tree.unit, Role.SPECIALIST)
    client.force_login(official)
    activate = reverse("mfa_activate_totp")
    for path in ("/", reverse("accounts:profile"), reverse("accounts:officials"), "/quan-tri/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(activate), path
    # force_login records no sign-in time, so allauth asks for the password again first:
    # the re-authentication page must not be redirected either.
    response = client.get(activate)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert _authenticated_username(client) is None


def test_official_without_totp_gets_structured_403_on_the_api(client: Client, tree: Tree) -> None:
    client.force_login(make_official(tree.unit, Role.SPECIALIST))
    response = client.get(ME)
    assert response.status_code == 403
    assert response.json() == {"error": {"code": "mfa_required", "message": MFA_REQUIRED_MESSAGE}}
    assert client.get("/api/v1/officials/").status_code == 403


def test_a_bearer_header_does_not_skip_the_totp_set_up_of_a_session(
    client: Client, tree: Tree
) -> None:
    """Security finding #9, point 3: the header's presence used to exempt the session."""
    client.force_login(make_official(tree.unit, Role.SPECIALIST))
    for header in ("Bearer x", "bearer cq_not-a-token"):
        response = client.get(reverse("accounts:profile"), HTTP_AUTHORIZATION=header)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa_activate_totp"))
        response = client.get(ME, HTTP_AUTHORIZATION=header)
        assert response.status_code in (401, 403)


def test_bearer_token_clients_and_other_kinds_are_not_affected(
    client: Client, tree: Tree, citizen: User
) -> None:
    api_client = services.api_client_create(actor=None, name="LGSP", unit=tree.dept)
    _token, raw = services.api_token_issue(actor=None, user=api_client, name="k")
    response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["kind"] == "api_client"
    client.force_login(citizen)
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.get(ME).status_code == 200


def test_official_with_totp_must_enter_the_code_at_sign_in(client: Client, tree: Tree) -> None:
    make_official(tree.unit, Role.SPECIALIST, totp=True, username="cvtotp")
    response = _login(client, "cvtotp")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert _authenticated_username(client) is None  # the password alone is not enough

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "Mã xác thực không đúng." in response.content.decode()
    assert _authenticated_username(client) is None

    code = pyotp.TOTP(TOTP_SECRET).now()
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert _authenticated_username(client) == "cvtotp"


def test_official_activates_totp_then_a_recovery_code_works_once(
    client: Client, tree: Tree
) -> None:
    official = make_official(tree.unit, Role.SPECIALIST, username="cvmoi")
    assert _login(client, "cvmoi").status_code == 302
    assert client.get("/")["Location"].startswith(reverse("mfa_activate_totp"))

    # allauth asks for the password again before a two-factor change (re-authentication).
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=official, type="totp").exists()
    codes = (
        Authenticator.objects.get(user=official, type="recovery_codes").wrap().get_unused_codes()
    )
    assert len(codes) == 10
    assert client.get("/").status_code == 200  # no longer redirected

    client.post(reverse("account_logout"))
    assert _login(client, "cvmoi")["Location"] == reverse("mfa_authenticate")
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert _authenticated_username(client) == "cvmoi"

    client.post(reverse("account_logout"))
    _login(client, "cvmoi")
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 200  # a recovery code works only once
    assert _authenticated_username(client) is None
    assert client.post(reverse("mfa_authenticate"), {"code": codes[1]}).status_code == 302
    assert _authenticated_username(client) == "cvmoi"


def test_officials_cannot_deactivate_totp(client: Client, tree: Tree) -> None:
    official = make_official(tree.unit, Role.SPECIALIST, totp=True)
    client.force_login(official)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert "không thể tắt" in response.content.decode()
    assert Authenticator.objects.filter(user=official, type="totp").exists()


def test_citizens_may_use_but_are_not_forced_to_use_totp(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    assert client.get("/").status_code == 200
    assert client.get(ME).json()["mfa_enabled"] is False
