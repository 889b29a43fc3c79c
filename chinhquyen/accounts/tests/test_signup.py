"""Self-service sign-up (allauth) for citizens and businesses; officials cannot sign up."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.accounts.models import User, UserKind

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-rat-manh-2026"


def _signup(client: Client, **overrides: str) -> object:
    data = {
        "kind": "citizen",
        "full_name": "Nguyễn Thị Hồng",
        "citizen_id": "037190004567",
        "tax_code": "",
        "organisation_name": "",
        "phone": "0912345678",
        "email": "hong@example.vn",
        "username": "nguyenthihong",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return client.post(reverse("account_signup"), data)


def test_signup_page_offers_only_citizen_and_business(client: Client) -> None:
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="citizen"' in body and 'value="business"' in body
    assert 'value="official"' not in body
    assert "Số CCCD" in body
    assert "Thư điện tử" in body and "Tên đăng nhập" in body and "Nhập lại mật khẩu" in body


def test_citizen_with_valid_cccd_is_created_and_signed_in(client: Client) -> None:
    response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(username="nguyenthihong")
    assert user.kind == UserKind.CITIZEN
    assert user.citizen_id == "037190004567"
    assert user.full_name == "Nguyễn Thị Hồng"
    assert user.phone == "0912345678"
    assert user.check_password(PASSWORD)
    assert user.emailaddress_set.get().email == "hong@example.vn"
    assert client.get(reverse("accounts_api:me")).json()["kind"] == "citizen"


@pytest.mark.parametrize(
    ("cccd", "message"),
    [
        ("12345", "Số CCCD phải gồm đúng 12 chữ số."),
        ("099190004567", "ba chữ số đầu"),
        ("", "Công dân cần nhập số CCCD (12 chữ số)."),
    ],
)
def test_citizen_with_invalid_cccd_is_rejected_in_vietnamese(
    client: Client, cccd: str, message: str
) -> None:
    response = _signup(client, citizen_id=cccd)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username="nguyenthihong").exists()


def test_a_registered_cccd_gets_the_same_answer_and_its_owner_is_told(
    client: Client, citizen: User, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    """Security finding #9, points 2 and 7: sign-up neither tells that a CCCD is registered
    nor proves it; the new account's CCCD is unverified and the holder gets an e-mail."""
    fresh = _signup(Client(), username="nguoimoi", email="moi@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        taken = _signup(client, citizen_id=citizen.citizen_id)
    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    user = User.objects.get(username="nguyenthihong")
    assert user.citizen_id == citizen.citizen_id and not user.citizen_id_verified
    notices = [m.to for m in mailoutbox if "CCCD" in m.subject]
    assert notices == [[citizen.email]]


def test_business_signup_requires_valid_tax_code_and_name(client: Client) -> None:
    response = _signup(client, kind="business", citizen_id="", tax_code="12AB")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Mã số thuế phải gồm 10 chữ số" in body
    assert "Vui lòng nhập tên tổ chức, doanh nghiệp." in body
    response = _signup(
        client,
        kind="business",
        citizen_id="",
        tax_code="2700123456",
        organisation_name="Công ty TNHH Hồng Phát",
    )
    assert response.status_code == 302
    user = User.objects.get(username="nguyenthihong")
    assert (user.kind, user.tax_code, user.citizen_id) == (UserKind.BUSINESS, "2700123456", "")
    assert user.organisation_name == "Công ty TNHH Hồng Phát"


def test_nobody_can_sign_up_as_official(client: Client) -> None:
    response = _signup(client, kind="official")
    assert response.status_code == 200
    assert not User.objects.filter(username="nguyenthihong").exists()
    response = _signup(client, kind="api_client")
    assert not User.objects.filter(username="nguyenthihong").exists()


def test_signup_can_be_closed(client: Client, settings: object) -> None:
    settings.ACCOUNT_ALLOW_SIGNUP = False  # type: ignore[attr-defined]
    response = _signup(client)
    assert not User.objects.filter(username="nguyenthihong").exists()
    assert response.status_code == 200
