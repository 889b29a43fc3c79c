"""The officer workspace: access rules and navigation per position."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from chinhquyen.accounts.models import Position, Role, UserKind
from chinhquyen.accounts.tests.factories import make_user
from chinhquyen.orgs.models import Organisation
from chinhquyen.web import navigation

from .conftest import official
from .html import Page

pytestmark = pytest.mark.django_db

EXPECTED_URL_NAMES = [
    "web:workspace",
    "orgs:directory",
    "catalog:list",
    "signing:verify",
    "orgs:tree",
    "accounts:officials",
    "accounts:api_clients",
    "audit:entries",
    "audit:security_events",
    "secops:dashboard",
    "admin:core_calendarday_changelist",
    "api-docs",
    "accounts:profile",
    "mfa_index",
]


def _reverses(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def _sidebar_hrefs(html: str) -> list[str]:
    """Links of the workspace side navigation (the <nav aria-label="Menu làm việc">)."""
    start = html.index('aria-label="Menu làm việc"')
    end = html.index("</nav>", start)
    return [a["href"] or "" for t, a in Page(html[start - 200 : end]).tags if t == "a"]


def test_navigation_registry_lists_the_agreed_entries() -> None:
    names = [item.url_name for item in navigation.NAV_ITEMS]
    # Later apps append their entries; the agreed ones stay, in this order.
    assert [n for n in names if n in EXPECTED_URL_NAMES] == EXPECTED_URL_NAMES
    labels = {item.url_name: item.label for item in navigation.NAV_ITEMS}
    assert labels["audit:entries"] == "Nhật ký hệ thống"
    assert labels["mfa_index"] == "Bảo mật hai lớp"
    roles = {item.url_name: item.roles for item in navigation.NAV_ITEMS}
    assert roles["web:workspace"] is None and roles["accounts:profile"] is None
    assert roles["audit:entries"] == {Role.IT_ADMIN}
    assert roles["accounts:officials"] == {Role.IT_ADMIN, Role.LEADER, Role.UNIT_HEAD}


def test_every_navigation_entry_reverses() -> None:
    """An entry whose URL does not exist would be hidden silently: the registry must be exact."""
    status = navigation.reversible_items()
    assert set(status) == {item.url_name for item in navigation.NAV_ITEMS}
    assert status == {name: _reverses(name) for name in status}
    assert sorted(name for name, ok in status.items() if not ok) == []


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    url = reverse("web:workspace")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_citizen_gets_the_vietnamese_403(client: Client) -> None:
    client.force_login(make_user(UserKind.CITIZEN))
    response = client.get(reverse("web:workspace"))
    assert response.status_code == 403
    assert "Bạn không có quyền truy cập trang này" in response.content.decode()


def test_specialist_sees_only_entries_for_any_official(
    client: Client, department: Organisation
) -> None:
    user = official(department, Role.SPECIALIST, full_name="Trần Văn Bình")
    client.force_login(user)
    response = client.get(reverse("web:workspace"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Xin chào, Trần Văn Bình" in html
    assert "Sở Tư pháp Thử nghiệm" in html and "Chuyên viên" in html
    hrefs = _sidebar_hrefs(html)
    assert reverse("web:workspace") in hrefs
    assert reverse("mfa_index") in hrefs
    assert "Nhật ký hệ thống" not in html
    assert "Tài liệu API" not in html
    for item in navigation.NAV_ITEMS:
        url = item.url()
        if url is None:
            assert item.label not in html
        elif item.allows([Role.SPECIALIST]):
            assert url in hrefs, item.url_name
        else:
            assert url not in hrefs, item.url_name
    # The current page is marked for assistive technology.
    page = Page(html)
    assert [a["href"] for a in page.find_all("a", aria_current="page")] == [
        reverse("web:workspace"),
        reverse("web:workspace"),
    ]


def test_it_admin_sees_administration_entries(client: Client, province: Organisation) -> None:
    user = official(province, Role.IT_ADMIN)
    client.force_login(user)
    html = client.get(reverse("web:workspace")).content.decode()
    hrefs = _sidebar_hrefs(html)
    assert "Nhật ký hệ thống" in html
    assert reverse("audit:entries") in hrefs
    assert reverse("api-docs") in hrefs
    for item in navigation.NAV_ITEMS:
        url = item.url()
        if url is not None:
            assert (url in hrefs) == item.allows([Role.IT_ADMIN]), item.url_name
    # Administration entries sit under the position's own section.
    assert "Quản trị hệ thống — UBND tỉnh Thử nghiệm" in html


def test_unit_head_sees_officials_but_not_audit(client: Client, department: Organisation) -> None:
    user = official(department, Role.UNIT_HEAD)
    client.force_login(user)
    html = client.get(reverse("web:workspace")).content.decode()
    hrefs = _sidebar_hrefs(html)
    if _reverses("accounts:officials"):
        assert reverse("accounts:officials") in hrefs
    assert reverse("audit:entries") not in hrefs
    assert reverse("api-docs") not in hrefs


def test_official_without_position_is_told_what_to_do(
    client: Client, department: Organisation
) -> None:
    user = official(department, Role.SPECIALIST)
    Position.objects.filter(user=user).delete()
    client.force_login(user)
    response = client.get(reverse("web:workspace"))
    assert response.status_code == 200
    assert "chưa được gán vị trí công tác nào" in response.content.decode()


def test_sections_list_each_entry_once_across_positions(
    province: Organisation, department: Organisation
) -> None:
    user = official(province, Role.IT_ADMIN)
    Position.objects.create(user=user, unit=department, role=Role.IT_ADMIN)
    Position.objects.create(user=user, unit=department, role=Role.LEADER)
    positions = list(Position.objects.filter(user=user).select_related("unit").order_by("pk"))
    sections = navigation.workspace_sections(positions, path=reverse("api-docs"))
    urls = [link.url for section in sections for link in section.links]
    assert len(urls) == len(set(urls))
    assert sections[0].title == "Chung"
    assert sections[1].position == positions[0]
    current = [link.url for section in sections for link in section.links if link.current]
    assert current == [reverse("api-docs")]


def test_items_whose_url_does_not_reverse_are_left_out() -> None:
    items = [
        navigation.NavItem("Có", "web:workspace", "house"),
        navigation.NavItem("Chưa có", "khong:ton_tai", "x"),
        navigation.NavItem("Chỉ quản trị", "web:home", "x", frozenset({Role.IT_ADMIN.value})),
    ]
    assert [i.label for i in navigation.visible_items(set(), items=items)] == ["Có"]
    assert [i.label for i in navigation.visible_items({Role.IT_ADMIN}, items=items)] == [
        "Có",
        "Chỉ quản trị",
    ]
    assert navigation.reversible_items(items) == {
        "web:workspace": True,
        "khong:ton_tai": False,
        "web:home": True,
    }


# --- Issue #10 item 8: the officer home shows counters; officials land on their work ---------


def test_officer_home_counts_the_work_waiting(client: Client, department: Organisation) -> None:
    from chinhquyen.documents import services as documents
    from chinhquyen.documents.models import IssuerProfile
    from chinhquyen.documents.tests.helpers import doc_type

    IssuerProfile.objects.create(organisation=department, abbreviation="STP")
    clerk = official(department, Role.CLERK)
    leader = official(department, Role.LEADER)
    for n in range(2):
        document = documents.incoming_register(
            actor=clerk,
            organisation=department,
            summary=f"Về việc thử nghiệm số {n}",
            sender_name="Sở Xây dựng",
            number_notation=f"0{n}/SXD",
            document_type=doc_type(),
        )
        documents.incoming_submit(actor=clerk, document=document, leader=leader)
    client.force_login(leader)
    html = client.get(reverse("web:workspace")).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Việc cần làm" in text
    assert "2 Văn bản trình tôi chỉ đạo" in text
    assert "Hồ sơ một cửa đang xử lý" in text


def test_officials_land_on_their_work_after_signing_in(rf, department: Organisation) -> None:
    from chinhquyen.accounts.adapters import AccountAdapter

    request = rf.get("/")
    request.user = official(department, Role.UNIT_HEAD)
    assert AccountAdapter(request).get_login_redirect_url(request) == reverse("web:workspace")
    request.user = make_user(UserKind.CITIZEN)
    assert AccountAdapter(request).get_login_redirect_url(request) == reverse("web:home")
