import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chinhquyen.accounts.models import Role
from chinhquyen.accounts.tests.factories import make_user
from chinhquyen.orgs.models import Organisation
from chinhquyen.orgs.services import organisation_update

from .factories import make_org
from .users import official

pytestmark = pytest.mark.django_db

MANAGEMENT = ["orgs:tree", "orgs:create", "orgs:merge", "orgs:import", "orgs:export"]
MANAGEMENT_PK = ["orgs:edit", "orgs:move", "orgs:close"]


def management_urls(tree) -> list[str]:
    return [reverse(n) for n in MANAGEMENT] + [
        reverse(n, args=[tree.own.pk]) for n in MANAGEMENT_PK
    ]


def test_url_names():
    assert reverse("orgs:directory") == "/co-quan/"
    assert reverse("orgs:tree") == "/co-quan/quan-ly/"
    assert reverse("orgs:create") == "/co-quan/quan-ly/them/"
    assert reverse("orgs:edit", args=[3]) == "/co-quan/quan-ly/3/sua/"
    assert reverse("orgs:import") == "/co-quan/quan-ly/nhap/"
    assert reverse("orgs:export") == "/co-quan/quan-ly/xuat/"


# --- public directory ------------------------------------------------------------------------


def test_directory_is_public_and_shows_the_top_of_the_tree(client, tree):
    response = client.get(reverse("orgs:directory"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="h2 mb-3">Danh bạ cơ quan</h1>' in html
    assert "UBND tỉnh Thử Nghiệm" in html and "Sở Tư pháp" in html
    assert "Phòng Hành chính tư pháp" not in html  # deeper levels are on detail pages
    assert 'role="search"' in html
    assert 'for="id_q"' in html  # labelled search box
    assert " style=" not in html and "<script>" not in html


def test_directory_search_is_accent_insensitive(client, tree):
    response = client.get(reverse("orgs:directory"), {"q": "phong bo tro"})
    html = response.content.decode()
    assert "Tìm thấy 1 cơ quan, đơn vị" in html
    assert "Phòng Bổ trợ tư pháp" in html
    assert "Phòng Hành chính tư pháp" not in html
    response = client.get(reverse("orgs:directory"), {"q": "khong co"})
    assert "Không tìm thấy cơ quan, đơn vị nào" in response.content.decode()


def test_directory_hides_closed_units(client, tree):
    organisation_update(actor=None, org=tree.sibling, data={"valid_to": dt.date(2020, 1, 1)})
    response = client.get(reverse("orgs:directory"), {"q": "phong"})
    assert "Phòng Bổ trợ tư pháp" not in response.content.decode()


def test_detail_page(client, tree):
    response = client.get(reverse("orgs:detail", args=[tree.own.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Phòng Hành chính tư pháp" in html
    assert "Tổ Hộ tịch" in html  # children
    assert 'aria-current="page"' in html
    assert reverse("orgs:edit", args=[tree.own.pk]) not in html  # anonymous cannot manage


# --- management: who gets in -----------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, tree):
    for url in management_urls(tree):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url
        assert "next=" in response["Location"]


@pytest.mark.parametrize(
    "role", [r.value for r in Role if r not in (Role.IT_ADMIN, Role.API_CLIENT)]
)
def test_officials_without_it_admin_role_get_403(client, tree, role):
    client.force_login(official(tree.root, role))
    for url in management_urls(tree):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("orgs:create"), {"name": "X", "kind": "unit", "parent": tree.own.pk}
    )
    assert response.status_code == 403
    assert not Organisation.objects.filter(name="X").exists()


def test_citizen_gets_403(client, tree):
    client.force_login(make_user())
    for url in management_urls(tree):
        assert client.get(url).status_code == 403, url


def test_it_admin_sees_only_his_scope(client, tree):
    client.force_login(official(tree.own, Role.IT_ADMIN))
    response = client.get(reverse("orgs:tree"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Phòng Hành chính tư pháp" in html and "Nhóm Chứng thực" in html
    assert "Phòng Bổ trợ tư pháp" not in html and "Sở Xây dựng" not in html
    assert "Thêm cơ quan cấp cao nhất" not in html
    assert " style=" not in html
    for name in MANAGEMENT_PK:
        assert client.get(reverse(name, args=[tree.child.pk])).status_code == 200
        assert client.get(reverse(name, args=[tree.sibling.pk])).status_code == 403
        assert client.get(reverse(name, args=[tree.parent.pk])).status_code == 403


# --- management: forms -----------------------------------------------------------------------


@pytest.fixture
def admin_client(client, tree):
    client.force_login(official(tree.own, Role.IT_ADMIN))
    return client


def test_create_form(admin_client, tree):
    url = reverse("orgs:create")
    page = admin_client.get(url, {"parent": tree.child.pk}).content.decode()
    assert 'for="id_name"' in page and "Tên cơ quan, đơn vị" in page
    assert f'<option value="{tree.child.pk}" selected>' in page
    assert f'value="{tree.sibling.pk}"' not in page  # out of scope: not offered

    response = admin_client.post(
        url,
        {
            "name": "Tổ Chứng thực",
            "kind": "unit",
            "parent": tree.child.pk,
            "agency_code": "000.01.99.H99",
        },
    )
    assert response.status_code == 302
    created = Organisation.objects.get(name="Tổ Chứng thực")
    assert created.path == f"{tree.child.path}{created.pk}/"

    # Vietnamese errors on the form, nothing saved
    response = admin_client.post(
        url, {"name": "", "kind": "unit", "parent": tree.sibling.pk, "agency_code": "000.01.99.h99"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mã định danh không hợp lệ" in html
    assert "is-invalid" in html
    assert 'aria-invalid="true"' in html
    assert Organisation.objects.filter(agency_code="000.01.99.h99").count() == 0

    # a duplicate agency code is reported by the service on the form
    response = admin_client.post(
        url,
        {"name": "Trùng", "kind": "unit", "parent": tree.own.pk, "agency_code": "000.01.99.H99"},
    )
    assert "Mã định danh này đã được dùng" in response.content.decode()


def test_edit_own_unit_keeps_out_of_scope_parent(admin_client, tree):
    url = reverse("orgs:edit", args=[tree.own.pk])
    response = admin_client.post(
        url,
        {
            "name": "Phòng Hộ tịch",
            "kind": "unit",
            "parent": tree.parent.pk,
            "agency_code": tree.own.agency_code,
        },
    )
    assert response.status_code == 302
    own = Organisation.objects.get(pk=tree.own.pk)
    assert own.name == "Phòng Hộ tịch" and own.parent_id == tree.parent.pk


def test_move_and_close_forms(admin_client, tree):
    leaf = make_org("Tổ tạm", parent=tree.own, kind="unit")
    response = admin_client.post(
        reverse("orgs:move", args=[leaf.pk]), {"parent": tree.grandchild.pk}
    )
    assert response.status_code == 302
    assert Organisation.objects.get(pk=leaf.pk).parent_id == tree.grandchild.pk

    # moving into its own subtree is not even offered
    response = admin_client.post(
        reverse("orgs:move", args=[tree.child.pk]), {"parent": tree.grandchild.pk}
    )
    assert response.status_code == 200
    assert Organisation.objects.get(pk=tree.child.pk).parent_id == tree.own.pk

    response = admin_client.post(
        reverse("orgs:close", args=[tree.child.pk]), {"valid_to": "2025-06-30"}
    )
    assert response.status_code == 302
    assert str(Organisation.objects.get(pk=tree.grandchild.pk).valid_to) == "2025-06-30"
    tree_page = admin_client.get(reverse("orgs:tree")).content.decode()
    assert "Nhóm Chứng thực" not in tree_page  # closed with its parent: hidden by default
    tree_page = admin_client.get(reverse("orgs:tree"), {"hien-thi": "tat-ca"}).content.decode()
    assert "Hết hiệu lực 30/06/2025" in tree_page and "Nhóm Chứng thực" in tree_page


def test_merge_form(admin_client, tree):
    a = make_org("Tổ A", parent=tree.own, kind="unit")
    b = make_org("Tổ B", parent=tree.own, kind="unit")
    response = admin_client.post(
        reverse("orgs:merge"),
        {"predecessors": [a.pk], "successor": b.pk, "effective_date": "2025-07-01"},
    )
    assert response.status_code == 302
    assert list(b.predecessors.all()) == [a]


def test_import_page_shows_row_errors(admin_client, tree):
    bad = io.BytesIO(
        f"ma_dinh_danh,ten,loai,ma_don_vi_cap_tren\n000.01.66.H99,Tốt,unit,{tree.own.agency_code}\n"
        "sai,Xấu,unit,\n".encode()
    )
    bad.name = "x.csv"
    response = admin_client.post(reverse("orgs:import"), {"file": bad})
    assert response.status_code == 200
    html = response.content.decode()
    assert "chưa có dữ liệu nào được lưu" in html
    assert "Dòng 3: mã định danh “sai” không hợp lệ" in html
    assert not Organisation.objects.filter(agency_code="000.01.66.H99").exists()

    good = io.BytesIO(
        f"ma_dinh_danh,ten,loai,ma_don_vi_cap_tren\n000.01.66.H99,Tốt,unit,{tree.own.agency_code}\n".encode()
    )
    good.name = "y.csv"
    response = admin_client.post(reverse("orgs:import"), {"file": good})
    assert response.status_code == 302
    assert Organisation.objects.get(agency_code="000.01.66.H99").parent_id == tree.own.pk


def test_export_download(admin_client, tree):
    response = admin_client.get(reverse("orgs:export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {r[1] for r in rows[1:]} == {"Phòng Hành chính tư pháp", "Tổ Hộ tịch", "Nhóm Chứng thực"}
