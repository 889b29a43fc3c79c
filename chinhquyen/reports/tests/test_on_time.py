"""On-time statistics: figures from dossiers taken through the real workflow, scope per
position, the page, the Excel export and the API (errors, query count)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from chinhquyen.core.calendar import VN_TZ
from chinhquyen.dossiers import services
from chinhquyen.dossiers.models import Timeliness
from chinhquyen.dossiers.tests.factories import T0, World, receive, submit
from chinhquyen.reports.selectors import MonthRange, on_time_report

API = "/api/v1/reports/on-time/"
PAGE = "/bao-cao/dung-han/"
MARCH = dt.date(2026, 3, 1)


def _through_approval(w: World, dossier, *, start: dt.datetime, step: dt.timedelta):  # type: ignore[no-untyped-def]
    moments = iter(start + step * n for n in range(1, 6))
    d = services.dossier_transfer(actor=w.desk_centre, dossier=dossier, at=next(moments))
    d = services.dossier_assign(actor=w.head, dossier=d, assignee=w.spec, at=next(moments))
    d = services.dossier_step_complete(actor=w.spec, dossier=d, at=next(moments))
    d = services.dossier_submit_for_approval(actor=w.head, dossier=d, at=next(moments))
    return services.dossier_approve(actor=w.leader, dossier=d, at=next(moments))


@pytest.fixture
def figures(world: World) -> dict[str, object]:
    """Sở Tư pháp: one early (finished in March), one late (finished 20 April), one open online
    dossier; UBND phường A: one refused at intake in March."""
    early = _through_approval(world, receive(world).dossier, start=T0, step=dt.timedelta(hours=2))
    late_start = T0 + dt.timedelta(hours=1)
    late = _through_approval(
        world,
        receive(world, when=late_start).dossier,
        start=late_start,
        step=dt.timedelta(days=10),
    )
    open_online = submit(world, when=T0 + dt.timedelta(hours=3)).dossier
    refused = services.dossier_refuse(
        actor=world.desk_commune,
        dossier=receive(world, version="commune", when=T0).dossier,
        reason="Không thuộc thẩm quyền.",
        at=T0 + dt.timedelta(hours=1),
    )
    return {"early": early, "late": late, "open": open_online, "refused": refused}


def test_classes_come_from_the_workflow(figures: dict) -> None:
    assert figures["early"].classification == Timeliness.EARLY
    assert figures["late"].classification == Timeliness.LATE
    assert figures["late"].finished_at.astimezone(VN_TZ).month == 4
    assert figures["open"].finished_at is None


def test_department_leader_sees_their_department_by_month(world: World, figures: dict) -> None:
    report = on_time_report(
        user=world.leader, period=MonthRange(first=MARCH, last=dt.date(2026, 4, 1))
    )
    assert [row.organisation for row in report.rows] == [world.dept]
    row = report.rows[0]
    march, april = row.months[MARCH], row.months[dt.date(2026, 4, 1)]
    assert (march.received, march.received_online, march.finished, march.early) == (3, 1, 1, 1)
    assert (april.received, april.finished, april.late) == (0, 1, 1)
    assert row.total.on_time_rate == 50
    assert row.total.online_rate == Decimal("33.3")
    assert report.total.finished == 2


def test_province_leader_sees_every_organisation(world: World, figures: dict) -> None:
    report = on_time_report(
        user=world.governor, period=MonthRange(first=MARCH, last=dt.date(2026, 4, 1))
    )
    assert {row.organisation for row in report.rows} == {world.dept, world.commune}
    assert report.total.received == 4
    assert report.total.finished == 3
    assert report.by_month[MARCH].finished == 2


def test_commune_leader_and_other_department_see_only_their_own(
    world: World, figures: dict
) -> None:
    period = MonthRange(first=MARCH, last=MARCH)
    commune = on_time_report(user=world.commune_leader, period=period)
    assert [row.organisation for row in commune.rows] == [world.commune]
    assert on_time_report(user=world.leader2, period=period).rows == []
    # an organisation outside the caller's scope gives nothing, not its figures
    assert on_time_report(user=world.leader, period=period, organisation=world.commune).rows == []


def test_period_outside_gives_nothing(world: World, figures: dict) -> None:
    report = on_time_report(
        user=world.governor, period=MonthRange(first=dt.date(2025, 1, 1), last=dt.date(2025, 12, 1))
    )
    assert report.rows == [] and report.total.on_time_rate is None


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_api_figures_and_query_count(
    world: World, figures: dict, django_assert_max_num_queries
) -> None:
    client = _client(world.governor)
    with django_assert_max_num_queries(8):
        response = client.get(API, {"start": "2026-03", "end": "2026-04"})
    assert response.status_code == 200
    body = response.json()
    assert body["start"] == "2026-03" and body["end"] == "2026-04"
    assert body["total"]["finished"] == 3 and body["total"]["late"] == 1
    by_code = {row["organisation"]["id"]: row for row in body["organisations"]}
    dept = by_code[world.dept.pk]
    assert dept["total"]["on_time_rate"] == "50.0"
    assert [m["month"] for m in dept["months"]] == ["2026-03", "2026-04"]
    one = client.get(API, {"start": "2026-03", "end": "2026-04", "organisation": world.commune.pk})
    assert [row["organisation"]["id"] for row in one.json()["organisations"]] == [world.commune.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2026-13"}, "start"),
        ({"end": "03/2026"}, "end"),
        ({"start": "2026-05", "end": "2026-03"}, "end"),
        ({"start": "2020-01", "end": "2026-03"}, "end"),
        ({"organisation": "abc"}, "organisation"),
    ],
)
def test_api_bad_parameters_are_structured_400(world: World, query: dict, field: str) -> None:
    response = _client(world.governor).get(API, query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"]
    assert any(ch in str(error["fields"][field]) for ch in "áàảãạăâđêôơư")  # Vietnamese


def test_api_organisation_outside_scope_is_404(world: World) -> None:
    response = _client(world.leader).get(API, {"organisation": world.commune.pk})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("username", ["spec", "desk_centre", "clerk", "it_admin", "citizen"])
def test_only_leaders_and_unit_heads(world: World, username: str) -> None:
    client = _client(world.users[username])
    assert client.get(API).status_code == 403
    assert client.get(PAGE).status_code == 403
    assert client.get(reverse("reports:on_time_export")).status_code == 403


def test_anonymous_is_refused(client: Client) -> None:
    assert client.get(API).status_code in (401, 403)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/")


def test_page_and_export(world: World, figures: dict) -> None:
    client = _client(world.leader)
    response = client.get(PAGE, {"tu_thang": "2026-03", "den_thang": "2026-04"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sở Tư pháp" in html and "UBND phường A" not in html
    assert '<div class="fs-4" id="ty-le-dung-han">50,0%</div>' in html
    bad = client.get(PAGE, {"tu_thang": "2026-3"})
    assert bad.status_code == 400 and "Tháng phải có dạng" in bad.content.decode()

    export = client.get(
        reverse("reports:on_time_export"), {"tu_thang": "2026-03", "den_thang": "2026-04"}
    )
    assert export.status_code == 200
    assert export["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    header = rows.index(next(r for r in rows if r and r[0] == "Cơ quan"))
    data = rows[header + 1 :]
    total = next(r for r in data if r[0] == "Sở Tư pháp" and r[2] == "Cả kỳ")
    assert total[3:11] == (3, 1, pytest.approx(33.3), 2, 1, 0, 1, 50.0)


@pytest.mark.parametrize("query", [{"start": ""}, {"end": ""}, {"start": "", "end": ""}])
def test_api_blank_months_mean_the_default_period(world: World, query: dict) -> None:
    """``?start=`` is a blank month (the default), not a 500 (found by schemathesis)."""
    response = _client(world.governor).get(API, query)
    assert response.status_code == 200
    body = response.json()
    default = _client(world.governor).get(API).json()
    assert (body["start"], body["end"]) == (default["start"], default["end"])
