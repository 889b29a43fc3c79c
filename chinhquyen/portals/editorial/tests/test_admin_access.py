"""The Wagtail admin requires a signed-in official whose session passed TOTP."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from chinhquyen.dossiers.tests.factories import make_user

from .conftest import Portals

pytestmark = pytest.mark.django_db


def _target(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.status_code
    return urlsplit(response["Location"]).path


def test_an_editor_who_passed_totp_opens_the_admin(portals: Portals) -> None:
    response = portals.client("writer_x").get(reverse("wagtailadmin_home"))
    assert response.status_code == 200


def test_an_editor_signed_in_without_the_second_factor_must_enter_the_code(
    portals: Portals,
) -> None:
    client = Client()
    client.force_login(portals.users["approver_x"])  # password only: no TOTP step recorded
    home = reverse("wagtailadmin_home")
    response = client.get(home)
    assert _target(response) == reverse("mfa_reauthenticate")
    assert "next=" + quote(home, safe="") in response["Location"]
    edit = reverse("wagtailadmin_pages:edit", args=(portals.x.pk,))
    assert _target(client.post(edit, {"title": "x"})) == reverse("mfa_reauthenticate")


def test_an_editor_without_totp_is_sent_to_set_it_up(portals: Portals) -> None:
    user = portals.users["writer_x"]
    Authenticator.objects.filter(user=user).delete()
    client = Client()
    client.force_login(user)
    assert _target(client.get(reverse("wagtailadmin_home"))) == reverse("mfa_activate_totp")


def test_anonymous_visitors_go_to_the_sites_sign_in(portals: Portals) -> None:
    response = Client().get(reverse("wagtailadmin_home"))
    assert _target(response) == reverse("account_login")


def test_wagtails_own_sign_in_form_is_never_used(portals: Portals) -> None:
    client = Client()
    login = reverse("wagtailadmin_login")
    assert _target(client.get(login)) == reverse("account_login")
    user = portals.users["approver_x"]
    user.set_password("Mat-khau-dung-1")
    user.save()
    response = client.post(login, {"username": user.username, "password": "Mat-khau-dung-1"})
    assert _target(response) == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_citizens_are_refused(portals: Portals) -> None:
    client = Client()
    client.force_login(make_user(username="congdan_cms"))
    assert client.get(reverse("wagtailadmin_home")).status_code == 403
