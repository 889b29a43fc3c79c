"""The landing page, the layouts and the error pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.template import loader
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from chinhquyen.web import views

from .html import Page

pytestmark = pytest.mark.django_db


def test_home_is_vietnamese_with_landmarks(client: Client) -> None:
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    html = response.content.decode()
    page = Page(html)
    assert page.find_all("html")[0]["lang"] == "vi"
    for landmark in ("header", "nav", "main", "footer"):
        assert page.find_all(landmark), f"missing <{landmark}>"
    main = page.find_all("main")[0]
    assert main["id"] == "noi-dung"
    skip = page.find_all("a", href="#noi-dung")
    assert skip and "Bỏ qua, đến nội dung chính" in html
    viewport = page.find_all("meta", name="viewport")
    assert viewport and "width=device-width" in (viewport[0]["content"] or "")
    assert settings.SITE_NAME in html and settings.PROVINCE_NAME in html
    assert "Bạn có thể dùng ngay hôm nay" in html
    # Only features that exist are linked: sign in / sign up and the calculator.
    assert page.find_all("a", href=reverse("account_login"))
    assert page.find_all("a", href=reverse("account_signup"))
    assert page.find_all("a", href=reverse("web:calendar"))
    # The current page is marked in the main navigation.
    current = page.find_all("a", aria_current="page")
    assert [a["href"] for a in current] == [reverse("web:home")]


def test_home_user_menu_for_signed_in_user_has_post_logout(client: Client) -> None:
    from chinhquyen.accounts.tests.factories import make_user

    user = make_user(full_name="Nguyễn Thị Hoa")
    client.force_login(user)
    html = client.get(reverse("web:home")).content.decode()
    page = Page(html)
    assert "Nguyễn Thị Hoa" in html
    logout_forms = page.find_all("form", action=reverse("account_logout"))
    assert logout_forms and logout_forms[0]["method"] == "post"
    assert page.find_all("a", href=reverse("mfa_index"))
    assert "csrfmiddlewaretoken" in html
    # A citizen gets no link to the officials' workspace.
    assert not page.find_all("a", href=reverse("web:workspace"))


def test_base_loads_vendored_assets_and_csrf_meta(client: Client) -> None:
    page = Page(client.get(reverse("web:home")).content.decode())
    scripts = [a["src"] for a in page.find_all("script")]
    styles = [a["href"] for t, a in page.tags if t == "link" and a.get("rel") == "stylesheet"]
    assert scripts == [
        "/static/vendor/bootstrap/js/bootstrap.bundle.min.js",
        "/static/vendor/htmx/htmx.min.js",
        "/static/js/app.js",
    ]
    assert styles == [
        "/static/vendor/bootstrap/css/bootstrap.min.css",
        "/static/vendor/bootstrap-icons/bootstrap-icons.min.css",
        "/static/css/fonts.css",
        "/static/css/app.css",
    ]
    csrf = page.find_all("meta", name="csrf-token")
    assert csrf and len(csrf[0]["content"] or "") >= 32
    htmx_config = page.find_all("meta", name="htmx-config")
    assert htmx_config
    import json

    config = json.loads(htmx_config[0]["content"] or "{}")
    assert config["includeIndicatorStyles"] is False  # htmx would inject a <style>
    assert config["allowEval"] is False


def test_admin_is_branded_and_loads_our_font(client: Client, db: None) -> None:
    # the admin has no sign-in form of its own (accounts/admin_site.py): its index page instead
    from chinhquyen.accounts.models import UserKind
    from chinhquyen.accounts.testing import force_login_with_mfa
    from chinhquyen.accounts.tests.factories import enable_totp, make_user

    admin = make_user(UserKind.OFFICIAL, username="qtbrand", is_staff=True, is_superuser=True)
    enable_totp(admin)
    force_login_with_mfa(client, admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Quản trị hệ thống Chính Quyền" in html
    assert "/static/css/fonts.css" in html and "/static/css/admin.css" in html
    assert 'lang="vi"' in html


# --- Error pages ---------------------------------------------------------------------------


@override_settings(DEBUG=False, ROOT_URLCONF="chinhquyen.web.tests.urls")
def test_404_page_is_vietnamese(client: Client) -> None:
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert "/khong-co-trang-nay/" in html
    assert f'href="{reverse("web:home")}"' in html
    assert '<html lang="vi">' in html


@override_settings(DEBUG=False, ROOT_URLCONF="chinhquyen.web.tests.urls")
def test_400_page_is_vietnamese(client: Client) -> None:
    response = client.get("/__test__/400/")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


@override_settings(DEBUG=False, ROOT_URLCONF="chinhquyen.web.tests.urls")
def test_403_page_is_vietnamese_and_offers_sign_in(client: Client) -> None:
    response = client.get("/__test__/403/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Bạn không có quyền truy cập trang này" in html
    assert reverse("account_login") in html


@override_settings(DEBUG=False, ROOT_URLCONF="chinhquyen.web.tests.urls")
def test_500_page_is_vietnamese() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/__test__/500/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Hệ thống đang gặp sự cố" in html
    assert settings.SITE_NAME in html


def test_500_template_renders_without_request_context() -> None:
    html = loader.get_template("errors/500.html").render({})
    assert "Hệ thống đang gặp sự cố" in html
    assert "Chính Quyền" in html  # the default name when no context is given
    assert '<html lang="vi">' in html


def test_server_error_handler_falls_back_when_the_template_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(name: str) -> object:
        raise RuntimeError("template storage unavailable")

    monkeypatch.setattr(views.loader, "get_template", broken)
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in response.content.decode()


def test_error_handlers_called_directly_return_their_status() -> None:
    request = RequestFactory().get("/mot-trang/")
    assert views.bad_request(request).status_code == 400
    assert views.permission_denied(request).status_code == 403
    response = views.page_not_found(request)
    assert response.status_code == 404
    assert "/mot-trang/" in response.content.decode()


def test_lockout_page_explains_in_vietnamese() -> None:
    request = RequestFactory().get("/tai-khoan/login/")
    html = loader.render_to_string(
        "errors/lockout.html",
        {"failure_limit": 5, "username": "cv_so", "cooloff_timedelta": dt.timedelta(minutes=30)},
        request=request,
    )
    assert "Tài khoản tạm thời bị khóa đăng nhập" in html
    assert "5 lần đăng nhập sai" in html
    assert "30 phút" in html
    assert "cv_so" in html


def test_pages_stay_vietnamese_for_an_english_browser(client: Client) -> None:
    html = client.get(
        reverse("account_login"), headers={"Accept-Language": "en-US,en;q=0.9"}
    ).content.decode()
    assert "Sign In" not in html
    assert "Mật khẩu" in html


def test_csrf_failure_page_is_vietnamese() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Biểu mẫu đã hết hạn, chưa gửi được" in html
    assert "tải lại trang" in html
