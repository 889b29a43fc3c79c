"""Pages and API of the statistics: scope (a unit head sees their subtree, the province leader
all), the index API's shape and errors, the Excel export, and the public figures (closed
months only, no sign-in, CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chinhquyen.dossiers.tests.factories import World, receive
from chinhquyen.stats import facts, periods
from chinhquyen.stats.models import DossierDailyFact

pytestmark = pytest.mark.django_db

INDEX_API = "/api/v1/index766/"
PUBLIC_API = "/api/v1/statistics/public/"


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def fact(
    w: World, day: dt.date, org: str = "dept", version: str = "province", **values: int
) -> None:
    DossierDailyFact.objects.create(
        organisation=w.orgs[org], procedure=w.versions[version].procedure, day=day, **values
    )


@pytest.fixture
def data(world: World) -> World:
    """March 2026 (closed): Sở Tư pháp 4 finished, 2 late; UBND phường A 3 finished early.
    Today (the open month): 50 received at Sở Tư pháp."""
    fact(world, dt.date(2026, 3, 2), received=5, received_online=1, finished=4, early=2, late=2)
    fact(
        world,
        dt.date(2026, 3, 2),
        org="commune",
        version="commune",
        received=3,
        finished=3,
        early=3,
    )
    fact(world, timezone.localdate(), received=50, received_online=50)
    return world


def test_index_api_for_the_province_leader(data: World, django_assert_max_num_queries) -> None:
    client = _client(data.governor)
    with django_assert_max_num_queries(30):
        body = client.get(INDEX_API, {"period": "2026-03"}).json()
    assert body["organisation"]["id"] == data.province.pk
    assert body["period"]["code"] == "2026-03" and body["period"]["closed"] is True
    assert (
        body["period"]["first_day"] == "2026-02-15" and body["period"]["last_day"] == "2026-03-14"
    )
    progress = next(g for g in body["groups"] if g["code"] == "2")
    on_time = progress["indicators"][0]
    assert (on_time["numerator"], on_time["denominator"], on_time["ratio"]) == (5, 7, "71.43")
    assert on_time["points"] == "14.29" and on_time["full_at"] == "100.00"
    assert body["max_points"] == "100.00"
    assert body["drill_down"]["late_total"] == 2
    assert len(body["history"]) == 6 and body["history"][0]["period"] == "2026-02"
    assert {g["code"] for g in body["groups"]} == {"1", "2", "3", "4", "5"}


def test_index_api_is_scoped(data: World) -> None:
    # the department's leader: its subtree by default, nothing of the commune
    leader = _client(data.leader)
    body = leader.get(INDEX_API, {"period": "2026-03"}).json()
    assert body["organisation"]["id"] == data.dept.pk
    assert body["groups"][1]["indicators"][0]["denominator"] == 4
    assert leader.get(INDEX_API, {"organisation": data.commune.pk}).status_code == 404
    assert leader.get(INDEX_API, {"organisation": data.province.pk}).status_code == 404
    # a unit head: their unit only (no dossiers there)
    head = _client(data.head).get(INDEX_API, {"period": "2026-03"}).json()
    assert head["organisation"]["id"] == data.dept_unit.pk
    assert head["groups"][1]["indicators"][0]["denominator"] == 0
    # other roles: refused
    assert _client(data.spec).get(INDEX_API).status_code == 403
    assert Client().get(INDEX_API).status_code in {401, 403}


@pytest.mark.parametrize("period", ["2026-13", "2026-Q7", "abc"])
def test_index_api_bad_period_is_a_structured_400(data: World, period: str) -> None:
    response = _client(data.governor).get(INDEX_API, {"period": period})
    assert response.status_code == 400
    assert "period" in response.json()["error"]["fields"]


def test_public_api_shows_only_closed_months(data: World) -> None:
    body = Client().get(PUBLIC_API).json()
    current = periods.current_month()
    assert current.code not in body["months"]
    assert len(body["months"]) == 12
    assert all(r["month"] != current.code for r in body["results"])
    march = Client().get(PUBLIC_API, {"month": "2026-03"}).json()
    rows = {r["organisation"]["id"]: r for r in march["results"]}
    assert rows[data.dept.pk]["late"] == 2 and rows[data.dept.pk]["on_time_rate"] == "50.0"
    assert rows[data.commune.pk]["on_time_rate"] == "100.0"
    # the open month is not published, even when asked for
    assert Client().get(PUBLIC_API, {"month": current.code}).json()["results"] == []
    assert Client().get(PUBLIC_API, {"month": "2026-Q1"}).status_code == 400


def test_public_page_and_csv(data: World) -> None:
    client = Client()
    page = client.get(reverse("stats:public"), {"thang": "2026-03"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Sở Tư pháp" in text and 'id="cong-khai-tiep-nhan">8<' in text
    current = periods.current_month()
    assert client.get(reverse("stats:public"), {"thang": current.code}).status_code == 400
    default = client.get(reverse("stats:public")).content.decode()
    assert ">50<" not in default  # today's figures are not published
    response = client.get(reverse("stats:public_csv"), {"thang": "2026-03"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "thang" and {r[4] for r in rows[1:]} == {"Sở Tư pháp", "UBND phường A"}


def test_dashboard_is_scoped_and_drills_down(world: World) -> None:
    """Real dossiers: a late one at Sở Tư pháp in the current month; the leader sees it, the
    commune's leader does not; the late unit links to its late dossiers."""
    from chinhquyen.dossiers import services

    today = timezone.localtime()
    when = today - dt.timedelta(days=2)
    d = receive(world, when=when).dossier
    for n in range(2):
        services.dossier_request_supplement(
            actor=world.desk_centre,
            dossier=d,
            reason="Thiếu.",
            at=when + dt.timedelta(minutes=10 + 20 * n),
        )
        services.dossier_supplement_answer(
            actor=world.desk_centre,
            dossier=d,
            note="Đã bổ sung.",
            at=when + dt.timedelta(minutes=20 + 20 * n),
        )
    services.dossier_refuse(
        actor=world.desk_centre, dossier=d, reason="Sai.", at=when + dt.timedelta(hours=2)
    )
    facts.fold_all()
    page = _client(world.governor).get(reverse("stats:dashboard"))
    assert page.status_code == 200
    text = page.content.decode()
    period = periods.current_month()
    link = f"{reverse('stats:late_dossiers')}?co-quan={world.dept.pk}&amp;ky={period.code}"
    assert link in text and 'id="so-qua-han">1<' in text
    assert "Xếp hạng theo Bộ chỉ số QĐ 766" in text and "UBND phường A" in text
    late = _client(world.governor).get(link.replace("&amp;", "&"))
    assert d.code in late.content.decode()
    commune = _client(world.commune_leader).get(reverse("stats:dashboard")).content.decode()
    assert 'id="so-qua-han">0<' in commune and link not in commune
    assert _client(world.commune_leader).get(link.replace("&amp;", "&")).status_code == 404
    assert _client(world.spec).get(reverse("stats:dashboard")).status_code == 403


