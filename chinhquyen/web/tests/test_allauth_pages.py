"""allauth pages use our layout, Bootstrap forms and Vietnamese text."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse

from chinhquyen.accounts.tests.factories import PASSWORD, make_user

from .html import Page

pytestmark = pytest.mark.django_db


def _assert_site_layout(html: str) -> Page:
    page = Page(html)
    assert page.find_all("html")[0]["lang"] == "vi"
    assert page.find_all("a", href="#noi-dung")
    assert page.find_all("main") and page.find_all("header") and page.find_all("footer")
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in html
    assert page.unlabelled_inputs() == []
    return page


def test_login_page(client: Client) -> None:
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    html = response.content.decode()
    page = _assert_site_layout(html)
    assert "<h1" in html and "Đăng nhập" in html
    assert "Mật khẩu" in html and "Ghi nhớ đăng nhập" in html
    assert "Quên mật khẩu?" in html
    assert "Sign In" not in html and "Password" not in html
    assert page.find_all("input", name="password")[0]["class"] == "form-control"
    assert page.find_all("button", type="submit")


def test_login_error_is_vietnamese(client: Client) -> None:
    user = make_user()
    response = client.post(
        reverse("account_login"), {"login": user.username, "password": "sai-mat-khau"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in html or "không đúng" in html
    assert 'role="alert"' in html


def test_signup_page(client: Client) -> None:
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    html = response.content.decode()
    _assert_site_layout(html)
    assert "Đăng ký" in html and "Nhập lại mật khẩu" in html
    assert "Sign Up" not in html


def test_signup_errors_are_shown_next_to_fields(client: Client) -> None:
    response = client.post(
        reverse("account_signup"),
        {"email": "khong-hop-le", "username": "", "password1": "1", "password2": "2"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    page = Page(html)
    invalid = [a for t, a in page.tags if a.get("aria-invalid") == "true"]
    assert len(invalid) >= 2
    error_ids = {a.get("id") for t, a in page.tags if "invalid-feedback" in (a.get("class") or "")}
    for attrs in invalid:
        assert "is-invalid" in (attrs.get("class") or "")
        described = set((attrs.get("aria-describedby") or "").split())
        assert described & error_ids, attrs


def _sign_in(client: Client, username: str) -> None:
    response = client.post(reverse("account_login"), {"login": username, "password": PASSWORD})
    assert response.status_code == 302


def test_mfa_activate_totp_page(client: Client) -> None:
    user = make_user()
    _sign_in(client, user.username)
    activate_url = reverse("mfa_activate_totp")
    response = client.get(activate_url)
    if response.status_code == 302:
        # allauth asks for the password again before a security change.
        reauth_url = response["Location"]
        assert reauth_url.startswith(reverse("account_reauthenticate"))
        reauth = client.get(reauth_url)
        assert reauth.status_code == 200
        reauth_html = reauth.content.decode()
        _assert_site_layout(reauth_html)
        assert "Xác nhận truy cập" in reauth_html and "Mật khẩu" in reauth_html
        done = client.post(reauth_url, {"password": PASSWORD})
        assert done.status_code == 302
        response = client.get(activate_url)
    assert response.status_code == 200
    html = response.content.decode()
    page = _assert_site_layout(html)
    assert "Bật ứng dụng xác thực" in html
    assert "Khóa bí mật của ứng dụng xác thực" in html
    qr = [a for t, a in page.tags if t == "img" and "qr-code" in (a.get("class") or "")]
    assert qr and (qr[0]["src"] or "").startswith("data:image/svg+xml")
    assert "Activate" not in html
    # The account menu of the "manage" layout marks the two-factor entry as current.
    current = page.find_all("a", aria_current="page")
    assert any(a.get("href") == reverse("mfa_index") for a in current)


def test_mfa_index_page(client: Client) -> None:
    user = make_user()
    _sign_in(client, user.username)
    response = client.get(reverse("mfa_index"))
    assert response.status_code == 200
    html = response.content.decode()
    _assert_site_layout(html)
    assert "Xác thực hai lớp" in html and "Chưa bật ứng dụng xác thực." in html


def test_two_factor_login_stage_page(client: Client) -> None:
    user = make_user()
    TOTP.activate(user, generate_totp_secret())
    response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.get(reverse("mfa_authenticate"))
    assert response.status_code == 200
    html = response.content.decode()
    page = _assert_site_layout(html)
    assert "Xác thực hai lớp" in html
    assert "Vui lòng nhập mã từ ứng dụng xác thực" in html
    assert page.find_all("input", name="code")
    assert "Hủy" in html  # cancel = sign out of the half-finished login
    assert "Two-Factor" not in html
