import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from chinhquyen.accounts.models import Role
from chinhquyen.core.api import DomainError
from chinhquyen.orgs.models import Organisation, OrganisationKind
from chinhquyen.orgs.selectors import organisation_lineage
from chinhquyen.orgs.services import (
    organisation_close,
    organisation_create,
    organisation_delete,
    organisation_merge,
    organisation_move,
    organisation_set_predecessors,
    organisation_update,
)

from .factories import make_org
from .users import official as make_official

pytestmark = pytest.mark.django_db


def reload(org: Organisation) -> Organisation:
    return Organisation.objects.get(pk=org.pk)


def assert_tree_consistent() -> None:
    """Every path is the parent's path + "<pk>/" and depth counts the ancestors."""
    for org in Organisation.objects.select_related("parent"):
        expected = (org.parent.path if org.parent else "/") + f"{org.pk}/"
        assert org.path == expected, org
        assert org.depth == org.path.count("/") - 2, org


# --- create --------------------------------------------------------------------------------


def test_create_sets_path_depth_and_search_text(tree):
    org = organisation_create(
        actor=None,
        name="  Phòng Chứng thực  ",
        kind=OrganisationKind.UNIT,
        parent=tree.own,
        agency_code="000.09.04.H99",
    )
    org = reload(org)
    assert org.name == "Phòng Chứng thực"
    assert org.path == f"{tree.own.path}{org.pk}/"
    assert org.depth == 3
    assert org.search_text == "phong chung thuc 000.09.04.h99"
    assert_tree_consistent()


def test_create_root():
    org = organisation_create(actor=None, name="UBND tỉnh Mới", kind="provincial_committee")
    assert reload(org).path == f"/{org.pk}/"
    assert org.depth == 0


def test_create_validates_agency_code_and_uniqueness(tree):
    with pytest.raises(ValidationError) as exc:
        organisation_create(actor=None, name="X", kind="unit", agency_code="abc")
    assert "agency_code" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        organisation_create(actor=None, name="X", kind="unit", agency_code=tree.own.agency_code)
    assert "Mã định danh này đã được dùng" in str(exc.value)


def test_create_refuses_inverted_dates():
    with pytest.raises(ValidationError) as exc:
        organisation_create(
            actor=None,
            name="X",
            kind="unit",
            valid_from=dt.date(2025, 7, 1),
            valid_to=dt.date(2025, 6, 30),
        )
    assert "Ngày hết hiệu lực không được trước" in str(exc.value)


def test_create_is_audited_with_actor(tree):
    admin = make_official(tree.root, Role.IT_ADMIN)
    org = organisation_create(actor=admin, name="Phòng mới", kind="unit", parent=tree.own)
    entry = LogEntry.objects.get_for_object(org).get()
    assert entry.actor == admin
    assert entry.action == LogEntry.Action.CREATE


# --- move ----------------------------------------------------------------------------------


def test_move_repaths_the_whole_subtree(tree):
    moved = organisation_move(actor=None, org=tree.own, new_parent=tree.other)
    own, child, grandchild = reload(tree.own), reload(tree.child), reload(tree.grandchild)
    assert moved.parent_id == tree.other.pk
    assert own.path == f"{tree.other.path}{own.pk}/"
    assert child.path == f"{own.path}{child.pk}/"
    assert grandchild.path == f"{child.path}{grandchild.pk}/"
    assert (own.depth, child.depth, grandchild.depth) == (3, 4, 5)
    # untouched units keep their paths
    assert reload(tree.sibling).path == tree.sibling.path
    assert set(reload(tree.other).descendants().values_list("pk", flat=True)) == {
        tree.other.pk,
        own.pk,
        child.pk,
        grandchild.pk,
    }
    assert_tree_consistent()


def test_move_up_to_root_and_back(tree):
    organisation_move(actor=None, org=tree.child, new_parent=None)
    child = reload(tree.child)
    assert (child.path, child.depth, child.parent_id) == (f"/{child.pk}/", 0, None)
    assert reload(tree.grandchild).depth == 1
    organisation_move(actor=None, org=child, new_parent=tree.own)
    assert reload(tree.grandchild).depth == 4
    assert_tree_consistent()


@pytest.mark.parametrize("target", ["own", "child", "grandchild"])
def test_move_into_itself_or_its_subtree_is_refused(tree, target):
    with pytest.raises(DomainError) as exc:
        organisation_move(actor=None, org=tree.own, new_parent=getattr(tree, target))
    assert exc.value.error_code == "tree_cycle"
    assert "chính nó" in str(exc.value.detail)
    assert reload(tree.own).parent_id == tree.parent.pk
    assert_tree_consistent()


