"""The floor of every HTTP scenario, measured in the same run (issue 11 item 1).

A second gunicorn serves this module as its whole URLconf with ``bench.floor_settings``
(production settings, **no middleware** but allauth's, which its app requires), next to the
project's server:

- ``GET /floor/const/``: a constant JSON answer: what Django itself (and gunicorn, wrk, the
  machine) costs per request;
- ``GET /floor/sql/<scenario>/?i=<k>``: the same view running, through a raw cursor, the SQL
  statements that the project's full stack ran for request ``k`` of the scenario (captured
  in-process once by ``capture``: ``CaptureQueriesContext`` around a ``django.test.Client``
  request with the scenario's headers), fetching every row: what our SQL costs.

``bench/run.py`` drives both with wrk at the scenario's concurrency right after the scenario and
prints the ratios: full stack ÷ constant (what the request costs beyond Django), and the share
of the full stack's median taken by Django, our SQL and our middleware/DRF/ORM/serialisation.
"""

from __future__ import annotations

import json
import os
import random
from functools import cache
from pathlib import Path
from typing import Any

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path

CONSTANT: dict[str, Any] = {"results": [], "next_cursor": None, "counts": {"received": 0}}


def _dir() -> Path:
    return Path(os.environ.get("BENCH_FLOOR_DIR", "."))


@cache
def _statements(name: str) -> list[list[str]]:
    return json.loads((_dir() / f"floor-{name}.json").read_text())


def const(request: HttpRequest) -> JsonResponse:
    return JsonResponse(CONSTANT)


def sql(request: HttpRequest, name: str) -> JsonResponse:
    batches = _statements(name)
    try:
        batch = batches[int(request.GET.get("i", "")) % len(batches)]
    except ValueError:
        batch = random.choice(batches)
    rows = 0
    with connection.cursor() as cursor:
        for statement in batch:
            cursor.execute(statement)
            if cursor.description is not None:
                rows += len(cursor.fetchall())
    return JsonResponse({"rows": rows})


urlpatterns = [
    path("healthz", const),  # bench/run.py waits for it
    path("floor/const/", const),
    path("floor/sql/<slug:name>/", sql),
]


# --- in the bench process ---------------------------------------------------------------------


def capture(requests: list[Any], *, limit: int = 40) -> list[list[str]]:
    """The SQL of up to ``limit`` of the scenario's requests, run in-process through the full
    stack (read-only scenarios: every statement is replayed as it was)."""
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    batches: list[list[str]] = []
    for request in requests[:limit]:
        headers = dict(request.headers)
        if request.authorization:
            headers["Authorization"] = request.authorization
        with CaptureQueriesContext(connections["default"]) as ctx:
            if request.method == "GET":
                client.get(request.path, headers=headers)
            else:
                client.generic(
                    request.method,
                    request.path,
                    request.body,
                    content_type=headers.pop("Content-Type", "application/json"),
                    headers=headers,
                )
        statements = [
            q["sql"]
            for q in ctx.captured_queries
            if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK"))
        ]
        batches.append(statements)
    return batches
