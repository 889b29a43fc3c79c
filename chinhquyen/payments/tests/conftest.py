"""Fixtures of the payments tests: an organisation tree, a citizen, officials with TOTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chinhquyen.accounts.models import Role, User, UserKind
from chinhquyen.accounts.tests.factories import make_official, make_user
from chinhquyen.orgs.models import Organisation, OrganisationKind
from chinhquyen.orgs.tests.factories import make_org
from chinhquyen.payments import hooks


@pytest.fixture(autouse=True)
def _sandbox_provider(settings) -> None:
    settings.PAYMENT_PROVIDER = "vnpay_sandbox"


@pytest.fixture
def province(db) -> Organisation:
    return make_org("UBND tỉnh Thử Nghiệm", kind=OrganisationKind.PROVINCIAL_COMMITTEE)


@pytest.fixture
def department(province: Organisation) -> Organisation:
    return make_org("Sở Tư pháp", parent=province)


@pytest.fixture
def other_department(province: Organisation) -> Organisation:
    return make_org("Sở Tài chính", parent=province)


@pytest.fixture
def citizen(db) -> User:
    return make_user(UserKind.CITIZEN, full_name="Nguyễn Văn An", phone="0987654321")


@pytest.fixture
def other_citizen(db) -> User:
    return make_user(UserKind.CITIZEN, full_name="Trần Thị Bình")


@pytest.fixture
def province_leader(province: Organisation) -> User:
    return make_official(province, Role.LEADER, totp=True)


@pytest.fixture
def department_leader(department: Organisation) -> User:
    return make_official(department, Role.LEADER, totp=True)


@pytest.fixture
def it_admin(province: Organisation) -> User:
    return make_official(province, Role.IT_ADMIN, totp=True)


@pytest.fixture
def specialist(department: Organisation) -> User:
    return make_official(department, Role.SPECIALIST, totp=True)


@pytest.fixture
def paid_calls() -> Iterator[list[tuple[str, str, str]]]:
    """Registers a paid hook for payable type "test"; yields the calls it saw."""
    calls: list[tuple[str, str, str]] = []

    def hook(payment) -> None:  # type: ignore[no-untyped-def]
        calls.append((payment.reference, payment.payable_id, payment.status))

    hooks.on_payment_paid("test")(hook)
    yield calls
    hooks.unregister_paid_hook("test", hook)
