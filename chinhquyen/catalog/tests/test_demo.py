"""The demo catalogue: real procedures, published, consistent, idempotent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chinhquyen.catalog.demo import PROCEDURES, load_demo_catalog
from chinhquyen.catalog.forms_schema import schema_problems
from chinhquyen.catalog.models import Procedure, ProcedureVersion, VersionStatus
from chinhquyen.catalog.selectors import procedure_search
from chinhquyen.catalog.services import publish_problems, steps_total_hours
from chinhquyen.orgs.demo import load_demo_organisations

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    orgs = load_demo_organisations()
    return orgs, load_demo_catalog(orgs)


def test_demo_catalogue_is_published_and_consistent(demo):
    _orgs, versions = demo
    assert len(PROCEDURES) >= 30
    assert len({spec.code for spec in PROCEDURES}) == len(PROCEDURES)
    assert Procedure.objects.count() == len(PROCEDURES)
    assert set(versions) == {spec.code for spec in PROCEDURES}
    levels = {v.procedure.level for v in versions.values()}
    assert {"province", "commune"} <= levels
    for code, version in versions.items():
        assert version.status == VersionStatus.PUBLISHED, code
        assert version.is_valid_on(), code
        assert publish_problems(version) == [], code
        assert steps_total_hours(version) <= version.statutory_hours(), code
        assert version.steps.exists(), code
        assert schema_problems(version.form_schema) == [], code


def test_key_facts(demo):
    orgs, versions = demo
    lltp = versions["2.000488"]
    assert (lltp.processing_time, lltp.processing_time_unit) == (Decimal(10), "working_days")
    assert lltp.fees.order_by("order").first().amount == 200000
    assert list(lltp.competent_organisations.all()) == [orgs["dept_justice"]]
    enterprise = versions["2.001610"]
    assert enterprise.processing_time == Decimal(3)
    assert enterprise.fees.order_by("order").first().amount == 50000
    assert list(enterprise.competent_organisations.all()) == [orgs["dept_finance"]]
    birth = versions["1.001193"]
    assert birth.competent_all_communes and birth.online_level == 4
    steps = list(versions["1.013831"].steps.order_by("order"))
    assert steps[0].responsible_unit == orgs["service_centre"]
    assert any(s.is_external for s in steps)
    assert next(iter(procedure_search(q="dang ky khai sinh"))).name == "Đăng ký khai sinh"
    assert len(procedure_search(organisation=orgs["commune2"])) >= 15


def test_loading_twice_changes_nothing(demo):
    orgs, first = demo
    counts = ProcedureVersion.objects.count()
    second = load_demo_catalog(orgs)
    assert ProcedureVersion.objects.count() == counts
    assert {c: v.pk for c, v in first.items()} == {c: v.pk for c, v in second.items()}
    # Without the dict, the loader builds (or finds) the demo organisations itself.
    third = load_demo_catalog()
    assert {c: v.pk for c, v in third.items()} == {c: v.pk for c, v in first.items()}


def test_accent_free_search_ranks_the_phrase_first_and_matches_whole_words(demo):
    """Issue 10 item 12: "chung thuc" found the food-safety certificate ("chứng nhận ... thực
    phẩm") among the certifications; the phrase now ranks first, and a word is never a part of
    another ("an" is not in "toàn")."""
    names = [v.name for v in procedure_search(q="chung thuc")]
    certifications = [n for n in names if "chứng thực" in n.lower()]
    assert len(certifications) >= 2
    assert names[: len(certifications)] == certifications
    assert all("chứng" in n.lower() and "thực" in n.lower() for n in names)
    found = [v.name for v in procedure_search(q="toa")]
    assert found == []  # only a part of "toàn"


def test_every_demo_form_paper_has_a_downloadable_template(demo, client):
    import io
    import zipfile

    from chinhquyen.catalog.demo_templates import DEMO_NOTICE, FORM_PREFIXES
    from chinhquyen.catalog.models import RequiredPaper

    _orgs, versions = demo
    forms = RequiredPaper.objects.filter(
        version__in=versions.values(), name__regex=r"^(Tờ khai|Đơn)"
    )
    assert forms.count() >= 15
    assert not forms.filter(template="").exists()
    assert (
        not RequiredPaper.objects.filter(version__in=versions.values())
        .exclude(name__regex=r"^(Tờ khai|Đơn)")
        .exclude(template="")
        .exists()
    )  # identity cards, photos ... are not forms
    assert all(p.name.startswith(FORM_PREFIXES) for p in forms)

    birth = RequiredPaper.objects.get(
        version=versions["1.001193"], name="Tờ khai đăng ký khai sinh (theo mẫu)"
    )
    assert birth.template_name == "to-khai-dang-ky-khai-sinh.docx"
    page = client.get("/thu-tuc/1.001193/")
    assert page.status_code == 200
    assert "Tải mẫu" in page.content.decode()
    response = client.get(f"/thu-tuc/1.001193/mau/{birth.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = zipfile.ZipFile(io.BytesIO(body)).read("word/document.xml").decode()
    assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in text and "(theo mẫu)" not in text
    assert DEMO_NOTICE in text and "Kính gửi: Ủy ban nhân dân xã, phường" in text

    # a second load attaches nothing new
    load_demo_catalog(_orgs)
    assert RequiredPaper.objects.get(pk=birth.pk).template == birth.template