def test_move_uses_current_paths_even_with_stale_objects(tree):
    stale_child = Organisation.objects.get(pk=tree.child.pk)
    organisation_move(actor=None, org=tree.own, new_parent=tree.other)
    # stale_child.path is outdated; moving it must still produce a consistent tree
    organisation_move(actor=None, org=stale_child, new_parent=tree.sibling)
    assert_tree_consistent()
    assert reload(tree.grandchild).path.startswith(reload(tree.sibling).path)


def test_move_audits_the_parent_change(tree):
    admin = make_official(tree.root, Role.IT_ADMIN)
    organisation_move(actor=admin, org=tree.own, new_parent=tree.branch)
    entry = LogEntry.objects.get_for_object(tree.own).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == admin
    assert "parent" in entry.changes_dict


# --- update --------------------------------------------------------------------------------


def test_update_fields_and_search_text(tree):
    org = organisation_update(
        actor=None,
        org=tree.own,
        data={"name": "Phòng Hộ tịch", "agency_code": "000.77.04.H99", "phone": "02293871234"},
    )
    org = reload(org)
    assert org.name == "Phòng Hộ tịch"
    assert org.search_text == "phong ho tich 000.77.04.h99"
    assert org.phone == "02293871234"


def test_update_validates_agency_code(tree):
    with pytest.raises(ValidationError) as exc:
        organisation_update(actor=None, org=tree.own, data={"agency_code": "000.00.01.h56"})
    assert "Mã định danh không hợp lệ" in exc.value.message_dict["agency_code"][0]
    assert reload(tree.own).agency_code == tree.own.agency_code


def test_update_with_parent_moves_and_refuses_cycles(tree):
    organisation_update(actor=None, org=tree.own, data={"parent": tree.branch})
    assert reload(tree.grandchild).path.startswith(tree.branch.path)
    with pytest.raises(DomainError):
        organisation_update(actor=None, org=tree.branch, data={"parent": tree.grandchild})
    assert_tree_consistent()


def test_update_rejects_unknown_fields(tree):
    with pytest.raises(DomainError) as exc:
        organisation_update(actor=None, org=tree.own, data={"path": "/1/"})
    assert exc.value.error_code == "unknown_field"


def test_update_without_changes_writes_nothing(tree):
    before = LogEntry.objects.count()
    organisation_update(actor=None, org=tree.own, data={"name": tree.own.name})
    assert LogEntry.objects.count() == before


# --- close ---------------------------------------------------------------------------------


def test_close_cascades_to_still_valid_units(tree):
    organisation_update(actor=None, org=tree.grandchild, data={"valid_to": dt.date(2024, 1, 31)})
    organisation_close(actor=None, org=tree.own, valid_to=dt.date(2025, 6, 30))
    assert reload(tree.own).valid_to == dt.date(2025, 6, 30)
    assert reload(tree.child).valid_to == dt.date(2025, 6, 30)
    assert reload(tree.grandchild).valid_to == dt.date(2024, 1, 31)  # already closed earlier
    assert reload(tree.sibling).valid_to is None
    assert not reload(tree.child).is_active(dt.date(2025, 7, 1))
    assert reload(tree.child).is_active(dt.date(2025, 6, 30))


def test_close_without_cascade(tree):
    organisation_close(actor=None, org=tree.own, valid_to=dt.date(2025, 6, 30), cascade=False)
    assert reload(tree.own).valid_to == dt.date(2025, 6, 30)
    assert reload(tree.child).valid_to is None


def test_close_before_valid_from_is_refused(tree):
    organisation_update(actor=None, org=tree.own, data={"valid_from": dt.date(2025, 7, 1)})
    with pytest.raises(DomainError):
        organisation_close(actor=None, org=tree.own, valid_to=dt.date(2025, 1, 1))
    assert reload(tree.own).valid_to is None


# --- merge and lineage ---------------------------------------------------------------------


def test_merge_closes_predecessors_and_links_both_ways(tree):
    a = make_org("UBND huyện A", parent=tree.root, kind="other")
    a_unit = make_org("Phòng Tư pháp huyện A", parent=a, kind="unit")
    b = make_org("UBND huyện B", parent=tree.root, kind="other")
    successor = make_org("UBND xã Mới", parent=tree.root, kind="commune_committee")
    result = organisation_merge(
        actor=None, predecessors=[a, b], successor=successor, effective_date=dt.date(2025, 7, 1)
    )
    assert result.pk == successor.pk
    assert reload(a).valid_to == dt.date(2025, 6, 30)
    assert reload(b).valid_to == dt.date(2025, 6, 30)
    assert reload(a_unit).valid_to == dt.date(2025, 6, 30)  # units of a closed body close too
    assert set(successor.predecessors.all()) == {a, b}
    assert list(a.successors.all()) == [successor]
    assert list(b.successors.all()) == [successor]
    assert reload(successor).valid_to is None


