"""Fixtures for accounts tests: a small organisation tree and people in it.

province
├── dept                 (Sở)
│   ├── unit             (Phòng A)   <- "own" unit of the matrix viewers
│   │   └── team         (Tổ)        <- "child"
│   └── unit2            (Phòng B)   <- "sibling"
└── dept2                (Sở khác)
    └── dept2_unit       (Phòng C)   <- "other branch"
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from chinhquyen.accounts.models import Role, User, UserKind
from chinhquyen.accounts.tests.factories import make_official, make_user
from chinhquyen.orgs.models import Organisation, OrganisationKind
from chinhquyen.orgs.tests.factories import make_org


@dataclass
class Tree:
    province: Organisation
    dept: Organisation
    unit: Organisation
    team: Organisation
    unit2: Organisation
    dept2: Organisation
    dept2_unit: Organisation


@pytest.fixture
def tree(db: None) -> Tree:
    province = make_org("UBND tỉnh Thử nghiệm", kind=OrganisationKind.PROVINCIAL_COMMITTEE)
    dept = make_org("Sở Tư pháp Thử nghiệm", parent=province)
    unit = make_org("Phòng Hành chính", parent=dept, kind=OrganisationKind.UNIT)
    team = make_org("Tổ Chứng thực", parent=unit, kind=OrganisationKind.UNIT)
    unit2 = make_org("Phòng Bổ trợ", parent=dept, kind=OrganisationKind.UNIT)
    dept2 = make_org("Sở Xây dựng Thử nghiệm", parent=province)
    dept2_unit = make_org("Phòng Quản lý nhà", parent=dept2, kind=OrganisationKind.UNIT)
    return Tree(province, dept, unit, team, unit2, dept2, dept2_unit)


@pytest.fixture
def root_admin(tree: Tree) -> User:
    return make_official(
        tree.province, Role.IT_ADMIN, totp=True, username="qtv", email="qtv@example.vn"
    )


@pytest.fixture
def dept_admin(tree: Tree) -> User:
    return make_official(
        tree.dept, Role.IT_ADMIN, totp=True, username="qtv.so", email="qtv.so@example.vn"
    )


@pytest.fixture
def citizen(db: None) -> User:
    return make_user(
        UserKind.CITIZEN, username="congdan", citizen_id="037090001234", full_name="Nguyễn Văn An"
    )
