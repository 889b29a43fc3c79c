"""The write hot paths of issue #11 (items 5-6): query counts pinned for the submission and a
workflow action endpoint, the dossier code taken last, the detail read's planner hint."""

from __future__ import annotations

import json

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chinhquyen.dossiers import codes, pins, selectors
from chinhquyen.dossiers.models import Dossier, DossierCounter

from . import scenarios as sc
from .factories import World, pdf

# SQL statements of one request, SAVEPOINT bookkeeping left out (the test transaction). Each
# includes the statistics' fact event row (stats.facts, written in the change's transaction).
SUBMIT_QUERIES = 37
TRANSFER_QUERIES = 30


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _statements(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]


def _submit(world: World, client: Client, key: str, paper_id: int):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("dossiers_api:my-dossiers"),
        {
            "procedure": world.versions["province"].procedure.code,
            "form_data": json.dumps({"ho_ten": "Nguyễn Văn An", "so_luong": 2}),
            f"paper_{paper_id}": pdf(),
            "files": pdf(),
        },
        HTTP_IDEMPOTENCY_KEY=key,
    )


@pytest.mark.django_db
def test_submission_query_count_and_code_taken_last(world: World) -> None:
    client = _client(world.users["citizen"])
    paper = world.versions["province"].papers.get(required=True)
    assert _submit(world, client, "warm-up", paper.pk).status_code == 201
    with CaptureQueriesContext(connection) as captured:
        response = _submit(world, client, "pinned", paper.pk)
    assert response.status_code == 201, response.content
    body = response.json()
    sql = _statements(captured)
    assert len(sql) == SUBMIT_QUERIES, "\n".join(sql)
    # the day's counter row is locked by the last writes of the transaction: the counter, the
    # code, the audit entry of the creation, the history row, the statistics' fact event row
    # (one narrow insert), the two notification outbox rows
    counter = DossierCounter._meta.db_table
    first = next(i for i, s in enumerate(sql) if counter in s)
    inserts_before = [s for s in sql[:first] if s.startswith("INSERT")]
    assert any("dossiers_dossierattachment" in s for s in inserts_before)
    held_writes = [s for s in sql[first:] if s.startswith(("INSERT", "UPDATE"))]
    assert len(held_writes) <= 7, "\n".join(held_writes)
    dossier = Dossier.objects.get(pk=body["dossier"]["id"])
    assert dossier.code == body["dossier"]["code"]
    assert not dossier.code.startswith(codes.PENDING_PREFIX)
    assert dossier.code.endswith("-0002")
    assert pins.pin_matches(dossier, body["pin"])
    assert dossier.lookup_pin_hash == pins.pin_digest(dossier.code, body["pin"])
    assert dossier.code.lower().replace(".", "") in dossier.search_text.replace(".", "")
    created = LogEntry.objects.get_for_object(dossier).get(action=LogEntry.Action.CREATE)
    assert created.changes_dict["code"][1] == dossier.code
    assert created.actor == world.users["citizen"]


@pytest.mark.django_db
def test_transfer_endpoint_query_count(world: World) -> None:
    dossier = sc.received(world)
    desk = _client(world.users["desk_centre"])
    url = reverse("dossiers_api:action-transfer", kwargs={"pk": dossier.pk})
    with CaptureQueriesContext(connection) as captured:
        response = desk.post(url, {"note": "Chuyển Sở"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "transferred"
    sql = _statements(captured)
    assert len(sql) == TRANSFER_QUERIES, "\n".join(sql)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_detail_read_plans_in_written_join_order_for_its_transaction_only(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL planner setting")
    dossier = sc.received(world)
    with CaptureQueriesContext(connection) as captured:
        found = selectors.dossier_for_user(world.users["desk_centre"], dossier.pk)
    assert found is not None and found.pk == dossier.pk
    assert any("join_collapse_limit" in q["sql"] for q in captured.captured_queries)
    assert selectors.dossier_for_user(world.users["desk_centre"], dossier.pk + 1000) is None
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        assert cursor.fetchone()[0] == "8"
