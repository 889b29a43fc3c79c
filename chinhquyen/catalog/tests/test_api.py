"""The catalogue API: public reads (query count pinned) and managers-only writes."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chinhquyen.accounts.models import Role
from chinhquyen.accounts.tests.factories import make_official, make_user
from chinhquyen.catalog.models import Procedure, VersionStatus
from chinhquyen.orgs.models import OrganisationKind
from chinhquyen.orgs.tests.factories import make_org

from .factories import SIMPLE_SCHEMA, make_field, make_version

pytestmark = pytest.mark.django_db

LIST = "/api/v1/catalog/procedures/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def province():
    return make_org("UBND tỉnh", kind=OrganisationKind.PROVINCIAL_COMMITTEE)


@pytest.fixture
def catalogue():
    field = make_field("HT", "Hộ tịch")
    birth = make_version(
        "Đăng ký khai sinh",
        code="1.001193",
        field=field,
        form_schema=SIMPLE_SCHEMA,
        fees=[{"kind": "fee", "case_description": "Đúng hạn", "amount": 0}],
    )
    make_version("Đăng ký kết hôn", code="1.000894", field=field)
    make_version("Cấp giấy phép xây dựng", code="1.013225", field=make_field("XD", "Xây dựng"))
    return birth


def test_list_is_public_searchable_and_paginated(api, catalogue):
    response = api.get(LIST, {"q": "dang ky khai sinh"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["code"] == "1.001193"
    assert item["name"] == "Đăng ký khai sinh"
    assert item["field"] == {"code": "HT", "name": "Hộ tịch"}
    assert item["online_level"] == 3
    assert item["processing_time_display"] == "3 ngày làm việc"
    assert item["fees"][0]["amount"] == 0
    assert item["url"].endswith("/api/v1/catalog/procedures/1.001193/")
    assert api.get(LIST, {"field": "HT"}).json()["count"] == 2
    assert api.get(LIST, {"online_level": 4}).json()["count"] == 0


def test_list_query_count_is_pinned(api, catalogue, django_assert_num_queries):
    for n in range(5):
        make_version(f"Thủ tục bổ sung {n}", fees=[{"amount": 1}, {"amount": 2}])
    # count + page + fees (prefetched once for the page)
    with django_assert_num_queries(3):
        response = api.get(LIST)
    assert response.json()["count"] == 8


def test_list_rejects_bad_parameters_with_structured_errors(api, catalogue):
    response = api.get(LIST, {"level": "huyen", "organisation": 999999})
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"level", "organisation"}
    assert fields["organisation"] == ["Không có cơ quan, đơn vị này."]


def test_detail_has_papers_fees_steps_and_form(api, catalogue):
    response = api.get(f"{LIST}1.001193/")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1 and body["status"] == VersionStatus.PUBLISHED
    assert [p["name"] for p in body["papers"]] == ["Tờ khai"]
    assert body["papers"][0]["original_count"] == 1
    assert [s["name"] for s in body["steps"]] == ["Tiếp nhận", "Xử lý"]
    assert body["steps"][1]["allotted_hours"] == "8.00"
    assert body["form_schema"] == SIMPLE_SCHEMA
    missing = api.get(f"{LIST}0.000000/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_fields_list(api, catalogue):
    response = api.get("/api/v1/catalog/fields/")
    assert response.status_code == 200
    assert {f["code"]: f["procedure_count"] for f in response.json()} == {"HT": 2, "XD": 1}


# --- management ------------------------------------------------------------------------------


CREATE = {
    "code": "1.999999",
    "field": "HT",
    "level": "commune",
    "name": "Thủ tục thêm qua API",
    "processing_time": "2",
    "competent_all_communes": True,
    "no_papers_required": True,
}


def test_only_catalogue_managers_write(api, catalogue, province):
    assert api.post(LIST, CREATE, format="json").status_code == 401
    for user in (
        make_user(),
        make_official(province, Role.SPECIALIST, totp=True),
        make_official(
            make_org(parent=province, kind=OrganisationKind.COMMUNE_COMMITTEE),
            Role.IT_ADMIN,
            totp=True,
        ),
    ):
        api.force_authenticate(user)
        response = api.post(LIST, CREATE, format="json")
        assert response.status_code == 403, user
        assert response.json()["error"]["code"] == "permission_denied"
        assert api.post(f"{LIST}1.001193/publish/", {}, format="json").status_code == 403
    assert not Procedure.objects.filter(code="1.999999").exists()


def test_it_admin_creates_and_publishes(api, catalogue, province):
    admin = make_official(province, Role.IT_ADMIN, totp=True)
    api.force_authenticate(admin)
    response = api.post(LIST, CREATE, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "draft" and response.json()["version"] == 1
    duplicate = api.post(LIST, CREATE, format="json")
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "duplicate_code"

    bad = api.post(LIST, {**CREATE, "code": "1.888888", "form_schema": {"type": 5}}, format="json")
    assert bad.status_code == 400
    assert "form_schema" in bad.json()["error"]["fields"]

    published = api.post(f"{LIST}1.999999/publish/", {"valid_from": "2026-01-01"}, format="json")
    assert published.status_code == 200, published.json()
    assert published.json()["status"] == "published"
    assert published.json()["valid_from"] == "2026-01-01"
    # No draft left to publish.
    again = api.post(f"{LIST}1.999999/publish/", {}, format="json")
    assert again.status_code == 404


def test_publish_reports_what_is_missing(api, province):
    make_field("HT", "Hộ tịch")
    api.force_authenticate(make_official(province, Role.IT_ADMIN, totp=True))
    api.post(LIST, {**CREATE, "no_papers_required": False}, format="json")
    response = api.post(reverse("catalog_api:procedure_publish", args=["1.999999"]), {})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "version_incomplete"
    assert "thành phần hồ sơ" in error["message"]
