"""Demo editors of the portals: a writer, an editor and the editorial board of the main portal,
and a writer of the commune portal (idempotent, like every demo loader).

The accounts are made first (officials of UBND tỉnh with the demo TOTP); once the portals
exist, each portal's workflow and groups are made sure of (:func:`ensure_workflow`) and:

    phongvien      writer (Phóng viên cổng)              main portal
    bientap        editor (Biên tập viên cổng)           main portal
    pheduyet       approver (Trưởng Ban biên tập)        main portal
    chuyenvien.xa  writer of the commune portal (an existing demo official)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from chinhquyen.accounts import services
from chinhquyen.accounts.demo import DEMO_PASSWORD, demo_email, ensure_demo_mfa
from chinhquyen.accounts.models import Role, User


@dataclass(frozen=True)
class DemoEditor:
    username: str
    full_name: str
    role: str
    title: str
    group: str  # writers | editors | approvers


DEMO_EDITORS: tuple[DemoEditor, ...] = (
    DemoEditor("phongvien", "Ngô Thị Thanh Hương", Role.SPECIALIST, "Phóng viên cổng", "writers"),
    DemoEditor("bientap", "Lưu Quang Vinh", Role.SPECIALIST, "Biên tập viên cổng", "editors"),
    DemoEditor("pheduyet", "Hà Thị Ngọc Anh", Role.UNIT_HEAD, "Trưởng Ban biên tập", "approvers"),
)
DEMO_EDITOR_USERNAMES = frozenset(e.username for e in DEMO_EDITORS)
COMMUNE_WRITER = "chuyenvien.xa"


@transaction.atomic
def load_demo_editors(context: dict[str, Any]) -> dict[str, Any]:
    """After the demo portals: their workflows, and the demo editors in their groups."""
    from chinhquyen.portals.editorial.workflow import ensure_workflow
    from chinhquyen.portals.models import PortalHomePage, PortalKind

    province = context["orgs"]["province"]
    accounts: dict[str, User] = {}
    for spec in DEMO_EDITORS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = services.official_create(
                actor=None,
                username=spec.username,
                full_name=spec.full_name,
                email=demo_email(spec.username),
                password=DEMO_PASSWORD,
                positions=[services.PositionSpec(unit=province, role=spec.role, title=spec.title)],
            )
        ensure_demo_mfa(user)
        accounts[spec.username] = user
    homes = list(PortalHomePage.objects.order_by("path"))
    main = next((h for h in homes if h.kind == PortalKind.MAIN), None)
    if main is None:
        return {"portal_editors": accounts}  # no portal yet: the accounts only
    editorials = {home.pk: ensure_workflow(home) for home in homes}
    for spec in DEMO_EDITORS:
        accounts[spec.username].groups.add(getattr(editorials[main.pk], spec.group))
    commune = next((h for h in homes if h.kind == PortalKind.COMMUNE), None)
    writer = User.objects.filter(username=COMMUNE_WRITER).first()
    if commune is not None and writer is not None:
        writer.groups.add(editorials[commune.pk].writers)
    return {"portal_editors": accounts}
