"""Demo editors of the portals: a writer, an editor and the editorial board of the main portal,
and a writer of the commune portal (idempotent, like every demo loader).

Each portal's workflow and groups are made sure of (:func:`ensure_workflow`), then:

    phongvien     writer (Phóng viên)          main portal     Văn phòng UBND tỉnh
    bientap       editor (Biên tập viên)       main portal     Văn phòng UBND tỉnh
    pheduyet      approver (Ban biên tập)      main portal     UBND tỉnh (Chánh Văn phòng)
    chuyenvien.xa writer of the commune portal (an existing demo official)
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


def _portal_sites() -> dict[str, Any]:
    """The demo's portal sites by kind: the main one and the first commune portal."""
    from wagtail.models import Site

    from chinhquyen.portals.models import PortalHomePage, PortalKind

    found: dict[str, Any] = {}
    for site in Site.objects.select_related("root_page").order_by("pk"):
        home = PortalHomePage.objects.filter(pk=site.root_page_id).first()
        if home is None:
            continue
        found.setdefault(home.kind, site)
        found.setdefault(f"site:{site.pk}", site)
    found.setdefault("main", found.get(PortalKind.MAIN))
    found.setdefault("commune", found.get(PortalKind.COMMUNE))
    return found


@transaction.atomic
def load_demo_editors(context: dict[str, Any]) -> dict[str, Any] | None:
    from chinhquyen.portals.editorial.workflow import ensure_workflow

    sites = _portal_sites()
    editorials = {
        key: ensure_workflow(site) for key, site in sites.items() if key.startswith("site:")
    }
    main = sites.get("main")
    if main is None:
        return None
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
                phone="",
                password=DEMO_PASSWORD,
                positions=[services.PositionSpec(unit=province, role=spec.role, title=spec.title)],
            )
        ensure_demo_mfa(user)
        user.groups.add(getattr(editorials[f"site:{main.pk}"], spec.group))
        accounts[spec.username] = user
    commune = sites.get("commune")
    writer = User.objects.filter(username=COMMUNE_WRITER).first()
    if commune is not None and writer is not None:
        writer.groups.add(editorials[f"site:{commune.pk}"].writers)
    return {"portal_editors": accounts}
