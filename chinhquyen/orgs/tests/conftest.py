"""Fixtures for the organisation tests: a small tree with every relation the authorization
matrix needs (own unit, child, sibling, parent, another branch)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from chinhquyen.orgs.models import Organisation, OrganisationKind

from .factories import make_org


@dataclass
class Tree:
    root: Organisation  # R
    parent: Organisation  # P, under R
    own: Organisation  # U, under P — where the actor's position is
    child: Organisation  # C, under U
    grandchild: Organisation  # G, under C
    sibling: Organisation  # S, under P
    branch: Organisation  # Q, under R
    other: Organisation  # X, under Q — another branch

    def target(self, relation: str) -> Organisation:
        return {
            "own": self.own,
            "child": self.child,
            "sibling": self.sibling,
            "parent": self.parent,
            "other": self.other,
        }[relation]


@pytest.fixture
def tree(db) -> Tree:
    k = OrganisationKind
    root = make_org("UBND tỉnh Thử Nghiệm", kind=k.PROVINCIAL_COMMITTEE)
    parent = make_org("Sở Tư pháp", parent=root)
    own = make_org("Phòng Hành chính tư pháp", parent=parent, kind=k.UNIT)
    child = make_org("Tổ Hộ tịch", parent=own, kind=k.UNIT)
    grandchild = make_org("Nhóm Chứng thực", parent=child, kind=k.UNIT)
    sibling = make_org("Phòng Bổ trợ tư pháp", parent=parent, kind=k.UNIT)
    branch = make_org("Sở Xây dựng", parent=root)
    other = make_org("Phòng Quản lý xây dựng", parent=branch, kind=k.UNIT)
    return Tree(root, parent, own, child, grandchild, sibling, branch, other)
