"""Fixtures for the UI shell tests."""

from __future__ import annotations

import pytest

from chinhquyen.accounts.models import User
from chinhquyen.accounts.tests.factories import make_official
from chinhquyen.orgs.models import Organisation, OrganisationKind
from chinhquyen.orgs.tests.factories import make_org


def official(unit: Organisation, role: str, **kwargs: object) -> User:
    """An official with TOTP activated (officials without it are sent to activate it)."""
    return make_official(unit, role, totp=True, **kwargs)


@pytest.fixture
def province(db: None) -> Organisation:
    return make_org("UBND tỉnh Thử nghiệm", kind=OrganisationKind.PROVINCIAL_COMMITTEE)


@pytest.fixture
def department(province: Organisation) -> Organisation:
    return make_org("Sở Tư pháp Thử nghiệm", parent=province)
