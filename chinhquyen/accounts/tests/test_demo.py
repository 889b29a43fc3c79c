"""The demo loader (idempotent) and the demo commands."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from chinhquyen.accounts import demo
from chinhquyen.accounts.models import Position, Role, User, UserKind
from chinhquyen.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Position.objects.count(),
        Authenticator.objects.count(),
    )


def test_load_demo_is_idempotent_and_creates_the_accounts() -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = _counts()
    call_command("load_demo", stdout=out)
    assert _counts() == first
    assert "Đã nạp dữ liệu mẫu" in out.getvalue()

    users = {u.username: u for u in User.objects.all()}
    assert set(users) >= demo.DEMO_USERNAMES
    expected = {
        "quantri": ("province", Role.IT_ADMIN),
        "lanhdao.tinh": ("province", Role.LEADER),
        "motcua": ("service_centre", Role.DESK_OFFICER),
        "lanhdao": ("dept_justice", Role.LEADER),
        "truongphong": ("dept_justice_admin", Role.UNIT_HEAD),
        "chuyenvien": ("dept_justice_admin", Role.SPECIALIST),
        "vanthu": ("dept_justice_office", Role.CLERK),
        "motcua.xa": ("commune_desk", Role.DESK_OFFICER),
        "chuyenvien.xa": ("commune_culture", Role.SPECIALIST),
    }
    from chinhquyen.orgs.demo import load_demo_organisations

    orgs = load_demo_organisations()
    for username, (unit_key, role) in expected.items():
        user = users[username]
        assert user.kind == UserKind.OFFICIAL
        assert user.check_password(demo.DEMO_PASSWORD)
        assert Position.objects.filter(
            user=user, unit=orgs[unit_key], role=role, is_acting=False
        ).exists(), username
        assert demo.stored_totp_secret(user) == demo.demo_totp_secret(username)
        assert Authenticator.objects.filter(user=user, type="recovery_codes").exists()
    acting = Position.objects.get(user=users["truongphong"], is_acting=True)
    assert (acting.unit, acting.role, acting.delegated_by) == (
        orgs["dept_justice"],
        Role.LEADER,
        users["lanhdao"],
    )
    assert acting.valid_from is not None and acting.valid_to is not None and acting.is_active()
    assert users["congdan"].kind == UserKind.CITIZEN
    assert users["congdan"].citizen_id.startswith("037")
    assert users["doanhnghiep"].kind == UserKind.BUSINESS and users["doanhnghiep"].tax_code


def test_demo_loaders_list_is_extensible() -> None:
    calls: list[str] = []

    def extra(context: dict[str, Any]) -> dict[str, Any]:
        calls.append(",".join(sorted(context)))
        return {"extra": True}

    context = demo.load_demo([*demo.DEMO_LOADERS, extra])
    assert context["extra"] is True
    assert calls == ["accounts,orgs"]


def test_demo_official_signs_in_with_the_demo_totp(client: Client) -> None:
    demo.load_demo()
    response = client.post(
        reverse("account_login"), {"login": "quantri", "password": demo.DEMO_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    code = pyotp.TOTP(demo.demo_totp_secret("quantri")).now()
    assert code == demo.demo_totp_code("quantri")
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.get("/api/v1/me/").json()["username"] == "quantri"


def test_demo_accounts_and_demo_totp_commands() -> None:
    demo.load_demo()
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    for username in demo.DEMO_USERNAMES:
        assert username in text
    assert demo.DEMO_PASSWORD in text and demo.demo_totp_secret("vanthu") in text
    assert "demo_totp" in text and "Văn thư" in text

    out, err = StringIO(), StringIO()
    call_command("demo_totp", "chuyenvien", stdout=out, stderr=err)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    assert pyotp.TOTP(demo.demo_totp_secret("chuyenvien")).verify(code, valid_window=1)

    with pytest.raises(CommandError):
        call_command("demo_totp", "congdan")
    with pytest.raises(CommandError):
        call_command("demo_totp", "nguoila")
    user = User.objects.get(username="vanthu")
    Authenticator.objects.filter(user=user, type="totp").update(data={"secret": "JBSWY3DPEHPK3PXP"})
    with pytest.raises(CommandError):
        call_command("demo_totp", "vanthu")
