"""HTML pages of accounts: profile, officials list and forms, API clients."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from chinhquyen.accounts.models import ApiToken, Position, Role, User
from chinhquyen.accounts.tests.conftest import Tree
from chinhquyen.accounts.tests.factories import make_official

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _no_inline_script_or_style(body: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
    assert " style=" not in body


def test_profile_shows_positions_and_links_to_mfa(tree: Tree) -> None:
    official = make_official(tree.unit, Role.UNIT_HEAD, totp=True, full_name="Nguyễn Thị Lan")
    body = _client(official).get(reverse("accounts:profile")).content.decode()
    assert "Nguyễn Thị Lan" in body and "Lãnh đạo phòng" in body and tree.unit.name in body
    assert reverse("mfa_index") in body
    assert "Đã bật" in body
    _no_inline_script_or_style(body)


def test_officials_page_searches_without_accents(tree: Tree, dept_admin: User) -> None:
    make_official(tree.unit, Role.SPECIALIST, full_name="Đặng Thị Hương")
    make_official(tree.unit, Role.SPECIALIST, full_name="Lê Văn Tám")
    client = _client(dept_admin)
    body = client.get(reverse("accounts:officials"), {"q": "dang thi huong"}).content.decode()
    assert "Đặng Thị Hương" in body and "Lê Văn Tám" not in body
    assert 'for="q"' in body
    _no_inline_script_or_style(body)


def test_it_admin_creates_an_official_through_the_form(tree: Tree, dept_admin: User) -> None:
    client = _client(dept_admin)
    page = client.get(reverse("accounts:official_create")).content.decode()
    assert tree.unit.name in page and tree.dept2.name not in page  # only units in scope
    _no_inline_script_or_style(page)
    response = client.post(
        reverse("accounts:official_create"),
        {
            "username": "vuthih",
            "full_name": "Vũ Thị Hà",
            "email": "ha@example.vn",
            "phone": "",
            "password": "",
            "unit": tree.unit.pk,
            "role": "clerk",
            "title": "Văn thư",
        },
    )
    official = User.objects.get(username="vuthih")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:official_edit", args=[official.pk])
    assert official.positions.get().role == Role.CLERK


def test_official_create_form_shows_service_errors(tree: Tree, dept_admin: User) -> None:
    response = _client(dept_admin).post(
        reverse("accounts:official_create"),
        {
            "username": "qtv.so",
            "full_name": "Trùng tên",
            "email": "khac@example.vn",
            "unit": tree.unit.pk,
            "role": "clerk",
        },
    )
    assert response.status_code == 200
    assert "Tên đăng nhập này đã được sử dụng." in response.content.decode()


def test_edit_assign_and_end_positions(tree: Tree, dept_admin: User) -> None:
    official = make_official(tree.unit, Role.SPECIALIST)
    client = _client(dept_admin)
    response = client.post(
        reverse("accounts:official_edit", args=[official.pk]),
        {"full_name": "Tên Đã Sửa", "email": "sua@example.vn", "phone": "0912345678"},
    )
    assert response.status_code == 302
    official.refresh_from_db()
    assert (official.full_name, official.email) == ("Tên Đã Sửa", "sua@example.vn")

    response = client.post(
        reverse("accounts:position_assign", args=[official.pk]),
        {"unit": tree.team.pk, "role": "unit_head", "is_acting": "on", "title": "Q. Tổ trưởng"},
    )
    assert response.status_code == 302
    position = Position.objects.get(user=official, unit=tree.team)
    assert position.is_acting

    response = client.post(
        reverse("accounts:position_assign", args=[official.pk]),
        {"unit": tree.team.pk, "role": "unit_head"},
    )
    assert response.status_code == 200
    assert "trong khoảng thời gian đã chọn" in response.content.decode()

    response = client.post(
        reverse("accounts:position_end", args=[position.pk]), {"on": "2020-01-01"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Ngày kết thúc phải từ ngày bắt đầu trở đi." not in page  # no start date: accepted
    position.refresh_from_db()
    assert str(position.valid_to) == "2020-01-01"


def test_api_clients_page_issues_a_token_shown_once(tree: Tree, dept_admin: User) -> None:
    client = _client(dept_admin)
    response = client.post(
        reverse("accounts:api_clients"),
        {"action": "create", "name": "Cổng dịch vụ công tỉnh", "unit": tree.dept.pk},
    )
    assert response.status_code == 302
    api_client = User.objects.get(kind="api_client")
    response = client.post(
        reverse("accounts:api_token_issue", args=[api_client.pk]), {"name": "sản xuất"}
    )
    body = response.content.decode()
    token = ApiToken.objects.get(user=api_client)
    raw = re.search(r'value="(cq_[^"]+)"', body)
    assert raw is not None and raw.group(1).startswith(token.prefix)
    _no_inline_script_or_style(body)
    listing = client.get(reverse("accounts:api_clients")).content.decode()
    assert raw.group(1) not in listing and f"{token.prefix}…" in listing
    response = client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_mfa_reset_and_deactivate_buttons(tree: Tree, dept_admin: User) -> None:
    official = make_official(tree.unit, Role.SPECIALIST, totp=True)
    client = _client(dept_admin)
    page = client.get(reverse("accounts:official_edit", args=[official.pk])).content.decode()
    assert "Đặt lại xác thực hai lớp" in page
    client.post(reverse("accounts:official_mfa_reset", args=[official.pk]))
    assert not official.authenticator_set.exists()
    client.post(reverse("accounts:official_deactivate", args=[official.pk]))
    official.refresh_from_db()
    assert official.is_active is False
