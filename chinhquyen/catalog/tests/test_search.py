"""procedure_search: accents, case, codes, relevance, filters and validity dates."""

from __future__ import annotations

import datetime as dt

import pytest

from chinhquyen.catalog import services
from chinhquyen.catalog.models import OnlineLevel, ProcedureLevel
from chinhquyen.catalog.selectors import (
    competent_organisations,
    field_list,
    is_competent,
    procedure_detail,
    procedure_search,
    version_for_dossier,
)
from chinhquyen.core.api import DomainError
from chinhquyen.orgs.models import OrganisationKind
from chinhquyen.orgs.tests.factories import make_org

from .factories import make_field, make_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    civil = make_field("HT", "Hộ tịch")
    business = make_field("DKDN", "Đăng ký doanh nghiệp")
    department = make_org("Sở Tài chính")
    return {
        "birth": make_version("Đăng ký khai sinh", code="1.001193", field=civil),
        "late_birth": make_version(
            "Đăng ký lại khai sinh", code="1.004884", field=civil, online_level=OnlineLevel.FULL
        ),
        "marriage": make_version("Đăng ký kết hôn", code="1.000894", field=civil),
        "enterprise": make_version(
            "Đăng ký thành lập doanh nghiệp tư nhân",
            code="2.001610",
            field=business,
            level=ProcedureLevel.PROVINCE,
            all_communes=False,
            competent=[department],
            online_level=OnlineLevel.FULL,
        ),
        "department": department,
    }


def names(qs):
    return [v.name for v in qs]


def test_search_ignores_accents_and_case(catalogue):
    assert names(procedure_search(q="dang ky khai sinh")) == [
        "Đăng ký khai sinh",
        "Đăng ký lại khai sinh",
    ]
    assert names(procedure_search(q="ĐĂNG KÝ KHAI SINH")) == names(
        procedure_search(q="dang ky khai sinh")
    )
    assert names(procedure_search(q="  KẾT   hôn ")) == ["Đăng ký kết hôn"]


def test_every_word_must_match_in_any_order(catalogue):
    assert names(procedure_search(q="sinh lai")) == ["Đăng ký lại khai sinh"]
    assert names(procedure_search(q="khai sinh ket hon")) == []


def test_search_by_code(catalogue):
    assert names(procedure_search(q="1.001193")) == ["Đăng ký khai sinh"]
    assert names(procedure_search(q="2.0016")) == ["Đăng ký thành lập doanh nghiệp tư nhân"]


def test_relevance_then_name(catalogue):
    # "dang ky" starts every name: the order falls back to the name (Vietnamese collation:
    # "kết" before "khai", ê coming before h in the alphabet).
    assert names(procedure_search(q="dang ky")) == [
        "Đăng ký kết hôn",
        "Đăng ký khai sinh",
        "Đăng ký lại khai sinh",
        "Đăng ký thành lập doanh nghiệp tư nhân",
    ]
    # A name that contains the phrase beats one that only contains the words.
    make_version("Khai sinh cho trẻ bị bỏ rơi", field=make_field())
    result = names(procedure_search(q="khai sinh"))
    assert result[0] == "Khai sinh cho trẻ bị bỏ rơi"  # starts with the phrase
    assert set(result[1:]) == {"Đăng ký khai sinh", "Đăng ký lại khai sinh"}


def test_like_wildcards_are_literal(catalogue):
    assert names(procedure_search(q="%")) == []
    assert names(procedure_search(q="_")) == []


def test_filters(catalogue):
    assert len(procedure_search(field="HT")) == 3
    assert names(procedure_search(level=ProcedureLevel.PROVINCE)) == [
        "Đăng ký thành lập doanh nghiệp tư nhân"
    ]
    assert names(procedure_search(online_level=OnlineLevel.FULL)) == [
        "Đăng ký lại khai sinh",
        "Đăng ký thành lập doanh nghiệp tư nhân",
    ]
    assert names(procedure_search(organisation=catalogue["department"])) == [
        "Đăng ký thành lập doanh nghiệp tư nhân"
    ]
    commune = make_org("UBND xã A", kind=OrganisationKind.COMMUNE_COMMITTEE)
    assert len(procedure_search(organisation=commune)) == 3  # every commune procedure


def test_only_versions_in_force_are_found(catalogue):
    future = make_version("Thủ tục mới từ năm sau", valid_from=dt.date(2099, 1, 1))
    assert "Thủ tục mới từ năm sau" not in names(procedure_search(q="thu tuc moi"))
    assert names(procedure_search(q="thu tuc moi", on=dt.date(2099, 1, 2))) == [future.name]
    make_version("Bản nháp chưa công bố", publish=False)
    assert names(procedure_search(q="ban nhap")) == []
    services.version_retire(actor=None, version=catalogue["marriage"])
    assert names(procedure_search(q="ket hon")) == []


def test_detail_and_competence(catalogue):
    enterprise = procedure_detail("2.001610")
    assert enterprise is not None and enterprise.name.startswith("Đăng ký thành lập")
    assert procedure_detail("0.000000") is None
    department = catalogue["department"]
    assert is_competent(enterprise, department)
    other = make_org("Sở Y tế")
    assert not is_competent(enterprise, other)
    assert version_for_dossier(procedure="2.001610", organisation=department) == enterprise
    with pytest.raises(DomainError) as exc:
        version_for_dossier(procedure="2.001610", organisation=other)
    assert "không có thẩm quyền" in str(exc.value.detail)
    with pytest.raises(DomainError):
        version_for_dossier(procedure="0.000000")
    commune = make_org("UBND phường B", kind=OrganisationKind.COMMUNE_COMMITTEE)
    assert commune in competent_organisations(catalogue["birth"])
    assert list(competent_organisations(enterprise)) == [department]


def test_field_list_counts_procedures_in_force(catalogue):
    counts = {f.code: f.procedure_count for f in field_list()}
    assert counts["HT"] == 3
    assert counts["DKDN"] == 1
