"""Demo data: the demo province's accounts, and the list of demo loaders run by ``load_demo``.

``DEMO_LOADERS`` is the one list ``manage.py load_demo`` walks, in order. Each loader takes the
shared context (a dict: what earlier loaders returned, e.g. ``orgs`` and ``accounts``) and
returns a dict to merge into it, or None. Every loader must be idempotent: ``load_demo`` runs
on every ``make run``. Later apps add their loader to the list.

Every demo account has the password ``ChinhQuyen@2026``. Every demo official has a TOTP
authenticator with a fixed secret (``demo_totp_secret``) so that the demo works with any
authenticator app, plus recovery codes; ``manage.py demo_accounts`` prints them and
``manage.py demo_totp <username>`` prints the current code.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt, encrypt
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chinhquyen.orgs.models import Organisation

from . import services
from .models import Position, Role, User, UserKind

DEMO_PASSWORD = "ChinhQuyen@2026"  # noqa: S105 (the documented demo password)

DemoLoader = Callable[[dict[str, Any]], "dict[str, Any] | None"]


@dataclass(frozen=True)
class DemoOfficial:
    username: str
    full_name: str
    unit_key: str
    role: str
    title: str
    phone: str = ""


DEMO_OFFICIALS: tuple[DemoOfficial, ...] = (
    DemoOfficial(
        "quantri", "Trần Quốc Khánh", "province", Role.IT_ADMIN, "Quản trị hệ thống", "0912000001"
    ),
    DemoOfficial(
        "lanhdao.tinh", "Phạm Minh Tuấn", "province", Role.LEADER, "Phó Chủ tịch UBND tỉnh"
    ),
    DemoOfficial(
        "motcua",
        "Lê Thị Hoa",
        "service_centre",
        Role.DESK_OFFICER,
        "Cán bộ tiếp nhận và trả kết quả",
    ),
    DemoOfficial("lanhdao", "Đinh Văn Hùng", "dept_justice", Role.LEADER, "Giám đốc Sở"),
    DemoOfficial(
        "truongphong", "Nguyễn Thị Lan", "dept_justice_admin", Role.UNIT_HEAD, "Trưởng phòng"
    ),
    DemoOfficial("chuyenvien", "Vũ Đức Minh", "dept_justice_admin", Role.SPECIALIST, "Chuyên viên"),
    DemoOfficial("vanthu", "Hoàng Thị Mai", "dept_justice_office", Role.CLERK, "Văn thư"),
    DemoOfficial(
        "motcua.xa",
        "Bùi Văn Nam",
        "commune_desk",
        Role.DESK_OFFICER,
        "Công chức Bộ phận một cửa",
    ),
    DemoOfficial(
        "chuyenvien.xa",
        "Đỗ Thị Thu",
        "commune_culture",
        Role.SPECIALIST,
        "Công chức Văn hóa - Xã hội",
    ),
)

DEMO_CITIZEN = {
    "username": "congdan",
    "full_name": "Nguyễn Văn An",
    "citizen_id": "037090001234",  # 037 Ninh Bình, 0 = male born in the 1900s, 90 = 1990
    "email": "congdan@example.vn",
    "phone": "0987654321",
    "address": "Phường Hoa Lư, tỉnh Ninh Bình",
}
DEMO_BUSINESS = {
    "username": "doanhnghiep",
    "full_name": "Trịnh Thị Bích",
    "tax_code": "2700123456",
    "organisation_name": "Công ty TNHH Du lịch Tràng An Xanh",
    "email": "doanhnghiep@example.vn",
    "phone": "0229387654",
    "address": "Xã Gia Viễn, tỉnh Ninh Bình",
}
# truongphong is also acting leader (quyền Giám đốc) of the department, delegated by lanhdao.
DEMO_ACTING = {
    "username": "truongphong",
    "unit_key": "dept_justice",
    "role": Role.LEADER,
    "title": "Quyền Giám đốc Sở (thời gian Giám đốc đi học)",
    "delegated_by": "lanhdao",
    "days_before": 7,
    "days_after": 90,
}

DEMO_USERNAMES = frozenset(
    [o.username for o in DEMO_OFFICIALS] + [DEMO_CITIZEN["username"], DEMO_BUSINESS["username"]]
)
DEMO_OFFICIAL_USERNAMES = frozenset(o.username for o in DEMO_OFFICIALS)


def demo_email(username: str) -> str:
    return f"{username}@example.vn"


def demo_totp_secret(username: str) -> str:
    """The fixed TOTP secret of a demo official (base32, 160 bits, derived from the name)."""
    digest = hashlib.sha256(f"chinhquyen-demo-totp:{username}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def _demo_recovery_seed(username: str) -> str:
    return hashlib.sha256(f"chinhquyen-demo-recovery:{username}".encode()).hexdigest()[:80]


def demo_totp_code(username: str, at: float | None = None) -> str:
    """The TOTP code of a demo official at ``at`` (now by default)."""
    now = time.time() if at is None else at
    counter = int(now) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(demo_totp_secret(username), counter))


def stored_totp_secret(user: User) -> str | None:
    auth = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if auth is None:
        return None
    return decrypt(auth.data["secret"])


def ensure_demo_mfa(user: User) -> None:
    """Give a demo official the demo TOTP authenticator and recovery codes (idempotent)."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        Authenticator.objects.create(
            user=user,
            type=Authenticator.Type.TOTP,
            data={"secret": encrypt(demo_totp_secret(user.username))},
        )
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        Authenticator.objects.create(
            user=user,
            type=Authenticator.Type.RECOVERY_CODES,
            data={"seed": encrypt(_demo_recovery_seed(user.username)), "used_mask": 0},
        )


