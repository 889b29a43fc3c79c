"""Catalogue pages: search and detail (query counts pinned), Excel pages, the admin."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from chinhquyen.accounts.models import Role
from chinhquyen.accounts.testing import force_login_with_mfa
from chinhquyen.accounts.tests.factories import make_official, make_user
from chinhquyen.catalog.excel import export_catalog
from chinhquyen.catalog.models import ProcedureVersion, VersionStatus
from chinhquyen.orgs.models import OrganisationKind
from chinhquyen.orgs.tests.factories import make_org

from .factories import SIMPLE_SCHEMA, make_field, make_version

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "catalog"


@pytest.fixture
def province():
    return make_org("UBND tỉnh", kind=OrganisationKind.PROVINCIAL_COMMITTEE)


@pytest.fixture
def manager(province):
    return make_official(province, Role.IT_ADMIN, totp=True)


@pytest.fixture
def catalogue():
    field = make_field("HT", "Hộ tịch")
    birth = make_version(
        "Đăng ký khai sinh",
        code="1.001193",
        field=field,
        online_level=4,
        form_schema=SIMPLE_SCHEMA,
        fees=[{"kind": "fee", "case_description": "Đúng hạn", "amount": 0}],
    )
    make_version(
        "Cấp Phiếu lý lịch tư pháp",
        code="2.000488",
        field=make_field("LLTP", "Lý lịch tư pháp"),
        level="province",
        processing_time=10,
        fees=[{"kind": "fee", "amount": 200000}],
    )
    return birth


def test_templates_have_no_inline_script_style_or_handlers():
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text, path
        assert "style=" not in text, path
        assert not re.search(r"\son[a-z]+\s*=", text), path


def test_list_page_searches_without_accents(client, catalogue):
    response = client.get(reverse("catalog:list"), {"q": "ly lich tu phap"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tìm thấy 1 thủ tục" in html
    assert "Cấp Phiếu lý lịch tư pháp" in html
    assert "200.000 đồng" in html
    assert "10 ngày làm việc" in html
    assert "Đăng ký khai sinh" not in html
    everything = client.get(reverse("catalog:list")).content.decode()
    assert "Tìm thấy 2 thủ tục" in everything
    assert 'class="badge text-bg-success">Trực tuyến toàn trình' in everything
    assert "Nhập Excel" not in everything  # management links only for managers


def test_list_page_filters_and_invalid_filter(client, catalogue):
    html = client.get(reverse("catalog:list"), {"cap": "province"}).content.decode()
    assert "Tìm thấy 1 thủ tục" in html and "Cấp Phiếu lý lịch tư pháp" in html
    html = client.get(reverse("catalog:list"), {"linh_vuc": "HT"}).content.decode()
    assert "Đăng ký khai sinh" in html and "Tìm thấy 1 thủ tục" in html
    response = client.get(reverse("catalog:list"), {"cap": "huyen"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()


def test_list_page_query_count_is_pinned(client, catalogue, django_assert_num_queries):
    for n in range(6):
        make_version(f"Thủ tục bổ sung {n}", fees=[{"amount": 1000}])
    # fields for the filter + count + page + fees of the page
    with django_assert_num_queries(4):
        response = client.get(reverse("catalog:list"), {"q": "thu tuc"})
    assert "Tìm thấy 6 thủ tục" in response.content.decode()


def test_detail_page(client, catalogue, django_assert_num_queries):
    url = reverse("catalog:detail", args=["1.001193"])
    # version + fees + papers + steps + competent organisations
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="h3">Đăng ký khai sinh</h1>' in html
    assert "Bản sao chứng thực" in html and "Tờ khai" in html
    assert "Miễn" in html  # the zero fee
    assert "Tiếp nhận" in html and "2 giờ" in html
    assert 'name="xem-truoc-ho_ten"' in html  # the form preview
    assert client.get(reverse("catalog:detail", args=["0.000000"])).status_code == 404


def test_drafts_are_not_public(client):
    make_version("Bản nháp bí mật", code="1.555555", publish=False)
    assert client.get(reverse("catalog:detail", args=["1.555555"])).status_code == 404
    assert "Bản nháp bí mật" not in client.get(reverse("catalog:list")).content.decode()


def test_excel_pages_are_for_managers(client, catalogue, province, manager):
    import_url = reverse("catalog:import")
    export_url = reverse("catalog:export")
    assert client.get(import_url).status_code == 302  # to the login page
    client.force_login(make_user())
    assert client.get(import_url).status_code == 403
    assert client.get(export_url).status_code == 403
    client.force_login(make_official(province, Role.SPECIALIST, totp=True))
    assert client.get(import_url).status_code == 403
    client.force_login(manager)
    assert client.get(import_url).status_code == 200
    response = client.get(export_url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="danh-muc-thu-tuc-')
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert [r[0] for r in book["ThuTuc"].iter_rows(min_row=2, values_only=True)] == [
        "1.001193",
        "2.000488",
    ]
    assert "Nhập Excel" in client.get(reverse("catalog:list")).content.decode()


def test_import_page_round_trip_and_errors(client, catalogue, manager):
    client.force_login(manager)
    content = export_catalog()
    response = client.post(
        reverse("catalog:import"),
        {"file": SimpleUploadedFile("dm.xlsx", content), "publish": "on"},
    )
    assert response.status_code == 200
    assert "0 thủ tục mới, 0 cập nhật, 2 không thay đổi" in response.content.decode()

    response = client.post(
        reverse("catalog:import"), {"file": SimpleUploadedFile("dm.xlsx", b"a,b\n1,2\n")}
    )
    assert response.status_code == 400
    assert "nội dung tệp không đúng định dạng" in response.content.decode()


def test_admin_publish_action(client, manager):
    manager.is_staff = True
    manager.save()
    version = make_version("Thủ tục trong admin", publish=False)
    force_login_with_mfa(client, manager)
    changelist = reverse("admin:catalog_procedureversion_changelist")
    assert client.get(changelist).status_code == 200
    change = reverse("admin:catalog_procedureversion_change", args=[version.pk])
    assert client.get(change).status_code == 200
    response = client.post(
        changelist,
        {"action": "publish_today", "_selected_action": [version.pk]},
        follow=True,
    )
    assert response.status_code == 200
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    # Published versions are read-only in the admin.
    page = client.get(change).content.decode()
    assert 'name="name"' not in page
    assert ProcedureVersion.objects.filter(procedure=version.procedure).count() == 1


def test_admin_is_closed_to_non_managers(client, province):
    specialist = make_official(province, Role.SPECIALIST, totp=True)
    specialist.is_staff = True
    specialist.save()
    force_login_with_mfa(client, specialist)
    assert client.get(reverse("admin:catalog_procedureversion_changelist")).status_code == 403


def _admin_post_data(version: ProcedureVersion, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": version.name,
        "competent_all_communes": "on",
        "competent_description": "",
        "processing_time": "3",
        "processing_time_unit": "working_days",
        "processing_time_note": "",
        "online_level": "3",
        "result_type": "other",
        "result_name": "",
        "applicants": "",
        "description": "",
        "conditions": "",
        "implementing_steps": "",
        "legal_basis": "",
        "form_schema": "{}",
    }
    for prefix, rows, fields in (
        ("fees", list(version.fees.all()), ["order", "kind", "case_description", "amount", "note"]),
        (
            "papers",
            list(version.papers.all()),
            ["order", "name", "original_count", "certified_copy_count", "photocopy_count", "note"],
        ),
        ("steps", list(version.steps.all()), ["order", "name", "allotted_hours"]),
    ):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = str(row.pk)
            data[f"{prefix}-{i}-version"] = str(version.pk)
            for name in fields:
                data[f"{prefix}-{i}-{name}"] = str(getattr(row, name))
            if prefix == "papers" and row.required:
                data[f"{prefix}-{i}-required"] = "on"
    data.update({k: v for k, v in overrides.items()})
    return data


def test_admin_edits_a_draft_through_the_service(client, manager):
    manager.is_staff = True
    manager.save()
    version = make_version("Bản nháp trong admin", publish=False)
    force_login_with_mfa(client, manager)
    url = reverse("admin:catalog_procedureversion_change", args=[version.pk])

    too_long = _admin_post_data(version, **{"steps-1-allotted_hours": "30"})
    response = client.post(url, too_long)
    assert response.status_code == 200  # the form again, with the error
    assert "vượt quá thời hạn giải quyết" in response.content.decode()
    assert version.steps.get(name="Xử lý").allotted_hours == 8

    ok = _admin_post_data(
        version,
        name="Tên đã sửa trong admin",
        **{"steps-1-allotted_hours": "20", "fees-0-amount": "75000"},
    )
    response = client.post(url, ok)
    assert response.status_code == 302, response.content.decode()[:2000]
    version.refresh_from_db()
    assert version.name == "Tên đã sửa trong admin"
    assert version.search_text.startswith("ten da sua trong admin")
    assert version.steps.get(name="Xử lý").allotted_hours == 20
    assert version.fees.get().amount == 75000
