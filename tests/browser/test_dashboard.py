"""The leaders' dashboard in a real browser (issue #16), at 1280 px and on a 375 px phone: the
province leader opens it, drills from the unit with late dossiers to its late dossiers; the
dashboard (with its two Chart.js charts, drawn from the data tables that stay on the page), the
drill-down and the public statistics have no horizontal overflow, no script error and no
serious or critical axe-core finding."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from .a11y import check_a11y
from .conftest import Person
from .steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(person: Person, label: str) -> None:
    page = person.page
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{label} at {person.width} px: page is {width} px wide"
    check_a11y(page, f"{label} ({person.width} px)")


def _late_dossier():  # type: ignore[no-untyped-def]
    """The dossiers tests' world with one dossier finished late this month at Sở Tư pháp (two
    supplement requests), folded into the facts. A transactional test empties the tables the
    migrations seeded: the QĐ 766 definition is seeded again."""
    from chinhquyen.dossiers import services
    from chinhquyen.dossiers.tests.factories import build_world, receive
    from chinhquyen.stats import facts

    importlib.import_module("chinhquyen.stats.migrations.0002_seed_index766").seed(apps, None)
    world = build_world()
    when = timezone.localtime() - dt.timedelta(days=2)
    dossier = receive(world, when=when).dossier
    for n in range(2):
        at = when + dt.timedelta(minutes=10 + 20 * n)
        services.dossier_request_supplement(
            actor=world.desk_centre, dossier=dossier, reason="Thiếu giấy tờ.", at=at
        )
        services.dossier_supplement_answer(
            actor=world.desk_centre,
            dossier=dossier,
            note="Đã bổ sung.",
            at=at + dt.timedelta(minutes=10),
        )
    services.dossier_refuse(
        actor=world.desk_centre,
        dossier=dossier,
        reason="Sai thủ tục.",
        at=when + dt.timedelta(hours=2),
    )
    facts.fold_all()
    return world, dossier


@pytest.mark.parametrize("width", [1280, 375])
def test_leader_drills_from_a_late_unit_to_its_late_dossiers(
    people: Callable[..., Person], width: int
) -> None:
    world, dossier = _late_dossier()
    leader = people("lanh-dao-tinh", width=width)
    sign_in(leader, world.governor, totp=True)
    page = leader.page
    leader.go(reverse("stats:dashboard"))
    expect(page.get_by_role("heading", name="Bảng điều hành")).to_be_visible()
    expect(page.locator("#so-qua-han")).to_have_text("1")
    # the vendored Chart.js draws the trend and the ranking from their tables
    expect(page.locator(".stat-chart canvas")).to_have_count(2)
    _fits(leader, "bảng điều hành")
    late_units = page.get_by_role("region", name="Cơ quan có nhiều hồ sơ quá hạn")
    late_units.get_by_role("link", name="Sở Tư pháp").click()
    expect(page.get_by_role("heading", name="Hồ sơ giải quyết quá hạn")).to_be_visible()
    expect(page.get_by_role("link", name=dossier.code)).to_be_visible()
    _fits(leader, "hồ sơ quá hạn")

    visitor = people("khach", width=width)
    visitor.go(reverse("stats:public"))
    expect(
        visitor.page.get_by_role("heading", name="Số liệu giải quyết thủ tục hành chính")
    ).to_be_visible()
    _fits(visitor, "số liệu công khai")
    assert not [e for e in leader.errors if "/favicon.ico:" not in e], leader.errors