def _ensure_position(
    user: User,
    *,
    unit: Organisation,
    role: str,
    title: str,
    is_acting: bool = False,
    delegated_by: User | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> None:
    if Position.objects.filter(user=user, unit=unit, role=role, is_acting=is_acting).exists():
        return
    services.position_assign(
        actor=None,
        user=user,
        unit=unit,
        role=role,
        title=title,
        is_acting=is_acting,
        delegated_by=delegated_by,
        valid_from=valid_from,
        valid_to=valid_to,
    )


@transaction.atomic
def load_demo_accounts(context: dict[str, Any]) -> dict[str, Any]:
    """Create (or complete) the demo accounts; returns ``{"accounts": {username: User}}``."""
    orgs: dict[str, Organisation] = context["orgs"]
    accounts: dict[str, User] = {}
    for spec in DEMO_OFFICIALS:
        user = User.objects.filter(username=spec.username).first()
        unit = orgs[spec.unit_key]
        if user is None:
            user = services.official_create(
                actor=None,
                username=spec.username,
                full_name=spec.full_name,
                email=demo_email(spec.username),
                phone=spec.phone,
                password=DEMO_PASSWORD,
                positions=[services.PositionSpec(unit=unit, role=spec.role, title=spec.title)],
            )
        else:
            _ensure_position(user, unit=unit, role=spec.role, title=spec.title)
        ensure_demo_mfa(user)
        accounts[spec.username] = user

    acting = DEMO_ACTING
    today = timezone.localdate()
    _ensure_position(
        accounts[str(acting["username"])],
        unit=orgs[str(acting["unit_key"])],
        role=str(acting["role"]),
        title=str(acting["title"]),
        is_acting=True,
        delegated_by=accounts[str(acting["delegated_by"])],
        valid_from=today - dt.timedelta(days=int(acting["days_before"])),  # type: ignore[call-overload]
        valid_to=today + dt.timedelta(days=int(acting["days_after"])),  # type: ignore[call-overload]
    )

    citizen = User.objects.filter(username=DEMO_CITIZEN["username"]).first()
    if citizen is None:
        citizen = services.citizen_register(
            actor=None,
            password=DEMO_PASSWORD,
            verified_by="dữ liệu mẫu (đã đối chiếu CCCD)",
            **DEMO_CITIZEN,
        )
    accounts[citizen.username] = citizen
    business = User.objects.filter(username=DEMO_BUSINESS["username"]).first()
    if business is None:
        business = services.business_register(actor=None, password=DEMO_PASSWORD, **DEMO_BUSINESS)
    accounts[business.username] = business
    return {"accounts": accounts}


def load_orgs(context: dict[str, Any]) -> dict[str, Any]:
    from chinhquyen.orgs.demo import load_demo_organisations

    return {"orgs": load_demo_organisations()}


def load_oidc_sandbox(context: dict[str, Any]) -> dict[str, Any] | None:
    """With OIDC_SANDBOX on, register this deployment at its own sandbox identity provider."""
    if not getattr(settings, "OIDC_SANDBOX", False):
        return None
    from .sandbox import ensure_sandbox_client

    return {"oidc_sandbox_client": ensure_sandbox_client()}


DEMO_LOADERS: list[DemoLoader] = [load_orgs, load_demo_accounts, load_oidc_sandbox]


def load_demo(loaders: list[DemoLoader] | None = None) -> dict[str, Any]:
    """Run every demo loader in order; returns the merged context."""
    context: dict[str, Any] = {}
    for loader in loaders if loaders is not None else DEMO_LOADERS:
        result = loader(context)
        if result:
            context.update(result)
    return context


def demo_rows() -> list[dict[str, str]]:
    """One row per demo account for ``demo_accounts``: who, role, unit, password, TOTP."""
    rows: list[dict[str, str]] = []
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    for spec in DEMO_OFFICIALS:
        user = users.get(spec.username)
        roles = []
        if user is not None:
            for p in Position.objects.active().filter(user=user).select_related("unit"):
                prefix = "Q. " if p.is_acting else ""
                roles.append(f"{prefix}{p.get_role_display()} — {p.unit.name}")
        rows.append(
            {
                "username": spec.username,
                "name": spec.full_name,
                "role": "; ".join(roles) or Role(spec.role).label,
                "password": DEMO_PASSWORD,
                "totp": demo_totp_secret(spec.username),
            }
        )
    for data, kind in ((DEMO_CITIZEN, UserKind.CITIZEN), (DEMO_BUSINESS, UserKind.BUSINESS)):
        rows.append(
            {
                "username": data["username"],
                "name": data["full_name"],
                "role": UserKind(kind).label,
                "password": DEMO_PASSWORD,
                "totp": "",
            }
        )
    return rows
