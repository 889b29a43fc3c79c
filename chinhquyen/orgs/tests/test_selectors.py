import datetime as dt

import pytest

from chinhquyen.accounts.models import Position, Role
from chinhquyen.orgs.models import OrganisationKind
from chinhquyen.orgs.selectors import (
    flatten_tree,
    organisation_by_code,
    organisation_list,
    organisation_tree,
    organisations_manageable_by,
)
from chinhquyen.orgs.services import organisation_update

from .factories import make_org
from .users import official as make_official

pytestmark = pytest.mark.django_db


def names(qs) -> list[str]:
    return [o.name for o in qs]


@pytest.mark.parametrize(
    "query",
    ["so tu phap", "Sở Tư pháp", "SO TU PHAP", "sở tư", "tu phap so", "  so   tu  phap "],
)
def test_accent_insensitive_search(tree, query):
    assert names(organisation_list(q=query)) == ["Sở Tư pháp"]


def test_search_on_d_and_agency_code(tree):
    make_org("Phòng Đăng ký đất đai", parent=tree.branch, kind="unit", agency_code="000.05.77.H99")
    assert names(organisation_list(q="dang ky dat dai")) == ["Phòng Đăng ký đất đai"]
    assert names(organisation_list(q="000.05.77")) == ["Phòng Đăng ký đất đai"]
    assert names(organisation_list(q="khong ton tai")) == []


def test_filters_kind_and_parent(tree):
    assert set(names(organisation_list(parent=tree.parent))) == {
        "Phòng Hành chính tư pháp",
        "Phòng Bổ trợ tư pháp",
    }
    assert names(organisation_list(parent=tree.parent.pk, q="bo tro")) == ["Phòng Bổ trợ tư pháp"]
    assert set(names(organisation_list(kind=OrganisationKind.DEPARTMENT))) == {
        "Sở Tư pháp",
        "Sở Xây dựng",
    }


def test_active_on(tree):
    organisation_update(
        actor=None,
        org=tree.sibling,
        data={"valid_from": dt.date(2020, 1, 1), "valid_to": dt.date(2025, 6, 30)},
    )
    organisation_update(actor=None, org=tree.other, data={"valid_from": dt.date(2025, 7, 1)})
    before = set(names(organisation_list(active_on=dt.date(2025, 6, 30))))
    after = set(names(organisation_list(active_on=dt.date(2025, 7, 1))))
    assert "Phòng Bổ trợ tư pháp" in before and "Phòng Bổ trợ tư pháp" not in after
    assert "Phòng Quản lý xây dựng" in after and "Phòng Quản lý xây dựng" not in before
    assert "Phòng Bổ trợ tư pháp" not in names(organisation_list(active_on=dt.date(2019, 12, 31)))
    assert len(names(organisation_list())) == 8  # no date filter


def test_list_is_in_tree_order(tree):
    paths = [o.path for o in organisation_list()]
    assert paths == sorted(paths)
    own_index = paths.index(tree.own.path)
    assert paths[own_index + 1] == tree.child.path


def test_by_code(tree):
    assert organisation_by_code(tree.own.agency_code) == tree.own
    assert organisation_by_code(f" {tree.own.agency_code.lower()} ") == tree.own
    assert organisation_by_code("000.00.00.X00") is None
    assert organisation_by_code("") is None


def test_manageable_by_is_the_it_admin_subtree(tree):
    admin = make_official(tree.own, Role.IT_ADMIN)
    assert set(organisations_manageable_by(admin)) == {tree.own, tree.child, tree.grandchild}
    leader = make_official(tree.root, Role.LEADER)
    assert list(organisations_manageable_by(leader)) == []
    Position.objects.create(user=admin, unit=tree.other, role=Role.IT_ADMIN)
    from chinhquyen.accounts.permissions import clear_cache

    clear_cache(admin)
    assert tree.other in set(organisations_manageable_by(admin))
    # an ended position no longer counts
    Position.objects.filter(user=admin).update(valid_to=dt.date(2020, 1, 1))
    clear_cache(admin)
    assert list(organisations_manageable_by(admin)) == []


def test_tree_building_and_flattening(tree):
    roots = organisation_tree(organisation_list())
    assert [n.org for n in roots] == [tree.root]
    # departments ordered by kind then agency code
    assert [n.org for n in roots[0].children] == [tree.parent, tree.branch]
    flat = flatten_tree(roots)
    assert flat[0] == (tree.root, 0)
    assert (tree.grandchild, 4) in flat
    assert [org for org, _ in flat].index(tree.grandchild) == (
        [org for org, _ in flat].index(tree.child) + 1
    )
    # a partial set: the subtree's top becomes a root
    partial = organisation_tree(tree.own.descendants())
    assert [n.org for n in partial] == [tree.own]
    assert partial[0].children[0].children[0].org == tree.grandchild


@pytest.mark.postgres
def test_postgresql_search_and_prefix_indexes(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'orgs_organisation'"
        )
        indexes = dict(cursor.fetchall())
    assert "gin_trgm_ops" in indexes["orgs_search_text_trgm"]
    assert any("(path varchar_pattern_ops)" in definition for definition in indexes.values())