def test_index_page_and_excel_export_neutralise(world: World) -> None:
    world.dept.name = '=HYPERLINK("x")'
    world.dept.save()
    fact(world, dt.date(2026, 3, 2), received=2, finished=2, late=1, early=1)
    client = _client(world.governor)
    page = client.get(reverse("stats:index766"), {"ky": "2026-03"})
    assert page.status_code == 200 and 'id="tong-diem"' in page.content.decode()
    assert client.get(reverse("stats:index766"), {"ky": "2026-99"}).status_code == 400
    response = client.get(reverse("stats:index766_export"), {"ky": "2026-03"})
    book = load_workbook(io.BytesIO(response.content))
    names = [row[1] for row in book["Xep hang"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("x")' in names


def test_trend_in_one_query_equals_month_by_month(data: World, django_assert_num_queries) -> None:
    from chinhquyen.stats import selectors

    months = [periods.month(2026, 2), periods.month(2026, 3), periods.current_month()]
    with django_assert_num_queries(1):
        trend = selectors.numbers_by_period([data.province], months)
    assert [n for _, n in trend] == [selectors.numbers([data.province], m) for m in months]
    assert trend[1][1].finished == 7 and trend[2][1].received == 50


def test_index_pdf_export(world: World) -> None:
    fact(world, dt.date(2026, 3, 2), received=2, finished=2, late=1, early=1)
    response = _client(world.governor).get(reverse("stats:index766_pdf"), {"ky": "2026-03"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert _client(world.spec).get(reverse("stats:index766_pdf")).status_code == 403
