"""Search by whole words, every word required, phrase matches first, bounded count; the same
results on SQLite and PostgreSQL (the suite runs on both)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chinhquyen.core.search import RankedResults, phrase_filter, search_words
from chinhquyen.documents import selectors
from chinhquyen.documents.models import IncomingDocument

from .helpers import register
from .test_api import BASE, api

pytestmark = pytest.mark.django_db


def ids(rows) -> list[int]:
    return [row.pk for row in rows]


def test_query_words_are_runs_of_letters_and_digits():
    assert search_words("Chứng thực, bản-sao 12/QĐ-UBND") == [
        "chung",
        "thuc",
        "ban",
        "sao",
        "12",
        "qd",
        "ubnd",
    ]
    assert search_words(" ,.; ") == []
    assert phrase_filter("chung") is None


def test_words_match_whole_words_only(world):
    plan = register(world, summary="Về việc kế hoạch kiểm tra an toàn")
    register(world, summary="Kết luận thanh tra toàn diện", number_notation="08/TTr")
    # "ke" and "an" are words of the first summary; "kết", "toàn" hold them only as parts
    assert ids(selectors.incoming_list(world.clerk, q="ke hoach")) == [plan.pk]
    assert ids(selectors.incoming_list(world.clerk, q="an")) == [plan.pk]
    assert ids(selectors.incoming_list(world.clerk, q="toa")) == []
    # every word is required
    assert ids(selectors.incoming_list(world.clerk, q="ke hoach thanh")) == []


def test_the_phrase_ranks_first_and_unrelated_certificates_come_after(world):
    now = timezone.now()
    certified = register(
        world,
        summary="Về việc chứng thực bản sao giấy tờ",
        received_at=now - dt.timedelta(days=3),
    )
    food = register(
        world,
        summary="Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        received_at=now - dt.timedelta(days=1),
    )
    register(world, summary="Chứng nhận quyền sử dụng đất", received_at=now)
    qs = selectors.incoming_list(world.clerk, q="chung thuc")
    # both hold both words (newest first in the plain list) ...
    assert ids(qs) == [food.pk, certified.pk]
    # ... the page shows the phrase first
    assert ids(selectors.search_results(qs, "chung thuc")[0:50]) == [certified.pk, food.pk]


def test_ranked_pages_are_slices_of_one_ranked_list(world):
    now = timezone.now()
    for day in range(7):
        summary = "Kế hoạch tập huấn" if day % 3 == 0 else "Hoạch định tập huấn kế toán"
        register(world, summary=summary, received_at=now - dt.timedelta(days=day))
    qs = selectors.incoming_list(world.clerk, q="ke hoach")
    phrase = list(qs.filter(phrase_filter("ke hoach")))
    rest = list(qs.exclude(phrase_filter("ke hoach")))
    expected = ids(phrase) + ids(rest)
    assert len(phrase) == 3 and len(expected) == 7
    results = RankedResults(qs, phrase=phrase_filter("ke hoach"), cap=4)
    for start in range(9):
        for stop in range(start, 10):
            assert ids(results[start:stop]) == expected[start:stop], (start, stop)
    assert results.count() == 5 and results.more  # bounded: cap + 1
    assert not RankedResults(qs, cap=7).more and RankedResults(qs, cap=7).count() == 7


def test_the_api_count_is_bounded_and_the_search_query_count_pinned(world, monkeypatch):
    for _ in range(4):
        register(world, summary="Kế hoạch tập huấn")
    monkeypatch.setattr("chinhquyen.core.search.COUNT_CAP", 2)
    client = api(world.clerk)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{BASE}/incoming/", {"q": "ke hoach"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3  # "more than 2"
    assert len(body["results"]) == 4
    assert all(row["summary"] == "Kế hoạch tập huấn" for row in body["results"])
    # the clerk's scope (positions, issuing organisation, its profile), the bounded count, the
    # phrase matches (+ their active assignments), the other matches (none here)
    sql = [q["sql"][:60] for q in ctx.captured_queries]
    assert len(sql) == 7, sql
    assert IncomingDocument.objects.count() == 4


def test_a_search_that_matches_nothing_is_an_empty_page(world):
    register(world)
    response = api(world.clerk).get(f"{BASE}/incoming/", {"q": "!!! ???"})
    assert response.status_code == 200
    assert response.json()["count"] == 1  # no words: no filter
    response = api(world.clerk).get(f"{BASE}/outgoing/", {"q": "khong co van ban nay"})
    assert response.status_code == 200 and response.json()["count"] == 0
