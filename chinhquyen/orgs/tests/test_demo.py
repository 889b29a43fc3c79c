import datetime as dt

import pytest
from auditlog.models import LogEntry

from chinhquyen.orgs.demo import load_demo_organisations
from chinhquyen.orgs.models import Organisation, OrganisationKind
from chinhquyen.orgs.selectors import organisation_lineage, organisation_list

pytestmark = pytest.mark.django_db

REQUIRED_KEYS = {
    "province",
    "office",
    "service_centre",
    "dept_justice",
    "dept_justice_admin",
    "dept_justice_office",
    "dept_construction",
    "dept_science",
    "commune",
    "commune_desk",
    "commune_culture",
    "commune2",
}
TODAY = dt.date(2026, 1, 15)


@pytest.fixture
def demo():
    return load_demo_organisations()


def test_required_keys_and_shapes(demo):
    assert set(demo) >= REQUIRED_KEYS
    province = demo["province"]
    assert province.name == "UBND tỉnh Ninh Bình"
    assert province.kind == OrganisationKind.PROVINCIAL_COMMITTEE
    assert province.parent is None and province.administrative_code == "37"
    assert demo["office"].parent == province
    assert demo["service_centre"].kind == OrganisationKind.SERVICE_CENTRE
    assert demo["dept_justice"].name == "Sở Tư pháp"
    assert demo["dept_justice_admin"].name == "Phòng Hành chính tư pháp"
    assert demo["dept_justice_admin"].parent == demo["dept_justice"]
    assert demo["dept_justice_office"].name == "Văn phòng Sở"
    assert demo["dept_justice_office"].parent == demo["dept_justice"]
    assert demo["dept_construction"].name == "Sở Xây dựng"
    assert demo["dept_science"].name == "Sở Khoa học và Công nghệ"
    assert demo["digital_centre"].parent == demo["dept_science"]
    assert demo["commune"].name == "UBND phường Hoa Lư"
    assert demo["commune"].administrative_code == "14329"
    assert demo["commune_desk"].kind == OrganisationKind.ONE_STOP_DESK
    assert demo["commune_desk"].parent == demo["commune"]
    assert demo["commune_culture"].name == "Phòng Văn hóa - Xã hội"
    assert demo["commune_culture"].parent == demo["commune"]
    assert demo["commune2"].kind == OrganisationKind.COMMUNE_COMMITTEE
    assert demo["commune2"] != demo["commune"]
    for org in demo.values():
        assert org.pk and org.agency_code


def test_counts(demo):
    active = organisation_list(active_on=TODAY)
    departments = active.filter(kind=OrganisationKind.DEPARTMENT, parent=demo["province"])
    assert departments.count() >= 15
    names = set(departments.values_list("name", flat=True))
    for expected in (
        "Sở Nội vụ",
        "Sở Tài chính",
        "Sở Tư pháp",
        "Sở Xây dựng",
        "Sở Công Thương",
        "Sở Nông nghiệp và Môi trường",
        "Sở Giáo dục và Đào tạo",
        "Sở Y tế",
        "Sở Khoa học và Công nghệ",
        "Sở Dân tộc và Tôn giáo",
        "Thanh tra tỉnh",
    ):
        assert expected in names
    assert active.filter(kind=OrganisationKind.SERVICE_CENTRE).count() == 1
    communes = active.filter(kind=OrganisationKind.COMMUNE_COMMITTEE)
    assert communes.count() >= 10
    for commune in communes:
        units = {c.name: c.kind for c in commune.children.all()}
        assert "Văn phòng HĐND và UBND" in units
        assert "Phòng Văn hóa - Xã hội" in units
        assert any(name.startswith("Phòng Kinh tế") for name in units)
        desks = [n for n, k in units.items() if k == OrganisationKind.ONE_STOP_DESK]
        assert len(desks) == 1 and desks[0].startswith("Trung tâm Phục vụ hành chính công")
        assert len(commune.administrative_code) == 5
    wards = communes.filter(name__startswith="UBND phường")
    assert wards.exists() and communes.filter(name__startswith="UBND xã").exists()
    for ward in wards:
        assert ward.children.filter(name="Phòng Kinh tế, Hạ tầng và Đô thị").exists()


def test_history(demo):
    province = demo["province"]
    predecessors = {o.name: o for o in province.predecessors.all()}
    assert set(predecessors) == {"UBND tỉnh Hà Nam", "UBND tỉnh Nam Định"}
    for old in predecessors.values():
        assert old.valid_to == dt.date(2025, 6, 30)
        assert list(old.successors.all()) == [province]
    districts = Organisation.objects.filter(name__startswith="UBND huyện")
    assert districts.count() >= 2
    for district in districts:
        assert district.valid_to == dt.date(2025, 6, 30)
        assert not district.is_active(TODAY)
        assert district.successors.filter(kind=OrganisationKind.COMMUNE_COMMITTEE).exists()
    gia_vien = Organisation.objects.get(name="UBND huyện Gia Viễn")
    assert demo["commune2"] in gia_vien.successors.all()
    lineage = organisation_lineage(demo["commune2"])
    assert gia_vien in lineage.predecessors
    # before the merger the old province is active, after it only the new structure
    assert predecessors["UBND tỉnh Hà Nam"].is_active(dt.date(2025, 6, 30))
    assert not demo["commune"].is_active(dt.date(2025, 6, 30))


def test_idempotent(demo):
    count = Organisation.objects.count()
    logs = LogEntry.objects.count()
    snapshot = {
        o.agency_code: (o.name, o.path, o.depth, o.updated_at, o.valid_to)
        for o in Organisation.objects.all()
    }
    links = set(Organisation.predecessors.through.objects.values_list("pk", flat=True))
    again = load_demo_organisations()
    assert {k: v.pk for k, v in again.items()} == {k: v.pk for k, v in demo.items()}
    assert Organisation.objects.count() == count
    assert LogEntry.objects.count() == logs
    assert {
        o.agency_code: (o.name, o.path, o.depth, o.updated_at, o.valid_to)
        for o in Organisation.objects.all()
    } == snapshot
    assert set(Organisation.predecessors.through.objects.values_list("pk", flat=True)) == links


def test_loader_repairs_changed_data(demo):
    Organisation.objects.filter(pk=demo["dept_justice"].pk).update(name="Sở Tư pháp (cũ)")
    again = load_demo_organisations()
    assert again["dept_justice"].name == "Sở Tư pháp"
    assert Organisation.objects.get(pk=demo["dept_justice"].pk).name == "Sở Tư pháp"
