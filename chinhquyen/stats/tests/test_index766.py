"""The QĐ 766 index on small hand-built facts: each indicator's score, the threshold caps,
the month cut-offs (DOMAIN.md §13) and the supplement rule through the real workflow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings

from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Timeliness
from chinhquyen.dossiers.tests.factories import T0, World, receive
from chinhquyen.stats import facts, index766, periods
from chinhquyen.stats.models import DossierDailyFact, Indicator

pytestmark = pytest.mark.django_db

MARCH = periods.month(2026, 3)  # 15/02/2026 – 14/03/2026


def fact(w: World, day: dt.date, org: str = "dept", **values: int) -> None:
    DossierDailyFact.objects.create(
        organisation=w.orgs[org],
        procedure=w.versions[values.pop("version", "province")].procedure,  # type: ignore[arg-type]
        day=day,
        **values,
    )


def scores(result: index766.IndexResult) -> dict[str, Any]:
    return {s.indicator.code: s.points for g in result.groups for s in g.indicators}


def test_periods_follow_the_cut_off() -> None:
    assert (MARCH.first, MARCH.last) == (dt.date(2026, 2, 15), dt.date(2026, 3, 14))
    q1 = periods.quarter(2026, 1)
    assert (q1.first, q1.last) == (dt.date(2025, 12, 15), dt.date(2026, 3, 14))
    y = periods.parse("2026")
    assert (y.first, y.last) == (dt.date(2025, 12, 15), dt.date(2026, 12, 14))
    assert periods.month_containing(dt.date(2026, 3, 15)).code == "2026-04"
    assert periods.month_containing(dt.date(2026, 3, 14)).code == "2026-03"
    assert not MARCH.is_closed(dt.date(2026, 3, 14))
    assert MARCH.is_closed(dt.date(2026, 3, 15))
    with override_settings(STATS_CUTOFF_DAY=1):
        assert (periods.month(2026, 3).first, periods.month(2026, 3).last) == (
            dt.date(2026, 3, 1),
            dt.date(2026, 3, 31),
        )
    for bad in ("2026-13", "2026-Q5", "26-01", "x"):
        with pytest.raises(ValueError):
            periods.parse(bad)


def test_each_indicator_with_its_cap(world: World) -> None:
    # 10 received (3 online = 30 % < the 50 % cap), 8 finished: 5 early, 1 on time, 2 late,
    # 4 with an electronic result; 4 rated, 1 dissatisfied.
    fact(
        world,
        dt.date(2026, 3, 2),
        received=10,
        received_online=3,
        finished=8,
        early=5,
        on_time=1,
        late=2,
        results_electronic=4,
        rated=4,
        rated_dissatisfied=1,
        fee_required=2,
        paid_online=1,
    )
    # a second procedure: fees but no online payment, no online submission
    fact(world, dt.date(2026, 3, 3), version="multi", received=2, fee_required=2)
    # outside the period (15 March belongs to April): ignored
    fact(world, dt.date(2026, 3, 15), received=100, received_online=100, finished=100, early=100)
    result = index766.index_for(organisation=world.orgs["province"], period=MARCH)
    got = scores(result)
    # 2.1: 6/8 = 75 % of 20 points (full at 100 %)
    assert got["2.1"] == Decimal("15.00")
    # 3.1: 1 of 2 procedures had online dossiers = 50 %, full at 80 % → 7 × 50/80
    assert got["3.1"] == Decimal("4.38")
    # 3.2: 3/12 = 25 %, full at 50 % → 8 × 0.5
    assert got["3.2"] == Decimal("4.00")
    # 3.3: 1 of 2 procedures with fees paid online = 50 %, full at 80 % → 7 × 50/80
    assert got["3.3"] == Decimal("4.38")
    # 4.1: 4/8 = 50 % of 11
    assert got["4.1"] == Decimal("5.50")
    # 5.3: 100 − (25 % late + 25 % dissatisfied) = 50 %, full at 90 % → 6 × 50/90
    assert got["5.3"] == Decimal("3.33")
    # indicators without data on the platform score nothing and are not assessed
    assert got["1.1"] is None and got["4.2"] is None and got["5.1"] is None
    assert result.max_points == Decimal(100)
    assert result.max_assessed == Decimal(20 + 7 + 8 + 7 + 11 + 6)
    assert result.points == Decimal("36.59")
    late_free = [
        p["code"]
        for p in index766.procedures_lacking(result, has="fee_required", lacks="paid_online")
    ]
    assert late_free == [world.versions["multi"].procedure.code]


def test_caps_give_full_marks_above_the_threshold(world: World) -> None:
    fact(
        world,
        dt.date(2026, 3, 2),
        received=10,
        received_online=6,
        finished=10,
        early=10,
        rated=10,
        rated_dissatisfied=0,
    )
    got = scores(index766.index_for(organisation=world.orgs["dept"], period=MARCH))
    assert got["3.2"] == Decimal("8.00")  # 60 % ≥ 50 %
    assert got["3.1"] == Decimal("7.00")  # 100 % ≥ 80 %
    assert got["5.3"] == Decimal("6.00")  # 100 % ≥ 90 %
    assert got["2.1"] == Decimal("20.00")


def test_weights_and_caps_are_data(world: World) -> None:
    fact(world, dt.date(2026, 3, 2), received=10, received_online=3)
    Indicator.objects.filter(code="3.2").update(full_at=Decimal(30), max_points=Decimal(10))
    got = scores(index766.index_for(organisation=world.orgs["dept"], period=MARCH))
    assert got["3.2"] == Decimal("10.00")


def test_scope_is_the_subtree(world: World) -> None:
    fact(world, dt.date(2026, 3, 2), received=4, finished=4, late=4)
    fact(
        world,
        dt.date(2026, 3, 2),
        org="commune",
        version="commune",
        received=4,
        finished=4,
        early=4,
    )
    assert scores(index766.index_for(organisation=world.orgs["commune"], period=MARCH))[
        "2.1"
    ] == Decimal("20.00")
    assert scores(index766.index_for(organisation=world.orgs["dept"], period=MARCH))[
        "2.1"
    ] == Decimal("0.00")
    ranked = index766.ranking(
        organisations=[world.orgs["dept"], world.orgs["commune"]], period=MARCH
    )
    assert [r.organisation for r in ranked] == [world.orgs["commune"], world.orgs["dept"]]


def test_supplement_rule_and_month_cut_off_through_the_workflow(world: World) -> None:
    """Two supplement requests make a dossier late even when it finishes early; the finish
    day decides the month (14 March → March, 15 March → April)."""
    d = receive(world, when=T0).dossier
    for n in range(2):
        moment = T0 + dt.timedelta(hours=1 + 2 * n)
        services.dossier_request_supplement(
            actor=world.desk_centre, dossier=d, reason="Thiếu giấy tờ.", at=moment
        )
        services.dossier_supplement_answer(
            actor=world.desk_centre,
            dossier=d,
            note="Đã bổ sung.",
            at=moment + dt.timedelta(hours=1),
        )
    refused = services.dossier_refuse(
        actor=world.desk_centre,
        dossier=d,
        reason="Sai thủ tục.",
        at=dt.datetime(2026, 3, 14, 16, 0, tzinfo=T0.tzinfo),
    )
    assert refused.classification == Timeliness.LATE
    other = receive(world, when=T0).dossier
    services.dossier_refuse(
        actor=world.desk_centre,
        dossier=other,
        reason="Sai thủ tục.",
        at=dt.datetime(2026, 3, 15, 8, 0, tzinfo=T0.tzinfo),
    )
    facts.fold_all()
    march = index766.index_for(organisation=world.orgs["province"], period=MARCH)
    assert (march.measures.totals["finished"], march.measures.totals["late"]) == (1, 1)
    assert scores(march)["2.1"] == Decimal("0.00")
    assert [
        x.pk for x in index766.late_dossiers(organisation=world.orgs["province"], period=MARCH)
    ] == [d.pk]
    april = index766.index_for(organisation=world.orgs["province"], period=periods.month(2026, 4))
    assert april.measures.totals["finished"] == 1
    assert april.measures.totals["late"] == 0


def test_history_in_one_query_equals_period_by_period(
    world: World, django_assert_num_queries
) -> None:
    fact(world, dt.date(2026, 2, 2), received=4, received_online=1, finished=4, early=1, late=3)
    fact(world, dt.date(2026, 3, 2), received=2, received_online=2, finished=2, on_time=2)
    months = [periods.month(2026, 3), periods.month(2026, 2), periods.month(2026, 1)]
    with django_assert_num_queries(3):  # groups, their indicators, the facts
        got = index766.history(organisation=world.orgs["province"], periods=months)
    expected = [index766.index_for(organisation=world.orgs["province"], period=m) for m in months]
    assert [(r.period, r.points, r.max_assessed) for r in got] == [
        (r.period, r.points, r.max_assessed) for r in expected
    ]
    assert got[0].points != got[1].points
