"""Security finding #9, point 2: a CCCD is verified by proof only; merging is explicit."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied

from chinhquyen.accounts import services
from chinhquyen.accounts.models import Role, User
from chinhquyen.accounts.tests.conftest import Tree
from chinhquyen.accounts.tests.factories import PASSWORD, make_official
from chinhquyen.core.api import DomainError

pytestmark = pytest.mark.django_db

CCCD = "037190004567"


def _local(username: str) -> User:
    return services.citizen_register(
        username=username, full_name="Nguyễn Văn A", citizen_id=CCCD, password=PASSWORD
    )


def test_officer_verifies_at_the_counter_and_only_once_per_cccd(tree: Tree) -> None:
    desk = make_official(tree.unit, Role.DESK_OFFICER, totp=True)
    specialist = make_official(tree.unit, Role.SPECIALIST, totp=True)
    first, second = _local("a1"), _local("a2")
    assert not first.citizen_id_verified
    with pytest.raises(PermissionDenied):
        services.citizen_id_verify(actor=specialist, user=first)
    assert services.citizen_id_verify(actor=desk, user=first).citizen_id_verified
    with pytest.raises(Exception, match="đã được xác minh"):
        services.citizen_id_verify(actor=desk, user=second)


def test_citizen_merges_a_local_account_by_its_password() -> None:
    local = _local("local")
    idp = services.citizen_register(
        username="idp", full_name="Nguyễn Văn A", citizen_id=CCCD, verified_by="VNeID"
    )
    with pytest.raises(DomainError):
        services.citizen_accounts_merge(actor=idp, target=idp, source=local, password="sai")
    services.citizen_accounts_merge(actor=idp, target=idp, source=local, password=PASSWORD)
    local.refresh_from_db()
    assert not local.is_active
    entry = LogEntry.objects.filter(object_pk=str(local.pk), actor=idp).latest("pk")
    assert entry.changes_dict["merged_into"][1] == str(idp.pk)
    with pytest.raises(DomainError):  # an unverified target cannot receive a merge
        services.citizen_accounts_merge(actor=local, target=local, source=idp, password=PASSWORD)


def test_the_counter_action_and_the_merge_page(tree: Tree) -> None:
    from django.test import Client
    from django.urls import reverse

    from chinhquyen.accounts.testing import force_login_with_mfa

    local = _local("cu")
    desk = make_official(tree.unit, Role.DESK_OFFICER, totp=True)
    officer = Client()
    force_login_with_mfa(officer, desk)
    url = reverse("accounts:citizen_id_verify", kwargs={"pk": local.pk})
    assert officer.post(url).status_code == 302  # not confirmed: nothing changes
    local.refresh_from_db()
    assert not local.citizen_id_verified
    assert officer.post(url, {"confirm": "1"}).status_code == 302
    local.refresh_from_db()
    assert local.citizen_id_verified and local.citizen_id_verified_by.endswith(desk.username)

    other = services.citizen_register(
        username="cu2", full_name="Nguyễn Văn A", citizen_id="037190004568", password=PASSWORD
    )
    citizen = Client()
    citizen.force_login(local)
    assert citizen.get(reverse("accounts:citizen_merge")).status_code == 200
    response = citizen.post(
        reverse("accounts:citizen_merge"), {"username": "cu2", "password": PASSWORD}
    )
    assert response.status_code == 200  # another CCCD: refused on the form
    assert "hai số CCCD khác nhau" in response.content.decode()
    other.refresh_from_db()
    assert other.is_active
