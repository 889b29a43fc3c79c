"""Two component portals (X and Y) under a main portal, each with its editorial groups.

main portal (default site)          approver_main
└── /cong/
    ├── X (site x.portal.test)      writer_x, editor_x, approver_x
    └── Y (site y.portal.test)      writer_y, approver_y
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from wagtail.models import Page, Site

from chinhquyen.accounts.models import Role, User
from chinhquyen.accounts.testing import force_login_with_mfa
from chinhquyen.dossiers.tests.factories import make_official, make_org
from chinhquyen.orgs.models import OrganisationKind
from chinhquyen.portals.editorial.workflow import Editorial, ensure_workflow
from chinhquyen.portals.models import PortalHomePage, PortalIndexPage, PortalKind

HOST_X = "x.portal.test"
HOST_Y = "y.portal.test"


@dataclass
class Portals:
    main: PortalHomePage
    x: PortalHomePage
    y: PortalHomePage
    editorial: dict[str, Editorial]
    users: dict[str, User] = field(default_factory=dict)

    def client(self, username: str) -> Client:
        client = Client()
        force_login_with_mfa(client, self.users[username])
        return client


def _site(home: Page, hostname: str, *, default: bool = False) -> Site:
    site, _ = Site.objects.update_or_create(
        hostname=hostname,
        port=80,
        defaults={"root_page": home, "is_default_site": default, "site_name": home.title},
    )
    return site


def build_portals() -> Portals:
    province = make_org("UBND tỉnh Thử", kind=OrganisationKind.PROVINCIAL_COMMITTEE)
    dept_x = make_org("Sở Thử X", parent=province)
    dept_y = make_org("Sở Thử Y", parent=province)
    root = Page.get_first_root_node()
    main = root.add_child(
        instance=PortalHomePage(
            title="Cổng thông tin tỉnh Thử", slug="cong-tinh-thu", kind=PortalKind.MAIN,
            organisation=province,
        )
    )  # fmt: skip
    Site.objects.filter(is_default_site=True).delete()
    main_site = _site(main, "localhost", default=True)
    index = main.add_child(instance=PortalIndexPage(title="Cổng thành phần", slug="cong"))
    homes = {}
    for key, org in (("x", dept_x), ("y", dept_y)):
        homes[key] = index.add_child(
            instance=PortalHomePage(
                title=f"Cổng {org.name}", slug=f"so-{key}", kind=PortalKind.DEPARTMENT,
                organisation=org,
            )
        )  # fmt: skip
    # X and Y on their own host names (PORTAL_HOST set); the workflow takes a site or a home
    site_x = _site(homes["x"], HOST_X)
    _site(homes["y"], HOST_Y)
    editorial = {
        "main": ensure_workflow(main_site),
        "x": ensure_workflow(site_x),
        "y": ensure_workflow(homes["y"]),
    }
    portals = Portals(main=main, x=homes["x"], y=homes["y"], editorial=editorial)
    people: list[tuple[str, Any, str, Callable[[Editorial], Any]]] = [
        ("writer_x", dept_x, Role.SPECIALIST, lambda e: e.writers),
        ("editor_x", dept_x, Role.UNIT_HEAD, lambda e: e.editors),
        ("approver_x", dept_x, Role.LEADER, lambda e: e.approvers),
        ("writer_y", dept_y, Role.SPECIALIST, lambda e: e.writers),
        ("approver_y", dept_y, Role.LEADER, lambda e: e.approvers),
    ]
    for username, org, role, group in people:
        user = make_official(org, role, username=username)
        user.groups.add(group(editorial[username[-1]]))
        portals.users[username] = user
    portals.users["official"] = make_official(dept_x, Role.SPECIALIST, username="no_portal")
    return portals


@pytest.fixture
def portals(db: Any, settings: Any) -> Portals:
    settings.ALLOWED_HOSTS = ["testserver", "localhost", HOST_X, HOST_Y]
    return build_portals()
