"""Crash test: the application under gunicorn (production settings, 3 sync workers) receives
500 online submissions, each with its own Idempotency-Key, from clients that retry on
connection errors and 5xx answers — while a killer sends ``kill -9`` to a random worker
(0.3-0.5 s apart). At the end every acknowledged submission (201/200 with a dossier code)
exists exactly once, with the acknowledged code, and no Idempotency-Key has two dossiers.

SQLite runs: the test database (in memory) is copied into a database file that the server
opens. PostgreSQL runs: the server works in the suite's own test database.

The storm is paced by progress, not by the clock, so that a loaded machine makes it slower but
not weaker: the killer strikes only after the server acknowledged something since its last kill
(a server kept dead proves nothing), and the storm ends once ``TARGET_ACKNOWLEDGED`` submissions
were acknowledged with at least ``MIN_KILLS`` kills among them. ``STORM_LIMIT_SECONDS`` only
stops a server that makes no progress at all (then the test fails). The figures (acknowledged,
kills, retries, replays, rate) are printed, never asserted."""

from __future__ import annotations

import http.client
import json
import os
import queue
import random
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from .conftest import open_procedure
from .server import Gunicorn, production_env

DB_CACHE = "django.core.cache.backends.db.DatabaseCache"
CACHE_TABLE = "chinhquyen_cache"  # as in settings/base.py
SUBMISSIONS = 500
CLIENTS = 8
CITIZENS = 4
TARGET_ACKNOWLEDGED = 40  # the storm ends once this many submissions were acknowledged...
MIN_KILLS = 5  # ...with at least this many workers killed meanwhile
STORM_LIMIT_SECONDS = 300  # a server that makes no progress at all fails the test by then
REQUEST_TIMEOUT = 60  # seconds a client waits for one answer (a loaded machine is slow)


@dataclass
class Outcome:
    key: str
    citizen: int
    status: int = 0
    code: str = ""
    dossier_id: int = 0
    attempts: int = 0
    errors: list[str] = field(default_factory=list)


