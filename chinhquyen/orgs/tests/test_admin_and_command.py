import io

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.urls import reverse

from chinhquyen.accounts.models import User, UserKind
from chinhquyen.orgs.models import Organisation

from .factories import make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    user = User.objects.create_superuser(
        "quantri", "quantri@example.vn", "Mat-khau-quan-tri-2026", kind=UserKind.CITIZEN
    )
    client.force_login(user)
    return client, user


def admin_form(org: Organisation | None = None, **overrides) -> dict:
    data = {
        "name": org.name if org else "",
        "short_name": org.short_name if org else "",
        "kind": org.kind if org else "unit",
        "parent": org.parent_id if org and org.parent_id else "",
        "agency_code": org.agency_code if org else "",
        "administrative_code": "",
        "address": "",
        "phone": "",
        "email": "",
        "valid_from": "",
        "valid_to": "",
        "predecessors": [],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_changelist_search_and_filters(superuser_client, tree):
    client, _ = superuser_client
    url = reverse("admin:orgs_organisation_changelist")
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "— — Phòng Hành chính tư pháp" in html  # indented by depth, tree order
    assert html.index("Sở Tư pháp") < html.index("Phòng Hành chính tư pháp")
    response = client.get(url, {"q": "bo tro tu phap"})
    assert "Phòng Bổ trợ tư pháp" in response.content.decode()
    assert "Phòng Hành chính tư pháp" not in response.content.decode()
    assert client.get(url, {"kind": "department", "hieu_luc": "con"}).status_code == 200


def test_admin_add_goes_through_the_service(superuser_client, tree):
    client, user = superuser_client
    response = client.post(
        reverse("admin:orgs_organisation_add"),
        admin_form(name="Phòng mới", parent=tree.child.pk, agency_code="000.44.44.H99"),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    org = Organisation.objects.get(agency_code="000.44.44.H99")
    assert org.path == f"{tree.child.path}{org.pk}/"
    assert org.depth == 4
    assert org.search_text.startswith("phong moi")
    assert LogEntry.objects.get_for_object(org).get().actor == user


def test_admin_change_moves_subtree_and_sets_predecessors(superuser_client, tree):
    client, _ = superuser_client
    url = reverse("admin:orgs_organisation_change", args=[tree.own.pk])
    response = client.post(
        url, admin_form(tree.own, parent=tree.branch.pk, predecessors=[tree.sibling.pk])
    )
    assert response.status_code == 302
    own = Organisation.objects.get(pk=tree.own.pk)
    assert own.parent_id == tree.branch.pk
    assert Organisation.objects.get(pk=tree.grandchild.pk).path.startswith(own.path)
    assert list(own.predecessors.all()) == [tree.sibling]

    # a cycle is a form error, nothing changes
    response = client.post(url, admin_form(own, parent=tree.grandchild.pk))
    assert response.status_code == 200
    assert "vào chính nó" in response.content.decode()
    assert Organisation.objects.get(pk=tree.own.pk).parent_id == tree.branch.pk


def test_admin_delete_goes_through_the_service(superuser_client, tree):
    client, _ = superuser_client
    leaf = make_org("Nhầm", parent=tree.own, kind="unit")
    response = client.post(
        reverse("admin:orgs_organisation_delete", args=[leaf.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=leaf.pk).exists()


def test_import_command(tmp_path, tree):
    path = tmp_path / "co-quan.csv"
    path.write_text(
        "ma_dinh_danh,ten,loai,ma_don_vi_cap_tren\n"
        f"000.03.03.H99,Qua lệnh,unit,{tree.own.agency_code}\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("import_organisations", str(path), stdout=out)
    assert "thêm 1, cập nhật 0" in out.getvalue()
    assert Organisation.objects.get(agency_code="000.03.03.H99").parent == tree.own

    bad = tmp_path / "sai.csv"
    bad.write_text("ma_dinh_danh,ten,loai\nsai,X,unit\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="chưa có dữ liệu nào được lưu"):
        call_command("import_organisations", str(bad), stderr=err)
    assert "Dòng 2: mã định danh “sai” không hợp lệ" in err.getvalue()

    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("import_organisations", str(tmp_path / "khong-co.csv"))
