"""Fixtures for audit tests: a province with a department and a sub-unit, and their people."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from chinhquyen.accounts.models import Role, User, UserKind
from chinhquyen.accounts.tests.factories import make_official, make_user
from chinhquyen.orgs.models import Organisation, OrganisationKind
from chinhquyen.orgs.tests.factories import make_org


@dataclass
class World:
    province: Organisation
    department: Organisation
    sub_unit: Organisation
    other_department: Organisation
    root_admin: User
    dept_admin: User
    dept_specialist: User
    sub_specialist: User
    other_specialist: User
    leader: User
    citizen: User


def official(unit: Organisation, role: str, **kwargs: object) -> User:
    """An official with TOTP activated (officials without it are sent to activate it)."""
    user = make_official(unit, role, **kwargs)
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def world(db: None) -> World:
    province = make_org("UBND tỉnh Thử nghiệm", kind=OrganisationKind.PROVINCIAL_COMMITTEE)
    department = make_org("Sở Thử nghiệm", parent=province)
    sub_unit = make_org("Phòng Thử nghiệm", parent=department, kind=OrganisationKind.UNIT)
    other = make_org("Sở Khác", parent=province)
    return World(
        province=province,
        department=department,
        sub_unit=sub_unit,
        other_department=other,
        root_admin=official(
            province, Role.IT_ADMIN, username="qtv_tinh", email="qtv.tinh@example.vn"
        ),
        dept_admin=official(
            department, Role.IT_ADMIN, username="qtv_so", email="qtv.so@example.vn"
        ),
        dept_specialist=official(department, Role.SPECIALIST, username="cv_so"),
        sub_specialist=official(sub_unit, Role.SPECIALIST, username="cv_phong"),
        other_specialist=official(other, Role.SPECIALIST, username="cv_so_khac"),
        leader=official(province, Role.LEADER, username="lanh_dao"),
        citizen=make_user(UserKind.CITIZEN, username="cong_dan"),
    )
