"""Fixtures for the UI shell tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from chinhquyen.accounts.models import User
from chinhquyen.accounts.tests.factories import make_official
from chinhquyen.core.calendar import reset_calendar_cache
from chinhquyen.orgs.models import Organisation, OrganisationKind
from chinhquyen.orgs.tests.factories import make_org


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    """Calendars are cached per process; every test starts from the database's data."""
    cache.clear()
    reset_calendar_cache()
    yield
    cache.clear()
    reset_calendar_cache()


def official(unit: Organisation, role: str, **kwargs: object) -> User:
    """An official with TOTP activated (officials without it are sent to activate it)."""
    return make_official(unit, role, totp=True, **kwargs)


@pytest.fixture
def province(db: None) -> Organisation:
    return make_org("UBND tỉnh Thử nghiệm", kind=OrganisationKind.PROVINCIAL_COMMITTEE)


@pytest.fixture
def department(province: Organisation) -> Organisation:
    return make_org("Sở Tư pháp Thử nghiệm", parent=province)
