"""A submission retried with the same Idempotency-Key is stored once and answers the same
dossier — sequentially, with files, and as concurrent retries racing on PostgreSQL."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.db import connection

from chinhquyen.dossiers.models import Dossier, DossierAttachment

from . import payloads as p
from .conftest import client_for, open_procedure, post_multipart, postgres_only

SUBMIT = "/api/v1/my/dossiers/"


def _json_body(w: Any, name: str = "Nguyễn Văn An") -> dict[str, Any]:
    if "open" not in w.versions:
        w.versions["open"] = open_procedure(w)
    return {
        "procedure": w.versions["open"].procedure.code,  # no paper required: plain JSON
        "form_data": {"ho_ten": name, "so_luong": 1},
    }


def _multipart_fields(w: Any) -> list[tuple[str, Any]]:
    version = w.versions["province"]
    paper = version.papers.get(required=True)
    return [
        ("procedure", version.procedure.code),
        ("form_data", json.dumps({"ho_ten": "Nguyễn Văn An", "so_luong": 1})),
        (f"paper_{paper.pk}", ("to-khai.pdf", p.pdf())),
    ]


@pytest.mark.django_db
def test_a_retry_returns_the_same_dossier(dossier_world: Any) -> None:
    w = dossier_world
    client = client_for(w.users["citizen"])
    first = client.post(
        SUBMIT, _json_body(w), content_type="application/json", HTTP_IDEMPOTENCY_KEY="lan-1"
    )
    assert first.status_code == 201, first.content
    retries = [
        client.post(
            SUBMIT, _json_body(w), content_type="application/json", HTTP_IDEMPOTENCY_KEY="lan-1"
        )
        for _ in range(3)
    ]
    assert [r.status_code for r in retries] == [200, 200, 200]
    dossier = first.json()["dossier"]
    for retry in retries:
        body = retry.json()
        assert body["dossier"]["id"] == dossier["id"]
        assert body["dossier"]["code"] == dossier["code"]
        assert body["created"] is False and body["pin"] is None  # the PIN is shown once only
    assert Dossier.objects.filter(applicant=w.users["citizen"]).count() == 1

    # the same key for another request is a conflict, never a second dossier
    other = client.post(
        SUBMIT,
        _json_body(w, "Người khác"),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="lan-1",
    )
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_conflict"
    # the same key from another applicant is that applicant's own first submission
    theirs = client_for(w.users["citizen2"]).post(
        SUBMIT, _json_body(w), content_type="application/json", HTTP_IDEMPOTENCY_KEY="lan-1"
    )
    assert theirs.status_code == 201
    assert Dossier.objects.count() == 2


@pytest.mark.django_db
def test_a_retried_upload_stores_its_files_once(dossier_world: Any) -> None:
    w = dossier_world
    client = client_for(w.users["citizen"])
    answers = [
        post_multipart(client, SUBMIT, _multipart_fields(w), HTTP_IDEMPOTENCY_KEY="tep-1")
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 200, 200]
    assert len({a.json()["dossier"]["id"] for a in answers}) == 1
    assert Dossier.objects.count() == 1
    assert DossierAttachment.objects.count() == 1


def _race(w: Any, count: int, key: Any) -> list[Any]:
    """``count`` requests released together, each thread with its own database connection."""
    barrier = threading.Barrier(count)
    answers: list[Any] = [None] * count
    users = [w.users["citizen"]] * count

    def run(n: int) -> None:
        try:
            client = client_for(users[n])
            barrier.wait(timeout=60)
            answers[n] = client.post(
                SUBMIT,
                _json_body(w),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=key(n),
            )
        except BaseException as exc:  # reported below, with the thread's own error
            answers[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


@postgres_only("SQLite takes one writer at a time, so the requests could not race")
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_store_one_dossier(transactional_db: None) -> None:
    from chinhquyen.dossiers.tests.factories import build_world

    w = build_world()
    _json_body(w)  # the procedure, created before the threads start
    answers = _race(w, 4, key=lambda n: "dong-thoi-1")
    statuses = sorted(
        a.status_code if not isinstance(a, BaseException) else repr(a) for a in answers
    )
    assert statuses == [200, 200, 200, 201], statuses
    ids = {a.json()["dossier"]["id"] for a in answers}
    assert len(ids) == 1
    assert Dossier.objects.filter(idempotency_key="dong-thoi-1").count() == 1

    # and different keys racing each get their own dossier (no false sharing, no lost one)
    answers = _race(w, 4, key=lambda n: f"khac-{n}")
    assert sorted(a.status_code for a in answers) == [201, 201, 201, 201]
    codes = {a.json()["dossier"]["code"] for a in answers}
    assert len(codes) == 4
    assert Dossier.objects.filter(idempotency_key__startswith="khac-").count() == 4