def test_merge_refuses_self_and_lineage_cycles(tree):
    with pytest.raises(DomainError):
        organisation_merge(
            actor=None, predecessors=[tree.own], successor=tree.own, effective_date=dt.date.today()
        )
    organisation_merge(
        actor=None,
        predecessors=[tree.sibling],
        successor=tree.other,
        effective_date=dt.date(2025, 7, 1),
    )
    # tree.other descends from tree.sibling: sibling cannot now descend from other.
    organisation_update(actor=None, org=tree.sibling, data={"valid_to": None})
    with pytest.raises(DomainError) as exc:
        organisation_merge(
            actor=None,
            predecessors=[tree.other],
            successor=tree.sibling,
            effective_date=dt.date(2026, 1, 1),
        )
    assert exc.value.error_code == "lineage_cycle"


def test_merge_refuses_successor_inside_predecessor(tree):
    with pytest.raises(DomainError) as exc:
        organisation_merge(
            actor=None,
            predecessors=[tree.own],
            successor=tree.child,
            effective_date=dt.date.today(),
        )
    assert exc.value.error_code == "merge_successor_inside"


def test_merge_refuses_inactive_successor(tree):
    organisation_close(actor=None, org=tree.other, valid_to=dt.date(2025, 1, 1))
    with pytest.raises(DomainError) as exc:
        organisation_merge(
            actor=None,
            predecessors=[tree.sibling],
            successor=tree.other,
            effective_date=dt.date(2025, 7, 1),
        )
    assert exc.value.error_code == "merge_successor_inactive"
    assert reload(tree.sibling).valid_to is None


def test_lineage_is_transitive_both_ways(tree):
    old1 = make_org("Huyện cũ 1", parent=tree.root, kind="other")
    old2 = make_org("Huyện cũ 2", parent=tree.root, kind="other")
    middle = make_org("Thị xã", parent=tree.root, kind="other")
    new = make_org("Phường mới", parent=tree.root, kind="commune_committee")
    later = make_org("Phường sau này", parent=tree.root, kind="commune_committee")
    organisation_merge(
        actor=None, predecessors=[old1, old2], successor=middle, effective_date=dt.date(2020, 1, 1)
    )
    organisation_merge(
        actor=None, predecessors=[middle], successor=new, effective_date=dt.date(2025, 7, 1)
    )
    organisation_merge(
        actor=None, predecessors=[new], successor=later, effective_date=dt.date(2026, 1, 1)
    )
    lineage = organisation_lineage(new)
    assert {o.pk for o in lineage.predecessors} == {old1.pk, old2.pk, middle.pk}
    assert [o.pk for o in lineage.successors] == [later.pk]
    assert lineage.ids == {old1.pk, old2.pk, middle.pk, new.pk, later.pk}
    assert organisation_lineage(old1).successors == [middle, new, later]


def test_set_predecessors_refuses_cycle(tree):
    organisation_set_predecessors(actor=None, org=tree.own, predecessors=[tree.sibling])
    with pytest.raises(DomainError):
        organisation_set_predecessors(actor=None, org=tree.sibling, predecessors=[tree.own])
    with pytest.raises(DomainError):
        organisation_set_predecessors(actor=None, org=tree.own, predecessors=[tree.own])
    assert list(tree.own.predecessors.all()) == [tree.sibling]


# --- delete --------------------------------------------------------------------------------


def test_delete_leaf_and_refusals(tree):
    leaf = make_org("Nhập nhầm", parent=tree.own, kind="unit")
    organisation_delete(actor=None, org=leaf)
    assert not Organisation.objects.filter(pk=leaf.pk).exists()
    with pytest.raises(DomainError) as exc:
        organisation_delete(actor=None, org=tree.own)
    assert exc.value.error_code == "has_children"
    make_official(tree.grandchild, Role.SPECIALIST)
    with pytest.raises(DomainError) as exc:
        organisation_delete(actor=None, org=tree.grandchild)
    assert exc.value.error_code == "in_use"
    assert Organisation.objects.filter(pk=tree.grandchild.pk).exists()
