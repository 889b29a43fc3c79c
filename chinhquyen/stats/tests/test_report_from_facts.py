"""The on-time report read from the daily facts equals the live query over the dossiers (same
rows, months and figures), for the province and for one subtree."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from chinhquyen.dossiers.tests.factories import World
from chinhquyen.reports.selectors import MonthRange, on_time_report
from chinhquyen.reports.tests.test_on_time import figures  # noqa: F401
from chinhquyen.stats import facts

pytestmark = pytest.mark.django_db


def _flat(report):  # type: ignore[no-untyped-def]
    return (
        [(r.organisation.pk, r.total, sorted(r.months.items())) for r in report.rows],
        report.total,
        report.month_rows,
    )


@pytest.mark.usefixtures("figures")
@pytest.mark.parametrize("subtree", [None, "commune"])
def test_report_from_facts_equals_the_live_report(world: World, subtree: str | None) -> None:
    facts.fold_all()
    period = MonthRange(first=dt.date(2026, 1, 1), last=dt.date(2026, 6, 1))
    org = world.orgs[subtree] if subtree else None
    live = on_time_report(user=world.governor, period=period, organisation=org)
    with override_settings(REPORTS_FROM_FACTS=True):
        from_facts = on_time_report(user=world.governor, period=period, organisation=org)
    assert live.rows and _flat(from_facts) == _flat(live)
    # a unit head reads only their subtree from the facts too
    with override_settings(REPORTS_FROM_FACTS=True):
        head = on_time_report(user=world.head, period=period)
    assert all(r.organisation.path.startswith(world.dept_unit.path) for r in head.rows)
