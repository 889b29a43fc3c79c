import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from chinhquyen.accounts.models import Role
from chinhquyen.orgs.models import Organisation
from chinhquyen.orgs.services import organisation_merge, organisation_update

from .factories import make_org
from .users import official as make_official

pytestmark = pytest.mark.django_db

LIST = "/api/v1/organisations/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def admin_api(tree):
    client = APIClient()
    client.force_login(make_official(tree.root, Role.IT_ADMIN))
    return client


def test_url_names():
    assert reverse("orgs_api:list") == LIST
    assert reverse("orgs_api:detail", args=[5]) == "/api/v1/organisations/5/"
    assert reverse("orgs_api:by-code", args=["000.00.01.H56"]) == (
        "/api/v1/organisations/by-code/000.00.01.H56/"
    )
    assert reverse("orgs_api:move", args=[5]) == "/api/v1/organisations/5/move/"
    assert reverse("orgs_api:merge") == "/api/v1/organisations/merge/"
    assert reverse("orgs_api:import") == "/api/v1/organisations/import/"
    assert reverse("orgs_api:export") == "/api/v1/organisations/export/"


def test_public_list_shape_and_active_default(api, tree):
    organisation_update(actor=None, org=tree.sibling, data={"valid_to": dt.date(2020, 1, 1)})
    response = api.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 7  # the closed sibling is hidden by default
    names = [r["name"] for r in body["results"]]
    assert "Phòng Bổ trợ tư pháp" not in names
    first = body["results"][0]
    assert first["name"] == "UBND tỉnh Thử Nghiệm"
    assert first["parent"] is None
    own = next(r for r in body["results"] if r["id"] == tree.own.pk)
    assert own["parent"] == {
        "id": tree.parent.pk,
        "name": "Sở Tư pháp",
        "short_name": "",
        "kind": "department",
        "kind_label": "Sở, ban, ngành",
        "agency_code": tree.parent.agency_code,
    }
    assert own["kind_label"] == "Phòng, đơn vị trực thuộc"
    assert own["is_active"] is True
    old = api.get(LIST, {"active_on": "2019-12-31"}).json()
    assert "Phòng Bổ trợ tư pháp" in [r["name"] for r in old["results"]]


