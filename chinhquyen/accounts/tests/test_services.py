"""Account services: officials, positions, citizens, businesses, API clients and tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chinhquyen.accounts import services
from chinhquyen.accounts.authentication import hash_token
from chinhquyen.accounts.models import ApiToken, Position, Role, User, UserKind
from chinhquyen.accounts.tests.conftest import Tree
from chinhquyen.accounts.tests.factories import make_official, make_user

pytestmark = pytest.mark.django_db


def _create(actor: User | None, tree: Tree, **kwargs: object) -> User:
    params: dict = {
        "actor": actor,
        "username": "nguyenvanb",
        "full_name": "Nguyễn Văn Bình",
        "email": "Binh@Example.vn",
        "phone": "0912345678",
        "password": "Mat-khau-rat-manh-2026",
        "positions": [services.PositionSpec(unit=tree.unit, role=Role.SPECIALIST)],
    }
    params.update(kwargs)
    return services.official_create(**params)


def test_official_create_makes_official_with_verified_email_and_position(
    tree: Tree, dept_admin: User
) -> None:
    user = _create(dept_admin, tree)
    assert user.kind == UserKind.OFFICIAL
    assert user.email == "binh@example.vn"
    assert user.check_password("Mat-khau-rat-manh-2026")
    assert EmailAddress.objects.get(user=user).verified is True
    position = Position.objects.get(user=user)
    assert (position.unit, position.role) == (tree.unit, Role.SPECIALIST)
    assert "nguyen van binh" in user.search_text
    entry = LogEntry.objects.get_for_object(user).first()
    assert entry is not None and entry.actor == dept_admin
    assert "password" not in entry.changes_dict


def test_official_create_accepts_mapping_positions_and_no_password(tree: Tree) -> None:
    user = _create(
        None,
        tree,
        password=None,
        positions=[{"unit": tree.dept, "role": Role.CLERK, "title": "Văn thư"}],
    )
    assert not user.has_usable_password()
    assert user.positions.get().title == "Văn thư"


def test_official_create_outside_scope_is_denied(tree: Tree, dept_admin: User) -> None:
    with pytest.raises(PermissionDenied):
        _create(dept_admin, tree, positions=[{"unit": tree.dept2, "role": Role.SPECIALIST}])
    assert not User.objects.filter(username="nguyenvanb").exists()


def test_official_create_by_non_admin_is_denied(tree: Tree) -> None:
    leader = make_official(tree.dept, Role.LEADER)
    with pytest.raises(PermissionDenied):
        _create(leader, tree)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"positions": []}, "positions"),
        ({"username": "QTV.SO"}, "username"),
        ({"email": "qtv.so@example.vn"}, "email"),
        ({"full_name": "  "}, "full_name"),
        ({"phone": "12345"}, "phone"),
        ({"password": "123"}, "password"),
    ],
)
def test_official_create_rejects_bad_input_in_vietnamese(
    tree: Tree, dept_admin: User, overrides: dict, field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        _create(dept_admin, tree, **overrides)
    assert field in info.value.message_dict


def test_official_create_rejects_api_client_role(tree: Tree, dept_admin: User) -> None:
    with pytest.raises(ValidationError) as info:
        _create(dept_admin, tree, positions=[{"unit": tree.unit, "role": Role.API_CLIENT}])
    assert "Hệ thống kết nối" in info.value.message_dict["role"][0]


def test_position_assign_acting_delegated_with_dates(tree: Tree, dept_admin: User) -> None:
    official = make_official(tree.unit, Role.UNIT_HEAD)
    leader = make_official(tree.dept, Role.LEADER)
    today = timezone.localdate()
    position = services.position_assign(
        actor=dept_admin,
        user=official,
        unit=tree.dept,
        role=Role.LEADER,
        title="Quyền Giám đốc",
        is_acting=True,
        delegated_by=leader,
        valid_from=today,
        valid_to=today + dt.timedelta(days=30),
    )
    assert position.is_acting and position.delegated_by == leader
    assert position.is_active()
    assert str(position).startswith("Q. ")


def test_position_assign_rejects_overlap_bad_range_and_citizens(
    tree: Tree, dept_admin: User, citizen: User
) -> None:
    official = make_official(tree.unit, Role.SPECIALIST)
    with pytest.raises(services.DomainError):
        services.position_assign(
            actor=dept_admin, user=official, unit=tree.unit, role=Role.SPECIALIST
        )
    with pytest.raises(ValidationError):
        services.position_assign(
            actor=dept_admin,
            user=official,
            unit=tree.unit2,
            role=Role.CLERK,
            valid_from=dt.date(2026, 5, 1),
            valid_to=dt.date(2026, 4, 1),
        )
    with pytest.raises(services.DomainError):
        services.position_assign(actor=dept_admin, user=citizen, unit=tree.unit, role=Role.CLERK)


def test_position_assign_outside_scope_denied(tree: Tree, dept_admin: User) -> None:
    official = make_official(tree.unit, Role.SPECIALIST)
    with pytest.raises(PermissionDenied):
        services.position_assign(
            actor=dept_admin, user=official, unit=tree.province, role=Role.LEADER
        )


def test_position_end_inclusive_last_day(tree: Tree, dept_admin: User) -> None:
    official = make_official(tree.unit, Role.SPECIALIST)
    position = official.positions.get()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    services.position_end(actor=dept_admin, position=position, on=yesterday)
    position.refresh_from_db()
    assert position.valid_to == yesterday
    assert not position.is_active()
    assert not Position.objects.active().filter(pk=position.pk).exists()
    with pytest.raises(services.DomainError):
        services.position_end(actor=dept_admin, position=position, on=yesterday)


def test_position_end_denied_outside_scope(tree: Tree, dept_admin: User) -> None:
    official = make_official(tree.dept2_unit, Role.SPECIALIST)
    with pytest.raises(PermissionDenied):
        services.position_end(
            actor=dept_admin, position=official.positions.get(), on=timezone.localdate()
        )


def test_citizen_register_validates_and_keeps_cccd_unique(citizen: User) -> None:
    user = services.citizen_register(
        username="tranthic",
        full_name="Trần Thị C",
        citizen_id="001195012345",
        email="c@example.vn",
        password="Mat-khau-rat-manh-2026",
    )
    assert user.kind == UserKind.CITIZEN and user.citizen_id == "001195012345"
    assert not user.citizen_id_verified  # a typed CCCD is unverified until proven
    # a local sign-up never tells whether a CCCD is taken (security finding #9): a second
    # unverified account with the same CCCD is accepted, and never receives the identity
    second = services.citizen_register(
        username="other", full_name="Người khác", citizen_id=citizen.citizen_id
    )
    assert not second.citizen_id_verified
    # ...but only one account may hold a CCCD as verified
    services.citizen_register(
        username="verified1", full_name="Trần Thị C", citizen_id="001195012345", verified_by="vneid"
    )
    with pytest.raises(ValidationError) as info:
        services.citizen_register(
            username="verified2",
            full_name="Người khác",
            citizen_id="001195012345",
            verified_by="vneid",
        )
    assert info.value.message_dict["citizen_id"] == [services.CCCD_VERIFIED_ELSEWHERE]
    for bad in ("12345", "099123456789", "abcdefghijkl", ""):
        with pytest.raises(ValidationError) as info:
            services.citizen_register(username=f"x{bad}", full_name="X", citizen_id=bad)
        assert "CCCD" in info.value.message_dict["citizen_id"][0]


def test_business_register_validates_tax_code(db: None) -> None:
    user = services.business_register(
        username="ctyabc",
        full_name="Lê Văn D",
        tax_code="0100109106-001",
        organisation_name="Công ty Cổ phần Ánh Dương",
    )
    assert user.kind == UserKind.BUSINESS
    assert "anh duong" in user.search_text
    with pytest.raises(ValidationError) as info:
        services.business_register(
            username="ctyxyz", full_name="X", tax_code="12AB", organisation_name="X"
        )
    assert "Mã số thuế" in info.value.message_dict["tax_code"][0]
    with pytest.raises(ValidationError) as info:
        services.business_register(
            username="ctyxyz", full_name="X", tax_code="0100109106", organisation_name=""
        )
    assert "organisation_name" in info.value.message_dict


def test_user_deactivate_revokes_tokens_and_checks_scope(tree: Tree, dept_admin: User) -> None:
    official = make_official(tree.unit, Role.SPECIALIST)
    token, _raw = services.api_token_issue(actor=None, user=official, name="tích hợp")
    outsider = make_official(tree.dept2, Role.SPECIALIST)
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=dept_admin, user=outsider)
    services.user_deactivate(actor=dept_admin, user=official)
    official.refresh_from_db()
    token.refresh_from_db()
    assert official.is_active is False
    assert token.revoked_at is not None


def test_api_client_create_and_token_lifecycle(tree: Tree, dept_admin: User) -> None:
    client = services.api_client_create(actor=dept_admin, name="Cổng dịch vụ công", unit=tree.dept)
    assert client.kind == UserKind.API_CLIENT
    assert client.username == "api-cong-dich-vu-cong"
    assert not client.has_usable_password()
    assert client.positions.get().role == Role.API_CLIENT
    again = services.api_client_create(actor=dept_admin, name="Cổng dịch vụ công", unit=tree.dept)
    assert again.username == "api-cong-dich-vu-cong-2"

    token, raw = services.api_token_issue(actor=dept_admin, user=client, name="sản xuất")
    assert raw.startswith("cq_") and token.prefix == raw[:10]
    assert token.digest == hash_token(raw) and raw not in token.digest
    entry = LogEntry.objects.get_for_object(token).get()
    assert "digest" not in entry.changes_dict

    services.api_token_revoke(actor=dept_admin, token=token)
    services.api_token_revoke(actor=dept_admin, token=token)  # idempotent
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_api_client_and_token_permissions(tree: Tree, dept_admin: User) -> None:
    with pytest.raises(PermissionDenied):
        services.api_client_create(actor=dept_admin, name="LGSP", unit=tree.dept2)
    other_client = services.api_client_create(actor=None, name="LGSP", unit=tree.dept2)
    with pytest.raises(PermissionDenied):
        services.api_token_issue(actor=dept_admin, user=other_client, name="x")
    leader = make_official(tree.dept, Role.LEADER)
    own_client = services.api_client_create(actor=dept_admin, name="Một cửa", unit=tree.dept)
    with pytest.raises(PermissionDenied):
        services.api_token_issue(actor=leader, user=own_client, name="x")
    with pytest.raises(ValidationError):
        services.api_token_issue(
            actor=dept_admin,
            user=own_client,
            name="x",
            expires_at=timezone.now() - dt.timedelta(minutes=1),
        )


def test_official_update_and_mfa_reset(tree: Tree, dept_admin: User) -> None:
    official = make_official(tree.unit, Role.SPECIALIST, totp=True)
    services.official_update(
        actor=dept_admin,
        user=official,
        full_name="Tên Mới",
        email="moi@example.vn",
        phone="0912000111",
    )
    official.refresh_from_db()
    assert official.full_name == "Tên Mới"
    assert EmailAddress.objects.get(user=official).email == "moi@example.vn"
    assert services.official_mfa_reset(actor=dept_admin, user=official) == 1
    assert not Authenticator.objects.filter(user=official).exists()
    with pytest.raises(services.DomainError):
        services.official_mfa_reset(actor=dept_admin, user=dept_admin)


def test_citizen_is_never_managed(tree: Tree, root_admin: User) -> None:
    citizen = make_user(UserKind.CITIZEN)
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=root_admin, user=citizen)
    services.user_deactivate(actor=citizen, user=citizen)  # one's own account
    citizen.refresh_from_db()
    assert citizen.is_active is False