def _database_for_server(tmp_path: Path) -> tuple[str, Any]:
    """(DATABASE_URL for gunicorn, a function running one SQL query on that database)."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        if s.get("PASSWORD"):
            url = url.replace(f"{s['USER']}@", f"{s['USER']}:{s['PASSWORD']}@")

        def query(sql: str) -> list[tuple[Any, ...]]:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return list(cursor.fetchall())

        return url, query
    path = tmp_path / "crash.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)  # the migrated test database and its rows, committed
    target.close()

    def query_file(sql: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(path) as db:
            return list(db.execute(sql).fetchall())

    return f"sqlite:///{path}", query_file


def _submit(port: int, token: str, body: bytes, key: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request(
            "POST",
            "/api/v1/my/dossiers/",
            body=body,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": key,
                "Host": "127.0.0.1",
            },
        )
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.mark.django_db(transaction=True)
def test_submissions_survive_workers_killed_at_random(tmp_path: Path) -> None:
    begun = time.monotonic()
    from chinhquyen.accounts.authentication import generate_token
    from chinhquyen.accounts.models import ApiToken
    from chinhquyen.dossiers.tests.factories import World, make_org, make_user
    from chinhquyen.orgs.models import OrganisationKind as K

    w = World()  # just what an online submission needs: a centre, a department, a unit
    w.orgs["province"] = make_org("UBND tỉnh Thử Tải", kind=K.PROVINCIAL_COMMITTEE)
    w.orgs["centre"] = make_org("Trung tâm PVHCC", parent=w.orgs["province"], kind=K.SERVICE_CENTRE)
    w.orgs["dept"] = make_org("Sở Tư pháp", parent=w.orgs["province"], kind=K.DEPARTMENT)
    w.orgs["dept_unit"] = make_org("Phòng HCTP", parent=w.orgs["dept"], kind=K.UNIT)
    version = open_procedure(w)
    tokens = []
    for n in range(CITIZENS):
        user = make_user(
            username=f"congdan{n}", full_name=f"Công dân {n}", citizen_id=f"0010900{n:05d}"
        )
        raw, prefix, digest = generate_token()
        ApiToken.objects.create(user=user, name="Thử tải", prefix=prefix, digest=digest)
        tokens.append(raw)
    run = f"k{random.randrange(10**8)}"

    # production settings without REDIS_URL use the database cache: its table, in the database
    # the server will open (created here, before the SQLite copy is made)
    with override_settings(CACHES={"default": {"BACKEND": DB_CACHE, "LOCATION": CACHE_TABLE}}):
        call_command("createcachetable", verbosity=0)
    database_url, query = _database_for_server(tmp_path)
    env = production_env(database_url, tmp_path / "var")
    server = Gunicorn(env, workers=3, log=tmp_path / "gunicorn.log")
    prepared = time.monotonic()
    server.start()
    booted = time.monotonic()

    todo: queue.Queue[Outcome] = queue.Queue()
    outcomes = [Outcome(key=f"{run}-{n:04d}", citizen=n % CITIZENS) for n in range(SUBMISSIONS)]
    for outcome in outcomes:
        todo.put(outcome)
    stop = threading.Event()
    deadline = time.monotonic() + STORM_LIMIT_SECONDS
    kills = 0
    progress = threading.Condition()
    acked = [0]  # acknowledged so far (under ``progress``)

    def acknowledge() -> None:
        with progress:
            acked[0] += 1
            if acked[0] >= TARGET_ACKNOWLEDGED and kills >= MIN_KILLS:
                stop.set()
            progress.notify_all()

    def client() -> None:
        while not stop.is_set():
            try:
                outcome = todo.get_nowait()
            except queue.Empty:
                return
            body = json.dumps(
                {
                    "procedure": version.procedure.code,
                    "form_data": {"ho_ten": f"Người nộp {outcome.key}", "so_luong": 1},
                }
            ).encode()
            while time.monotonic() < deadline and not stop.is_set():
                outcome.attempts += 1
                try:
                    status, content = _submit(
                        server.port, tokens[outcome.citizen], body, outcome.key
                    )
                except (OSError, http.client.HTTPException) as exc:  # killed mid-request
                    outcome.errors.append(type(exc).__name__)
                    time.sleep(random.uniform(0.02, 0.1))
                    continue
                if status >= 500:
                    outcome.errors.append(str(status))
                    time.sleep(random.uniform(0.02, 0.1))
                    continue
                outcome.status = status
                if status in (200, 201):
                    dossier = json.loads(content)["dossier"]
                    outcome.code, outcome.dossier_id = dossier["code"], dossier["id"]
                    acknowledge()
                else:
                    outcome.errors.append(f"{status}: {content[:200]!r}")
                break

    def killer() -> None:
        nonlocal kills
        rng = random.Random()
        seen = 0  # acknowledgements at the last kill
        while not stop.wait(rng.uniform(0.3, 0.5)):
            with progress:  # strike only once the server made progress since the last kill
                while acked[0] <= seen and not stop.is_set() and time.monotonic() < deadline:
                    progress.wait(timeout=1)
                seen = acked[0]
            if stop.is_set() or time.monotonic() >= deadline:
                return
            pids = server.worker_pids()
            if pids and server.kill_worker(rng.choice(pids)):
                with progress:
                    kills += 1
                    if acked[0] >= TARGET_ACKNOWLEDGED and kills >= MIN_KILLS:
                        stop.set()

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    murderer = threading.Thread(target=killer)
    try:
        murderer.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=STORM_LIMIT_SECONDS + REQUEST_TIMEOUT)
    finally:
        stop.set()
        murderer.join(timeout=5)
        server.stop()
    elapsed = time.monotonic() - started

    acknowledged = [o for o in outcomes if o.status in (200, 201) and o.code]
    retried = sum(1 for o in outcomes if o.attempts > 1)
    replays = sum(1 for o in outcomes if o.status == 200)
    print(
        f"\ncrash test ({connection.vendor}): {len(acknowledged)}/{SUBMISSIONS} acknowledged in "
        f"{elapsed:.1f} s ({len(acknowledged) / elapsed:.0f}/s), {kills} workers killed, "
        f"{retried} submissions retried ({sum(o.attempts for o in outcomes)} requests), "
        f"{replays} answered by replay (200); load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs; data {prepared - begun:.1f} s, gunicorn start "
        f"{booted - prepared:.1f} s"
    )

    where = f"idempotency_key LIKE '{run}-%'"  # ``run`` is made by this test
    rows = query(f"SELECT idempotency_key, code, id FROM dossiers_dossier WHERE {where}")  # noqa: S608
    by_key: dict[str, list[tuple[str, int]]] = {}
    for key, code, pk in rows:
        by_key.setdefault(key, []).append((code, pk))
    duplicates = {k: v for k, v in by_key.items() if len(v) > 1}
    assert not duplicates, f"Idempotency-Keys with several dossiers: {duplicates}"
    codes = [code for _key, code, _pk in rows]
    assert len(codes) == len(set(codes)), "a dossier code was given twice"
    for outcome in acknowledged:
        assert by_key.get(outcome.key) == [(outcome.code, outcome.dossier_id)], outcome
    refused = [o for o in outcomes if o.status and o.status not in (200, 201)]
    assert not refused, [(o.key, o.errors[-1]) for o in refused[:5]]
    assert kills > 0, "the killer never killed a worker"
    assert kills >= MIN_KILLS, f"only {kills} workers were killed"
    assert len(acknowledged) >= TARGET_ACKNOWLEDGED, "the server made no progress under the kills"
    # nothing was stored for a submission that was never sent
    assert set(by_key) <= {o.key for o in outcomes if o.attempts}