def test_public_list_filters(api, tree):
    body = api.get(LIST, {"q": "so tu phap"}).json()
    assert [r["name"] for r in body["results"]] == ["Sở Tư pháp"]
    body = api.get(LIST, {"parent": tree.parent.pk}).json()
    assert {r["id"] for r in body["results"]} == {tree.own.pk, tree.sibling.pk}
    body = api.get(LIST, {"kind": "department"}).json()
    assert body["count"] == 2
    body = api.get(LIST, {"limit": 3, "offset": 3}).json()
    assert len(body["results"]) == 3 and body["count"] == 8
    assert body["next"] and body["previous"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "ban"}, "kind"),
        ({"active_on": "31/02/2025"}, "active_on"),
        ({"parent": "x"}, "parent"),
    ],
)
def test_public_list_bad_filters_are_400(api, tree, params, field):
    response = api.get(LIST, params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "validation_error"
    assert field in body["error"]["fields"]


def test_public_list_query_count_is_constant(api, tree, django_assert_num_queries):
    for n in range(20):
        make_org(f"Phòng số {n}", parent=tree.branch, kind="unit")
    # one COUNT, one page (parents joined) — whatever the page size
    with django_assert_num_queries(2):
        response = api.get(LIST, {"limit": 50})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 28
    with django_assert_num_queries(2):
        api.get(LIST, {"q": "phong so", "limit": 5})


def test_detail_and_by_code(api, tree):
    old = make_org("Phòng cũ", parent=tree.root, kind="unit")
    organisation_merge(
        actor=None, predecessors=[old], successor=tree.own, effective_date=dt.date(2025, 7, 1)
    )
    organisation_update(actor=None, org=tree.child, data={"valid_to": dt.date(2020, 1, 1)})
    leaf = make_org("Tổ mới", parent=tree.own, kind="unit")
    body = api.get(f"{LIST}{tree.own.pk}/").json()
    assert body["id"] == tree.own.pk
    assert body["parent"]["id"] == tree.parent.pk
    assert [c["id"] for c in body["children"]] == [leaf.pk]  # the closed child is hidden
    assert [p["id"] for p in body["predecessors"]] == [old.pk]
    assert body["predecessors"][0]["valid_to"] == "2025-06-30"
    assert body["successors"] == []
    old_body = api.get(f"{LIST}by-code/{old.agency_code}/").json()
    assert [s["id"] for s in old_body["successors"]] == [tree.own.pk]
    assert old_body["is_active"] is False
    assert api.get(f"{LIST}by-code/000.00.00.X00/").status_code == 404
    missing = api.get(f"{LIST}999999/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_create_update_move_merge(admin_api, tree):
    response = admin_api.post(
        LIST,
        {
            "name": "Phòng Công chứng",
            "kind": "unit",
            "parent": tree.own.pk,
            "agency_code": "000.09.09.H99",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = Organisation.objects.get(pk=response.json()["id"])
    assert created.path == f"{tree.own.path}{created.pk}/"
    assert response.json()["parent"]["id"] == tree.own.pk

    response = admin_api.patch(
        f"{LIST}{created.pk}/",
        {"name": "Phòng Công chứng số 1", "phone": "0229 3871 234"},
        format="json",
    )
    assert response.status_code == 200
    assert Organisation.objects.get(pk=created.pk).name == "Phòng Công chứng số 1"

    response = admin_api.post(
        f"{LIST}{tree.own.pk}/move/", {"parent": tree.branch.pk}, format="json"
    )
    assert response.status_code == 200
    assert Organisation.objects.get(pk=created.pk).path.startswith(
        Organisation.objects.get(pk=tree.own.pk).path
    )
    assert response.json()["parent"]["id"] == tree.branch.pk

    response = admin_api.post(
        f"{LIST}merge/",
        {
            "predecessors": [tree.sibling.pk],
            "successor": tree.other.pk,
            "effective_date": "2025-07-01",
        },
        format="json",
    )
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["predecessors"]] == [tree.sibling.pk]
    assert Organisation.objects.get(pk=tree.sibling.pk).valid_to == dt.date(2025, 6, 30)


def test_invalid_writes_are_structured_400(admin_api, tree):
    response = admin_api.post(LIST, {"name": "", "kind": "x", "agency_code": "abc"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) >= {"name", "kind", "agency_code"}
    assert error["fields"]["agency_code"][0].startswith("Mã định danh không hợp lệ")

    response = admin_api.post(
        LIST,
        {
            "name": "Trùng",
            "kind": "unit",
            "parent": tree.own.pk,
            "agency_code": tree.child.agency_code,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "Mã định danh này đã được dùng" in str(response.json()["error"]["fields"])

    response = admin_api.post(
        f"{LIST}{tree.own.pk}/move/", {"parent": tree.grandchild.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "tree_cycle"

    response = admin_api.patch(f"{LIST}{tree.own.pk}/", {"parent": tree.child.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "tree_cycle"

    response = admin_api.post(
        f"{LIST}merge/",
        {"predecessors": [], "successor": tree.other.pk, "effective_date": "2025-07-01"},
        format="json",
    )
    assert response.status_code == 400
    response = admin_api.patch(
        f"{LIST}{tree.own.pk}/",
        {"valid_from": "2025-07-01", "valid_to": "2025-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "valid_to" in response.json()["error"]["fields"]


def test_import_and_export(admin_api, tree):
    csv = (
        "ma_dinh_danh,ten,loai,ma_don_vi_cap_tren\n"
        f"000.50.50.H99,Phòng Nhập,unit,{tree.own.agency_code}\n"
    ).encode()
    upload = io.BytesIO(csv)
    upload.name = "a.csv"
    response = admin_api.post(f"{LIST}import/", {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0, "total_rows": 1}

    bad = io.BytesIO(b"ma_dinh_danh,ten,loai\nxyz,A,unit\n")
    bad.name = "b.csv"
    response = admin_api.post(f"{LIST}import/", {"file": bad}, format="multipart")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "import_failed"
    assert error["fields"]["file"] == [
        "Dòng 2: mã định danh “xyz” không hợp lệ (ví dụ đúng: 000.00.01.H56)."
    ]

    response = admin_api.post(f"{LIST}import/", {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]

    response = admin_api.get(f"{LIST}export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith('attachment; filename="co-quan-don-vi-')
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + Organisation.objects.count()


def test_export_is_scoped(tree):
    client = APIClient()
    client.force_login(make_official(tree.own, Role.IT_ADMIN))
    response = client.get(f"{LIST}export/")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} == {
        tree.own.agency_code,
        tree.child.agency_code,
        tree.grandchild.agency_code,
    }


def test_schema_describes_the_endpoints(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    operations = {
        op["operationId"]
        for path, item in paths.items()
        if path.startswith("/api/v1/organisations")
        for op in item.values()
    }
    assert operations == {
        "organisations_list",
        "organisations_create",
        "organisations_retrieve",
        "organisations_partial_update",
        "organisations_by_code",
        "organisations_move",
        "organisations_merge",
        "organisations_import",
        "organisations_export",
    }
