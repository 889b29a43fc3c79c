"""The benchmark suite: ``make bench`` (full scale) and ``make bench-smoke`` (small data).

    .venv/bin/python bench/run.py --scale full|smoke [--only lookup,submit,...]
        [--client auto|wrk|python] [--seconds N] [--database NAME] [--reload]

1. Makes sure the bench database is loaded at the scale (``bench/generate.py``; reused when
   already loaded).
2. Starts the application as in production — ``gunicorn -c gunicorn.conf.py chinhquyen.wsgi``
   with ``bench.settings`` (production settings, plain HTTP on 127.0.0.1, Redis cache, the
   public lookup throttle raised; printed below) — on a free loopback port.
3. Takes the references of this run: ``pgbench -S`` on a scratch database (the ceiling of the
   database for simple lookups) and, per scenario, the plain SQL / ORM / bare-crypto baseline.
4. Runs the scenarios, prints a table (throughput, p50/p95/p99, errors, ratio to the reference,
   target) and writes ``bench/results/<timestamp>-<scale>.json`` plus ``latest.json`` (full)
   or ``latest-smoke.json`` (smoke).

Exit status: 0 when every scenario ran without errors; 1 otherwise. Speed is never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common, generate, http_load
from bench.common import Result

# read-only HTTP scenarios: their SQL can be replayed by the floor view
FLOOR_SCENARIOS = ("lookup", "inbox", "search", "report")
SCENARIOS = [
    "lookup",
    "submit",
    "inbox",
    "report",
    "dashboard",
    "search",
    "sign",
    "numbering",
    "workflow",
]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}Z] {message}", flush=True)


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def gunicorn(
    db_name: str,
    workers: int | None,
    *,
    settings: str = "bench.settings",
    log_name: str = "gunicorn",
) -> Iterator[dict[str, Any]]:
    port = free_port()
    state = common.state_dir(db_name)
    # no worker recycling during a run (production's max_requests=5000 restarted a worker every
    # ~20 s on fast endpoints: its first requests after the restart made p95 spikes of ~2 s)
    env = common.bench_env(
        db_name,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_MAX_REQUESTS="0",
        DJANGO_SETTINGS_MODULE=settings,
        BENCH_FLOOR_DIR=str(state),
    )
    if workers:
        env["GUNICORN_WORKERS"] = str(workers)
    logfile = (state / f"{log_name}.log").open("w")
    binary = str(Path(common.PYTHON).parent / "gunicorn")
    proc = subprocess.Popen(
        [binary, "-c", "gunicorn.conf.py", "chinhquyen.wsgi"],
        cwd=common.ROOT,
        env=env,
        stdout=logfile,
        stderr=subprocess.STDOUT,
    )
    info = {"port": port, "pid": proc.pid, "log": str(state / f"{log_name}.log")}
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({proc.returncode}); see {info['log']}")
            try:
                status = _get(port, "/healthz")[0]
                if status in (200, 503):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("gunicorn did not answer within 90 s")
        yield info
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        logfile.close()


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _post(port: int, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", path, body=body, headers={"Host": "127.0.0.1", **headers})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# --------------------------------------------------------------------------------------------
# References
# --------------------------------------------------------------------------------------------


def _pg_env() -> dict[str, str]:
    from urllib.parse import urlsplit

    url = urlsplit(common.pg_server_url())
    env = {**os.environ, "PGHOST": url.hostname or "127.0.0.1", "PGPORT": str(url.port or 5432)}
    env["PGUSER"] = url.username or "postgres"
    if url.password:
        env["PGPASSWORD"] = url.password
    return env


def _parse_pgbench(output: str) -> dict[str, float]:
    tps = re.search(r"tps = ([0-9.]+)", output)
    latency = re.search(r"latency average = ([0-9.]+) ms", output)
    failed = re.search(r"number of failed transactions: (\d+)", output)
    return {
        "throughput": float(tps.group(1)) if tps else 0.0,
        "mean_ms": float(latency.group(1)) if latency else 0.0,
        "failed": float(failed.group(1)) if failed else 0.0,
    }


def pgbench_database(db_name: str) -> str:
    """The scratch database of ``pgbench -S``, one per bench database: runs from other
    checkouts (another bench database) never share or re-initialise it under each other."""
    return f"{db_name}_pgbench"


def pgbench_select_only(db_name: str, clients: int, seconds: int) -> dict[str, Any]:
    """``pgbench -S`` on a scratch database (initialised once, scale 10: 1,000,000 accounts)."""
    import psycopg

    PGBENCH_DB = pgbench_database(db_name)
    env = _pg_env()
    with psycopg.connect(common.database_url("postgres"), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PGBENCH_DB])
        if not exists.fetchone():
            admin.execute(f'CREATE DATABASE "{PGBENCH_DB}"')
            subprocess.run(
                ["pgbench", "-i", "-q", "-s", "10", PGBENCH_DB],
                env=env,
                check=True,
                capture_output=True,
                timeout=600,
            )
    proc = subprocess.run(
        ["pgbench", "-S", "-n", "-c", str(clients), "-j", "2", "-T", str(seconds), PGBENCH_DB],
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        check=True,
    )
    out = _parse_pgbench(proc.stdout)
    return {"name": f"pgbench -S, {clients} clients, {seconds} s", **out}


def pgbench_script(
    db_name: str, script: str, clients: int, seconds: int, defines: dict[str, Any]
) -> dict[str, Any]:
    """A custom pgbench script on the bench database (read-only queries)."""
    path = common.state_dir(db_name) / "pgbench.sql"
    path.write_text(script)
    cmd = ["pgbench", "-n", "-f", str(path), "-c", str(clients), "-j", "2", "-T", str(seconds)]
    for key, value in defines.items():
        cmd += ["-D", f"{key}={value}"]
    proc = subprocess.run(
        [*cmd, db_name],
        env=_pg_env(),
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        check=True,
    )
    return _parse_pgbench(proc.stdout)


def time_calls(fn: Callable[[], Any], runs: int, budget_s: float) -> list[float]:
    """Milliseconds of up to ``runs`` calls of ``fn`` within ``budget_s`` seconds."""
    samples: list[float] = []
    deadline = time.perf_counter() + budget_s
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
        if time.perf_counter() > deadline:
            break
    return samples


def ratio(value: float | None, reference: float | None) -> float | None:
    if not value or not reference:
        return None
    return round(value / reference, 3)


# --------------------------------------------------------------------------------------------
# The suite
# --------------------------------------------------------------------------------------------


class Suite:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.scale = common.SCALES[args.scale]
        self.db = args.database or common.DEFAULT_DATABASES[self.scale.name]
        self.state = common.state_dir(self.db)
        self.seconds = float(args.seconds or self.scale.http_seconds)
        self.results: list[Result] = []
        self.port = 0
        self.client = args.client
        if self.client == "auto":
            self.client = "wrk" if http_load.wrk_available() else "python"
        self.references: dict[str, Any] = {}
        self.run_id = uuid.uuid4().hex[:8]
        self.workers = args.gunicorn_workers or self.scale.gunicorn_workers
        self.floor_port = 0
        self.floors: dict[str, dict[str, Any]] = {}

    # ---- helpers -----------------------------------------------------------------------------

    def tokens(self) -> dict[str, list[str]]:
        return json.loads((self.state / "tokens.json").read_text())  # type: ignore[no-any-return]

    def meta(self) -> dict[str, Any]:
        return json.loads((self.state / "meta.json").read_text())  # type: ignore[no-any-return]

    def load(
        self,
        *,
        requests: list[http_load.Request],
        connections: int,
        name: str,
        seconds: float | None = None,
    ) -> http_load.LoadResult:
        seconds = seconds or self.seconds
        if self.client == "wrk":
            path = http_load.write_requests_file(self.state / f"{name}.requests", requests)
            warm = max(1.0, self.scale.warmup_seconds)
            measured = self.wrk(self.port, path, connections, warm, seconds)
            self.drain()
            if name in FLOOR_SCENARIOS and self.floor_port:
                self.floors[name] = self.floor(name, requests, connections, seconds)
            return measured
        http_load.run_python(
            host="127.0.0.1",
            port=self.port,
            requests=requests,
            connections=connections,
            seconds=self.scale.warmup_seconds,
            max_requests=self.scale.http_max_requests,
        )
        return http_load.run_python(
            host="127.0.0.1",
            port=self.port,
            requests=requests,
            connections=connections,
            seconds=seconds,
            max_requests=self.scale.http_max_requests,
        )

    def drain(self, limit_s: float = 120) -> float:
        """Wait until requests a load run left in flight are done (a cheap request answers
        quickly again); returns the seconds waited."""
        began = time.perf_counter()
        while time.perf_counter() - began < limit_s:
            start = time.perf_counter()
            with contextlib.suppress(OSError):
                _get(self.port, "/healthz")
            if time.perf_counter() - start < 0.3:
                break
        return round(time.perf_counter() - began, 1)

    def http_result(
        self, key: str, title: str, load: http_load.LoadResult, connections: int
    ) -> Result:
        result = Result(key=key, title=title, concurrency=connections)
        result.requests = load.requests
        result.errors = load.errors
        result.seconds = round(load.seconds, 2)
        result.throughput = round(load.throughput, 1)
        for name, value in load.latencies_ms.items():
            setattr(result, name, round(value, 2) if value is not None else None)
        result.ok = load.errors == 0 and load.requests > 0
        result.details = {"tool": load.tool, "statuses": load.statuses, **load.error_detail}
        floor = self.floors.get(key)
        if floor is not None:
            result.details["floor"] = {**floor, **self.floor_ratios(result, floor)}
        return result

    def wrk(
        self, port: int, path: Path, connections: int, warm: float, seconds: float
    ) -> http_load.LoadResult:
        """A warm-up run, then the measured run of the requests file ``path`` against ``port``."""
        for run, duration in enumerate((warm, seconds)):
            if run == 1 and port == self.port:
                self.drain()
            measured = http_load.run_wrk(
                url=f"http://127.0.0.1:{port}",
                script="requests.lua",
                connections=connections,
                seconds=duration,
                env={"BENCH_REQUESTS": str(path)},
                # as long as the run: a slow answer is measured, never dropped as a timeout
                timeout_s=int(duration) + 5,
            )
        return measured

    def floor(
        self, name: str, requests: list[http_load.Request], connections: int, seconds: float
    ) -> dict[str, Any]:
        """The scenario's floor (``bench/floor.py``), at its concurrency and duration: a
        constant JSON view without middleware, and the same view running the scenario's SQL."""
        from bench import floor

        sample = random.Random(7).sample(requests, min(40, len(requests)))
        batches = floor.capture(sample)
        common.dump_json(self.state / f"floor-{name}.json", batches)
        out: dict[str, Any] = {
            "statements_per_request": round(sum(map(len, batches)) / max(1, len(batches)), 1)
        }
        for kind, paths in (
            ("const", ["/floor/const/"]),
            ("sql", [f"/floor/sql/{name}/?i={k}" for k in range(len(batches))]),
        ):
            path = http_load.write_requests_file(
                self.state / f"floor-{name}-{kind}.requests",
                [http_load.Request("GET", p) for p in paths],
            )
            warm = max(1.0, self.scale.warmup_seconds)
            load = self.wrk(self.floor_port, path, connections, warm, seconds)
            out[kind] = {
                "throughput": round(load.throughput, 1),
                "errors": load.errors,
                **{k: round(v, 2) for k, v in load.latencies_ms.items() if v is not None},
            }
        return out

    @staticmethod
    def floor_ratios(result: Result, floor: dict[str, Any]) -> dict[str, Any]:
        """What each layer costs, from the medians: Django (the constant view), our SQL (the raw
        SQL view minus the constant one), our middleware/DRF/ORM/serialisation (the full stack
        minus the raw SQL view); and full stack throughput ÷ each floor's."""
        const, raw = floor["const"], floor["sql"]
        full = result.p50_ms or 0.0
        django_ms = const.get("p50_ms") or 0.0
        sql_ms = max(0.0, (raw.get("p50_ms") or 0.0) - django_ms)
        ours_ms = max(0.0, full - django_ms - sql_ms)
        share = {
            k: round(v / full, 3) if full else None
            for k, v in (("django", django_ms), ("our_sql", sql_ms), ("our_stack", ours_ms))
        }
        return {
            "p50_ms": {
                "django": django_ms,
                "our_sql": round(sql_ms, 2),
                "our_stack": round(ours_ms, 2),
            },
            "share_of_p50": share,
            "throughput_full_over_const": ratio(result.throughput, const.get("throughput")),
            "throughput_full_over_sql": ratio(result.throughput, raw.get("throughput")),
        }

    # ---- scenarios ---------------------------------------------------------------------------

    def s_lookup(self) -> Result:
        pairs = [
            line.split("\t")
            for line in (self.state / "lookups.tsv").read_text().splitlines()
            if line.strip()
        ]
        requests = [
            http_load.Request(
                "POST",
                "/api/v1/public/dossiers/lookup/",
                body=json.dumps({"code": code, "pin": pin}).encode(),
            )
            for code, pin in pairs
        ]
        load = self.load(requests=requests, connections=16, name="lookup")
        result = self.http_result("lookup", "(a) Tra cứu công khai mã hồ sơ + PIN (API)", load, 16)
        # the same lookup as SQL, at the same concurrency, straight to PostgreSQL
        import psycopg

        with psycopg.connect(common.database_url(self.db), autocommit=True) as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS bench_lookup_codes (n integer PRIMARY KEY, code text)"
            )
            conn.execute("TRUNCATE bench_lookup_codes")
            with (
                conn.cursor() as cur,
                cur.copy("COPY bench_lookup_codes (n, code) FROM STDIN") as c,
            ):
                for n, (code, _pin) in enumerate(pairs, start=1):
                    c.write_row((n, code))
        sql = (
            "\\set n random(1, :count)\n"
            "SELECT d.id, d.code, d.lookup_pin_hash, d.procedure_name, d.status, d.received_at, "
            "d.due_at, d.finished_at, d.returned_at, r.name, c.name FROM dossiers_dossier d "
            "JOIN orgs_organisation r ON r.id = d.receiving_organisation_id "
            "JOIN orgs_organisation c ON c.id = d.competent_organisation_id "
            "WHERE d.code = (SELECT code FROM bench_lookup_codes WHERE n = :n);\n"
        )
        sql_ref = pgbench_script(
            self.db, sql, 16, self.scale.pgbench_seconds, {"count": len(pairs)}
        )
        ceiling = self.references["pgbench_select_only"]
        result.reference = {
            "name": "the same lookup as SQL (pgbench script, 16 clients)",
            "throughput": sql_ref["throughput"],
            "mean_ms": sql_ref["mean_ms"],
            "ratio": ratio(result.throughput, sql_ref["throughput"]),
            "ceiling": ceiling["name"],
            "ceiling_throughput": ceiling["throughput"],
            "ratio_to_ceiling": ratio(result.throughput, ceiling["throughput"]),
        }
        result.target = "≥ 1000 req/s, p95 ≤ 20 ms"
        result.target_met = (result.throughput or 0) >= 1000 and (result.p95_ms or 1e9) <= 20
        rate = os.environ.get("BENCH_PUBLIC_LOOKUP_RATE", "1000000/s")
        result.notes = [
            f"throttle public_lookup raised from 20/min to {rate} (bench/settings.py): every "
            "client is 127.0.0.1; the throttle still runs (Redis round trips included)",
            f"{len(pairs)} (code, PIN) pairs of generated dossiers, picked at random",
        ]
        return result

    def _submit_bodies(self) -> Path:
        meta = self.meta()["submit"]
        directory = self.state / "submit"
        directory.mkdir(exist_ok=True)
        boundary = "----chinhquyen-bench-" + self.run_id
        (directory / "boundary.txt").write_text(boundary)
        (directory / "tokens.txt").write_text("\n".join(self.tokens()["citizens"]) + "\n")
        for old in directory.glob("body_*.bin"):
            old.unlink()
        for n, commune in enumerate(meta["communes"], start=1):
            parts = [
                ("procedure", meta["procedure"].encode(), None),
                ("competent_organisation", str(commune).encode(), None),
                ("form_data", json.dumps(meta["form_data"], ensure_ascii=False).encode(), None),
            ]
            for paper_id in meta["papers"]:
                parts.append((f"paper_{paper_id}", generate.SAMPLE_PDF, "giay-to.pdf"))
            body = b""
            for name, value, filename in parts:
                body += f"--{boundary}\r\n".encode()
                if filename:
                    body += (
                        f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                        "Content-Type: application/pdf\r\n\r\n"
                    ).encode()
                else:
                    body += f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                body += value + b"\r\n"
            body += f"--{boundary}--\r\n".encode()
            (directory / f"body_{n}.bin").write_bytes(body)
        return directory

    def s_submit(self) -> Result:
        import psycopg

        directory = self._submit_bodies()
        with psycopg.connect(common.database_url(self.db)) as conn:
            before = conn.execute("SELECT COALESCE(MAX(id), 0) FROM dossiers_dossier").fetchone()
        first_id = int(before[0]) if before else 0
        if self.client != "wrk":
            return self._submit_python(directory, first_id)
        # no separate warm-up: the workers are warm (``warm_up``), and requests a warm-up
        # abandons would keep the server busy at the start of the measured run
        env = {"BENCH_SUBMIT_DIR": str(directory), "BENCH_RUN_ID": f"run-{self.run_id}"}
        load = http_load.run_wrk(
            url=f"http://127.0.0.1:{self.port}",
            script="submit.lua",
            connections=32,
            # a submission costs far more than a lookup: the smoke runs longer to finish some
            seconds=self.seconds if self.scale.name == "full" else self.seconds * 2,
            env=env,
            timeout_s=30,
        )
        drained = self.drain()
        result = self.http_result(
            "submit", "(b) Nộp hồ sơ trực tuyến (API, Idempotency-Key)", load, 32
        )
        statuses = dict(load.statuses)
        retries = statuses.pop("retries", 0)
        result.errors = load.errors
        result.ok = result.errors == 0 and load.requests > 0
        checks = self._submit_checks(first_id, first_id, f"run-{self.run_id}-")
        result.details = {
            **(result.details or {}),
            "statuses": statuses,
            "retries": retries,
            "drain_seconds": drained,
            **checks,
        }
        if checks["duplicate_codes"] or checks["sequence_problems"]:
            result.ok = False
            result.failure = "duplicate or missing dossier codes"
        # every created dossier has its own key (a retried key never made a second dossier);
        # requests still in flight when wrk stopped were completed by the server afterwards
        answered = statuses.get("201", 0)
        if checks["created"] != checks["distinct_keys"] or not (
            answered <= checks["created"] <= answered + 32
        ):
            result.ok = False
            result.failure = (
                f"{answered} answers 201, {checks['created']} dossiers created with "
                f"{checks['distinct_keys']} distinct Idempotency-Keys"
            )
        result.reference = self._submit_reference()
        result.reference["ratio"] = ratio(result.p50_ms, result.reference.get("p50_ms"))
        result.target = "≥ 200 req/s, p95 ≤ 50 ms, 0 duplicates at 32 clients"
        result.target_met = (
            (result.throughput or 0) >= 200
            and (result.p95_ms or 1e9) <= 50
            and checks["duplicate_codes"] == 0
        )
        result.notes = [
            "demo procedure 1.001193 (khai sinh), 2 PDF papers per request, 12 communes, "
            f"{len(self.tokens()['citizens'])} citizens' tokens; ~5% of the requests repeat "
            "the previous request of their connection with the same Idempotency-Key",
        ]
        return result

    def _submit_python(self, directory: Path, first_id: int) -> Result:
        bodies = sorted(directory.glob("body_*.bin"))
        boundary = (directory / "boundary.txt").read_text().strip()
        tokens = self.tokens()["citizens"]
        requests = []
        for i in range(min(self.scale.http_max_requests, 20000)):
            requests.append(
                http_load.Request(
                    "POST",
                    "/api/v1/my/dossiers/",
                    authorization=f"Bearer {tokens[i % len(tokens)]}",
                    body=bodies[i % len(bodies)].read_bytes(),
                    headers={
                        "Idempotency-Key": f"py-{self.run_id}-{i}",
                        "Content-Type": f"multipart/form-data; boundary={boundary}",
                    },
                )
            )
        load = http_load.run_python(
            host="127.0.0.1",
            port=self.port,
            requests=requests,
            connections=32,
            seconds=self.seconds,
            max_requests=len(requests),
        )
        result = self.http_result(
            "submit", "(b) Nộp hồ sơ trực tuyến (API, Idempotency-Key)", load, 32
        )
        checks = self._submit_checks(first_id, first_id, f"py-{self.run_id}-")
        result.details = {**(result.details or {}), **checks}
        if checks["duplicate_codes"] or checks["sequence_problems"]:
            result.ok = False
        result.notes = ["Python client: random keys drawn with replacement (retries included)"]
        return result

    def _submit_checks(self, first_id: int, measured_from: int, prefix: str) -> dict[str, Any]:
        import psycopg

        with psycopg.connect(common.database_url(self.db)) as conn:
            duplicates = conn.execute(
                "SELECT count(*) FROM (SELECT code FROM dossiers_dossier GROUP BY code "
                "HAVING count(*) > 1) d"
            ).fetchone()
            created = conn.execute(
                "SELECT count(*), count(DISTINCT idempotency_key) FROM dossiers_dossier "
                "WHERE id > %s AND idempotency_key LIKE %s",
                [measured_from, prefix + "%"],
            ).fetchone()
            # today's codes of every receiving agency must be exactly 1..counter
            rows = conn.execute(
                """
                SELECT c.organisation_id, c.day, c.last_number,
                       count(d.id), min(right(d.code, 4)::int), max(right(d.code, 4)::int)
                FROM dossiers_dossiercounter c
                JOIN orgs_organisation o ON o.id = c.organisation_id
                LEFT JOIN dossiers_dossier d ON d.code LIKE o.agency_code || '-' ||
                    to_char(c.day, 'YYMMDD') || '-%%'
                WHERE c.day >= (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 1
                GROUP BY 1, 2, 3
                """
            ).fetchall()
        problems = [
            {"organisation": r[0], "day": str(r[1]), "counter": r[2], "codes": r[3]}
            for r in rows
            if not (r[3] == r[2] and (r[3] == 0 or (r[4] == 1 and r[5] == r[2])))
        ]
        assert duplicates is not None and created is not None
        return {
            "duplicate_codes": int(duplicates[0]),
            "created": int(created[0]),
            "distinct_keys": int(created[1]),
            "sequence_problems": problems[:10],
            "first_dossier_id": first_id,
        }

    def _submit_reference(self) -> dict[str, Any]:
        """The submission service called in this process (no HTTP), one at a time."""
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import connections

        from chinhquyen.accounts.models import User
        from chinhquyen.dossiers import services
        from chinhquyen.orgs.models import Organisation

        meta = self.meta()["submit"]
        citizens = list(
            User.objects.filter(username__startswith="bench.cd").order_by("pk")[64:80]
        ) or list(User.objects.filter(username__startswith="bench.cd").order_by("pk")[:16])
        communes = list(Organisation.objects.filter(pk__in=meta["communes"]))
        counter = [0]

        def call() -> None:
            counter[0] += 1
            uploads = [
                services.Upload(
                    file=SimpleUploadedFile("giay-to.pdf", generate.SAMPLE_PDF, "application/pdf"),
                    paper_id=pid,
                )
                for pid in meta["papers"]
            ]
            services.dossier_submit_online(
                actor=citizens[counter[0] % len(citizens)],
                procedure=meta["procedure"],
                form_data=meta["form_data"],
                uploads=uploads,
                competent_organisation=communes[counter[0] % len(communes)],
                idempotency_key=f"ref-{self.run_id}-{counter[0]}",
            )

        runs = max(10, min(100, self.scale.workflow_dossiers))
        call()  # warm-up
        samples = time_calls(call, runs, 30)
        connections.close_all()
        return {
            "name": "dossier_submit_online called in-process (ORM, no HTTP), sequential",
            **common.latency_summary(samples),
            "calls": len(samples),
        }

    def s_inbox(self) -> Result:
        tokens = self.tokens()["inbox"]
        requests = [
            http_load.Request("GET", "/api/v1/dossiers/", authorization=f"Bearer {t}")
            for t in tokens
        ]
        load = self.load(requests=requests, connections=16, name="inbox")
        result = self.http_result("inbox", "(c) Hộp hồ sơ của cán bộ (API)", load, 16)
        result.reference = self._inbox_reference(tokens)
        result.reference["ratio"] = ratio(result.p50_ms, result.reference.get("p50_ms"))
        result.target = "p95 ≤ 30 ms"
        result.target_met = (result.p95_ms or 1e9) <= 30
        result.notes = [f"{len(tokens)} officials (desk officers, unit heads, specialists)"]
        return result

    def _inbox_reference(self, tokens: list[str]) -> dict[str, Any]:
        from django.db import connections

        from chinhquyen.accounts.authentication import hash_token
        from chinhquyen.accounts.models import ApiToken
        from chinhquyen.dossiers import selectors

        users = [
            ApiToken.objects.select_related("user").get(digest=hash_token(t)).user for t in tokens
        ]
        index = [0]

        def call() -> None:
            index[0] += 1
            selectors.dossiers_for_inbox(users[index[0] % len(users)])

        call()
        samples = time_calls(call, max(20, len(users) * 5), 30)
        connections.close_all()
        return {
            "name": "selectors.dossiers_for_inbox in-process (ORM: page + counts), sequential",
            **common.latency_summary(samples),
            "calls": len(samples),
        }

    def _report_36_months(self) -> str:
        """The report over the 36 months ending this month (``start`` alone covers 12)."""
        today = dt.date.today()
        first = today.year * 12 + today.month - 1 - 35
        start = f"{first // 12}-{first % 12 + 1:02d}"
        return f"/api/v1/reports/on-time/?start={start}&end={today:%Y-%m}"

    def s_report(self) -> Result:
        tokens = self.tokens()["search"]  # lanhdao.tinh: leader of the province
        requests = [
            http_load.Request("GET", path, authorization=f"Bearer {t}")
            for t in tokens
            for path in ("/api/v1/reports/on-time/", self._report_36_months())
        ]
        load = self.load(requests=requests, connections=4, name="report")
        result = self.http_result(
            "report", "(d) Thống kê đúng hạn theo cơ quan và tháng (API)", load, 4
        )
        import psycopg

        with psycopg.connect(common.database_url(self.db)) as conn:

            def scan() -> None:
                conn.execute("SELECT count(*) FROM dossiers_dossier").fetchone()

            scan()
            samples = time_calls(scan, self.scale.aggregate_runs, 30)
        reference = {
            "name": "SELECT count(*) FROM dossiers_dossier (a full scan), sequential",
            **common.latency_summary(samples),
        }
        reference["ratio"] = ratio(result.p50_ms, reference["p50_ms"])
        result.reference = reference
        result.target = "— (no target in the issues)"
        result.notes = [
            "GET /api/v1/reports/on-time/ (reports.selectors.on_time_report: two aggregates "
            "grouped by competent organisation and month) as the province's leader, the default "
            "12 months and the 36 months ending this month, 4 concurrent users",
        ]
        return result

    def s_dashboard(self) -> Result:
        """The statistics read from the daily facts: the QĐ 766 index of the province (with its
        drill-down and six periods of history) and the public figures of 12 closed months."""
        tokens = self.tokens()["search"]  # lanhdao.tinh: leader of the province
        requests = [
            http_load.Request("GET", path, authorization=f"Bearer {t}")
            for t in tokens
            for path in ("/api/v1/index766/", "/api/v1/index766/?period=" + f"{dt.date.today():%Y}")
        ] + [http_load.Request("GET", "/api/v1/statistics/public/")]
        load = self.load(requests=requests, connections=4, name="dashboard")
        result = self.http_result(
            "dashboard",
            "(d2) Chỉ số QĐ 766 và số liệu công khai từ số liệu tổng hợp (API)",
            load,
            4,
        )
        result.target = "the leader's dashboard p95 ≤ 50 ms (issue #16)"
        result.notes = [
            "GET /api/v1/index766/ as the province's leader (last closed month, and the year), "
            "GET /api/v1/statistics/public/ (12 closed months); 4 concurrent users; the facts "
            "are rebuilt once after the COPY load (bench/generate.py ensure_facts)",
        ]
        return result

    def _search_words(self) -> list[str]:
        from bench import vn
        from chinhquyen.core.text import normalize_search

        rng = random.Random(11)
        phrases = [normalize_search(o) for o in vn.DOC_OBJECTS] + [
            normalize_search(v) for v in vn.DOC_VERBS
        ]
        queries = []
        for phrase in phrases:
            words = [w.strip(",") for w in phrase.split() if len(w.strip(",")) >= 2]
            for size in (1, 2, 3):
                if len(words) >= size:
                    start = rng.randrange(len(words) - size + 1)
                    queries.append(" ".join(words[start : start + size]))
        return sorted(set(queries))

    def s_search(self) -> Result:
        from urllib.parse import quote

        token = self.tokens()["search"][0]
        queries = self._search_words()
        requests = [
            http_load.Request("GET", f"/api/v1/documents/{kind}/?q={quote(q)}", f"Bearer {token}")
            for q in queries
            for kind in ("incoming", "outgoing")
        ]
        load = self.load(requests=requests, connections=8, name="search")
        result = self.http_result(
            "search", "(e) Tìm văn bản không dấu trên toàn bộ văn bản đến/đi (API)", load, 8
        )
        import psycopg

        rng = random.Random(5)
        with psycopg.connect(common.database_url(self.db)) as conn:
            count = conn.execute(
                "SELECT (SELECT count(*) FROM documents_incomingdocument) + "
                "(SELECT count(*) FROM documents_outgoingdocument)"
            ).fetchone()

            def query() -> None:
                q = rng.choice(queries)
                table, order = rng.choice(
                    [
                        ("documents_incomingdocument", "received_at"),
                        ("documents_outgoingdocument", "created_at"),
                    ]
                )
                where = " AND ".join("search_text LIKE %s" for _ in q.split())
                params = [f"%{w}%" for w in q.split()]
                conn.execute(
                    f"SELECT id FROM {table} WHERE {where} ORDER BY {order} DESC, id DESC LIMIT 50",
                    params,
                ).fetchall()
                conn.execute(f"SELECT count(*) FROM {table} WHERE {where}", params).fetchone()

            query()
            samples = time_calls(query, 200 if self.scale.name == "full" else 30, 40)
        reference = {
            "name": "the same LIKE search as SQL (first page + count), no visibility rule, "
            "sequential",
            **common.latency_summary(samples),
        }
        reference["ratio"] = ratio(result.p50_ms, reference["p50_ms"])
        result.reference = reference
        result.target = "p95 ≤ 100 ms"
        result.target_met = (result.p95_ms or 1e9) <= 100
        result.notes = [
            f"{count[0] if count else '?'} documents (incoming + outgoing), searched by the "
            f"province's leader (sees all); {len(queries)} queries of 1-3 words typed without "
            "diacritics, alternately on /documents/incoming/ and /documents/outgoing/",
        ]
        return result

    def s_sign(self) -> list[Result]:
        from django.db import connections

        from bench import sign_verify
        from chinhquyen.signing.models import CredentialKind, SigningCredential

        credential = (
            SigningCredential.objects.filter(
                kind=CredentialKind.PKCS12, owner__username="lanhdao", is_active=True
            )
            .select_related("owner")
            .first()
        )
        if credential is None:
            raise RuntimeError("the demo signing credential of lanhdao is missing")
        data = sign_verify.measure(
            credential=credential, mode="personal", runs=self.scale.sign_runs
        )
        connections.close_all()
        out = []
        for key, title, samples, raw, target, limit in (
            ("render", "(f) Tạo PDF (WeasyPrint)", data["render_ms"], None, "—", None),
            (
                "sign",
                "(f) Ký số PDF (PAdES, RSA-2048)",
                data["sign_ms"],
                data["raw_sign_ms"],
                "median ≤ 25 ms",
                25.0,
            ),
            (
                "verify",
                "(f) Kiểm tra chữ ký PDF",
                data["verify_ms"],
                data["raw_verify_ms"],
                "median ≤ 10 ms",
                10.0,
            ),
        ):
            r = Result(key=key, title=title, concurrency=1, unit="ops/s")
            r.set_latencies(samples)
            r.requests = len(samples)
            r.seconds = round(sum(samples) / 1000, 3)
            r.throughput = round(1000 / statistics.fmean(samples), 1) if samples else None
            if raw:
                ref = common.latency_summary(raw)
                r.reference = {
                    "name": "bare RSA-2048 PKCS#1 v1.5 of a SHA-256 digest, same key",
                    **ref,
                    "ratio": ratio(r.p50_ms, ref["p50_ms"]),
                }
            r.target = target
            if limit is not None:
                r.target_met = (r.p50_ms or 1e9) <= limit
            r.notes = [
                f"one-page PDF of {data['pdf_bytes']} bytes, personal signature of a demo "
                "leader (PKCS#12 key of the demo CA), in the bench process"
            ]
            out.append(r)
        return out

    def s_numbering(self) -> Result:
        from django.db import connections

        from bench import documents_numbering

        connections.close_all()
        data = documents_numbering.existing_figures(
            processes=8, per_process=self.scale.numbering_per_process
        )
        connections.close_all()
        main = data["number_and_store"]
        result = Result(
            key="numbering",
            title="(g) Cấp số văn bản, 8 tiến trình song song (không trùng, không nhảy số)",
            concurrency=8,
            unit="numbers/s",
        )
        result.requests = main["numbers"]
        result.seconds = main["seconds"]
        result.throughput = main["rate"]
        problems = [
            name
            for name in ("number_and_store", "registration_service", "reference_sync_commit_off")
            if name in data and not data[name]["exactly_1_to_n"]
        ]
        result.errors = len(problems)
        result.ok = not problems
        if problems:
            result.failure = f"duplicates or gaps in: {', '.join(problems)}"
        ref = data["reference_sync_commit_off"]
        result.reference = {
            "name": "the same loop with synchronous_commit = off (no WAL flush wait)",
            "throughput": ref["rate"],
            "ratio": ratio(result.throughput, ref["rate"]),
        }
        result.target = "≥ 500 numbers/s"
        result.target_met = (result.throughput or 0) >= 500
        result.details = data
        service = data.get("registration_service")
        if service:
            result.notes = [
                f"full registration service (incoming_register): {service['rate']}/s, "
                f"{service['numbers']} numbers, exactly 1..N: {service['exactly_1_to_n']}"
            ]
        return result

    def s_workflow(self) -> Result:
        """Walk dossiers received by the submit scenario (or any open ones) to the end through
        the services: transfer, assign, step_complete / submit_for_approval, approve / finish,
        return_result — each by an official the workflow allows."""
        from django.db import connections

        from chinhquyen.accounts.models import Position, User
        from chinhquyen.dossiers import services, workflow
        from chinhquyen.dossiers.models import FINAL_STATUSES, Dossier

        forward = ["submit_for_approval", "step_complete", "finish"]

        def preference(dossier: Dossier) -> list[str]:
            """The next action that moves the dossier on (never a re-assignment)."""
            if dossier.status == "received":
                return ["transfer"]
            if dossier.status == "transferred":
                return ["assign", *forward]
            if dossier.status == "processing":
                return (["assign"] if dossier.current_assignee_id is None else []) + forward
            if dossier.status == "awaiting_approval":
                return ["approve", *forward]
            if dossier.status == "result_ready":
                return ["return_result"]
            return []

        # half: generated dossiers in the middle of their processing (the services must accept
        # the state the generator wrote); half: the dossiers the submit scenario received
        wanted = self.scale.workflow_dossiers
        candidates = list(
            Dossier.objects.filter(
                status__in=["transferred", "processing", "awaiting_approval", "result_ready"]
            )
            .order_by("-id")
            .values_list("pk", flat=True)[: wanted // 2]
        )
        generated = len(candidates)
        candidates += list(
            Dossier.objects.filter(status="received", channel=2)
            .exclude(pk__in=candidates)
            .order_by("-id")
            .values_list("pk", flat=True)[: wanted - len(candidates)]
        )
        officials: dict[int, list[User]] = {}
        for p in Position.objects.active().select_related("user", "unit"):
            if p.user.is_active and p.user.kind == "official":
                officials.setdefault(p.unit_id, []).append(p.user)
        users_by_unit_path: list[tuple[str, list[User]]] = []
        from chinhquyen.orgs.models import Organisation

        paths = dict(Organisation.objects.values_list("pk", "path"))
        for unit_id, users in officials.items():
            users_by_unit_path.append((paths[unit_id], users))
        samples: dict[str, list[float]] = {}
        errors: list[str] = []
        deadline = time.perf_counter() + (120 if self.scale.name == "full" else 15)
        transitions = 0
        began = time.perf_counter()
        for pk in candidates:
            for _step in range(12):
                if time.perf_counter() > deadline:
                    break
                dossier = Dossier.objects.select_related(
                    "receiving_organisation",
                    "competent_organisation",
                    "current_unit",
                    "current_step",
                    "procedure_version",
                ).get(pk=pk)
                if dossier.status in FINAL_STATUSES:
                    break
                related = {
                    dossier.receiving_organisation.path,
                    dossier.competent_organisation.path,
                    dossier.current_unit.path if dossier.current_unit else "",
                }
                people = [
                    u
                    for path, users in users_by_unit_path
                    if any(r and (r.startswith(path) or path.startswith(r)) for r in related)
                    for u in users
                ]
                chosen = None
                wanted_actions = preference(dossier)
                for user in people:
                    actions = workflow.available_actions(dossier, user)
                    for action in wanted_actions:
                        if action in actions:
                            chosen = (action, user)
                            break
                    if chosen:
                        break
                if chosen is None:
                    break
                action, user = chosen
                params: dict[str, Any] = {}
                if action == "assign":
                    unit = dossier.current_unit
                    pool = [
                        u
                        for path, users in users_by_unit_path
                        if unit and path.startswith(unit.path)
                        for u in users
                    ]
                    assignee = next(
                        (
                            u
                            for u in pool
                            if Position.objects.active()
                            .filter(user=u, unit__path__startswith=unit.path, role="specialist")
                            .exists()
                        ),
                        None,
                    )
                    if assignee is None:
                        break
                    params["assignee"] = assignee
                start = time.perf_counter()
                try:
                    services.dossier_transition(actor=user, dossier=pk, action=action, **params)
                except Exception as exc:
                    errors.append(f"{action} on {pk}: {exc}")
                    break
                samples.setdefault(action, []).append((time.perf_counter() - start) * 1000)
                transitions += 1
        elapsed = time.perf_counter() - began
        connections.close_all()
        everything = [ms for values in samples.values() for ms in values]
        result = Result(
            key="workflow",
            title="(h) Chuyển trạng thái hồ sơ qua services (1 tiến trình)",
            concurrency=1,
            unit="transitions/s",
        )
        result.requests = transitions
        result.errors = len(errors)
        result.set_latencies(everything)
        service_seconds = sum(everything) / 1000
        result.seconds = round(elapsed, 2)
        result.throughput = round(transitions / service_seconds, 1) if service_seconds else None
        result.ok = not errors and transitions > 0
        if not transitions:
            result.failure = "no transition could be made"
        result.details = {
            "per_action": {
                a: common.latency_summary(v) | {"count": len(v)} for a, v in samples.items()
            },
            "errors": errors[:20],
            "dossiers": len(candidates),
            "generated_dossiers": generated,
        }
        result.reference = self._workflow_reference(candidates)
        result.reference["ratio"] = ratio(result.p50_ms, result.reference.get("p50_ms"))
        result.target = "— (no target in the issues)"
        result.notes = [
            "throughput counts the time inside the service calls only (choosing the actor "
            "with workflow.available_actions is excluded)"
        ]
        return result

    def _workflow_reference(self, candidates: list[int]) -> dict[str, Any]:
        """A minimal write transaction on the same rows: lock the dossier, update it, commit."""
        import psycopg

        pks = candidates or [1]
        index = [0]
        with psycopg.connect(common.database_url(self.db)) as conn:

            def call() -> None:
                index[0] += 1
                pk = pks[index[0] % len(pks)]
                with conn.transaction():
                    conn.execute("SELECT id FROM dossiers_dossier WHERE id = %s FOR UPDATE", [pk])
                    conn.execute(
                        "UPDATE dossiers_dossier SET updated_at = updated_at WHERE id = %s", [pk]
                    )

            samples = time_calls(call, 200, 20)
        return {
            "name": "SELECT ... FOR UPDATE + UPDATE + COMMIT on the same dossiers (SQL)",
            **common.latency_summary(samples),
        }

    def warm_up(self, workers: int) -> dict[str, Any]:
        """Every gunicorn worker imports the application on its first request (no preload in
        gunicorn.conf.py): send rounds of concurrent requests until a round is fast, so the
        scenarios do not measure the start-up. Bounded: 180 s."""
        import threading

        pairs = (self.state / "lookups.tsv").read_text().splitlines()[:50]
        tokens = self.tokens()
        bodies = [
            json.dumps({"code": p.split("\t")[0], "pin": p.split("\t")[1]}).encode() for p in pairs
        ]
        calls: list[Callable[[], Any]] = [
            lambda: _post(
                self.port,
                "/api/v1/public/dossiers/lookup/",
                random.choice(bodies),
                {"Content-Type": "application/json"},
            ),
            lambda: _get(
                self.port,
                "/api/v1/dossiers/",
                {"Authorization": f"Bearer {random.choice(tokens['inbox'])}"},
            ),
            lambda: _get(
                self.port,
                "/api/v1/documents/incoming/?q=chuyen+doi+so",
                {"Authorization": f"Bearer {tokens['search'][0]}"},
            ),
        ]
        began = time.perf_counter()
        rounds = 0
        fast = 0
        while time.perf_counter() - began < 180 and fast < 2:
            rounds += 1
            times: list[float] = []

            def hit(call: Callable[[], Any], times: list[float] = times) -> None:
                start = time.perf_counter()
                with contextlib.suppress(OSError):
                    call()
                times.append(time.perf_counter() - start)

            threads = [
                threading.Thread(target=hit, args=(calls[i % len(calls)],))
                for i in range(workers * 3)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            fast = fast + 1 if max(times) < 1.5 else 0
        return {"rounds": rounds, "seconds": round(time.perf_counter() - began, 1)}

    # ---- running -----------------------------------------------------------------------------

    def run(self) -> int:
        started = dt.datetime.now(dt.UTC)
        only = [s for s in (self.args.only or ",".join(SCENARIOS)).split(",") if s]
        unknown = sorted(set(only) - set(SCENARIOS))
        if unknown:
            raise SystemExit(f"unknown scenarios: {', '.join(unknown)}")
        log(f"scale {self.scale.name}, database {self.db}, client {self.client}")
        state = generate.ensure(self.db, self.scale, force=self.args.reload)
        common.setup_django(self.db)
        import logging

        logging.disable(logging.WARNING)
        log("reference: pgbench -S")
        self.references["pgbench_select_only"] = pgbench_select_only(
            self.db, 16, self.scale.pgbench_seconds
        )
        log(
            f"  {self.references['pgbench_select_only']['throughput']:.0f} tps "
            f"({self.references['pgbench_select_only']['mean_ms']:.2f} ms mean)"
        )
        load_before = os.getloadavg()
        with (
            gunicorn(self.db, self.workers) as server,
            gunicorn(
                self.db, self.workers, settings="bench.floor_settings", log_name="gunicorn-floor"
            ) as floor_server,
        ):
            self.port = server["port"]
            if self.client == "wrk":  # the floor is measured with wrk only
                self.floor_port = floor_server["port"]
            log(f"gunicorn on 127.0.0.1:{self.port} (pid {server['pid']})")
            warm = self.warm_up(self.workers or (os.cpu_count() or 1) * 2 + 1)
            log(f"  workers warmed up: {warm['rounds']} rounds, {warm['seconds']} s")
            for name in only:
                method = getattr(self, f"s_{name}")
                log(f"scenario {name}")
                began = time.perf_counter()
                try:
                    produced = method()
                    for r in produced if isinstance(produced, list) else [produced]:
                        self.results.append(r)
                        log(f"  {_line(r)}")
                except Exception as exc:
                    traceback.print_exc()
                    self.results.append(
                        Result(
                            key=name, title=name, ok=False, failure=f"{type(exc).__name__}: {exc}"
                        )
                    )
                log(f"  ({time.perf_counter() - began:.0f} s)")
            server_errors = _server_errors(Path(server["log"]))
        report = self._report(started, state, load_before, server_errors)
        self._print(report)
        failed = [r for r in self.results if not r.ok]
        if server_errors:
            log(f"{server_errors} server errors (5xx or tracebacks) in {server['log']}")
        return 1 if failed or server_errors else 0

    def _report(
        self, started: dt.datetime, state: dict[str, Any], load_before: tuple, server_errors: int
    ) -> dict[str, Any]:
        import psycopg

        with psycopg.connect(common.database_url(self.db)) as conn:
            settings = dict(
                conn.execute(
                    "SELECT name, setting || COALESCE(unit, '') FROM pg_settings WHERE name IN "
                    "('shared_buffers', 'work_mem', 'effective_cache_size', 'synchronous_commit', "
                    "'max_connections', 'jit', 'random_page_cost', 'server_version')"
                ).fetchall()
            )
        wrk_version = ""
        if http_load.wrk_available():
            proc = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
            wrk_version = (
                (proc.stdout or proc.stderr).splitlines()[0] if (proc.stdout or proc.stderr) else ""
            )
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=common.ROOT, capture_output=True, text=True
        ).stdout.strip()
        return {
            "started_at": started.isoformat(),
            "finished_at": dt.datetime.now(dt.UTC).isoformat(),
            "scale": self.scale.name,
            "database": self.db,
            "data": {"counts": state.get("counts"), "load_timings_s": state.get("timings")},
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in os.getloadavg()],
            },
            "server": {
                "command": "gunicorn -c gunicorn.conf.py chinhquyen.wsgi",
                "settings": "bench.settings (chinhquyen.settings.production + lookup throttle)",
                "workers": self.workers or (os.cpu_count() or 1) * 2 + 1,
                "public_lookup_rate": os.environ.get("BENCH_PUBLIC_LOOKUP_RATE", "1000000/s"),
                "server_errors_in_log": server_errors,
            },
            "client": {"tool": self.client, "wrk": wrk_version},
            "postgresql": settings,
            "git_commit": commit,
            "references": self.references,
            "results": [r.as_dict() for r in self.results],
        }

    def _print(self, report: dict[str, Any]) -> None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        common.RESULTS_DIR.mkdir(exist_ok=True)
        path = common.RESULTS_DIR / f"{stamp}-{self.scale.name}.json"
        common.dump_json(path, report)
        latest = "latest.json" if self.scale.name == "full" else "latest-smoke.json"
        common.dump_json(common.RESULTS_DIR / latest, report)
        print()
        print(table(self.results))
        print()
        ceiling = self.references.get("pgbench_select_only", {})
        machine, server = report["machine"], report["server"]
        print(
            f"Reference: {ceiling.get('name')}: {ceiling.get('throughput', 0):.0f} tps. "
            f"Server: {server['workers']} gunicorn sync workers, {machine['cpus']} CPUs, "
            f"load average {machine['load_average_before'][0]} → "
            f"{machine['load_average_after'][0]}. Client: {self.client}."
        )
        print(
            f"Public lookup throttle raised to {server['public_lookup_rate']} (bench/settings.py)."
        )
        print(f"Results: {path.relative_to(common.ROOT)} and bench/results/{latest}")


def _line(r: Result) -> str:
    if not r.ok:
        return f"{r.key}: FAILED {r.failure} (errors {r.errors})"
    line = (
        f"{r.key}: {r.throughput} {r.unit}, p50 {r.p50_ms} ms, p95 {r.p95_ms} ms, "
        f"p99 {r.p99_ms} ms, errors {r.errors}"
    )
    floor = (r.details or {}).get("floor")
    if floor:
        share = floor["share_of_p50"]
        line += (
            f"\n    floor: constant view {floor['const']['throughput']} req/s "
            f"(p50 {floor['const'].get('p50_ms')} ms), raw SQL view {floor['sql']['throughput']} "
            f"req/s (p50 {floor['sql'].get('p50_ms')} ms); full ÷ constant "
            f"{floor['throughput_full_over_const']}, full ÷ SQL {floor['throughput_full_over_sql']}"
            f"; p50 shares: Django {share['django']}, our SQL {share['our_sql']}, "
            f"our middleware/DRF/ORM {share['our_stack']}"
        )
    return line


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def table(results: list[Result]) -> str:
    header = (
        f"{'scenario':<10} {'throughput':>16} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'errors':>6} {'× reference':>11}  {'target':<34} {'met':<4}"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        ref = r.reference or {}
        ratio_value = ref.get("ratio")
        met = "—" if r.target_met is None else ("yes" if r.target_met else "NO")
        if not r.ok:
            met = "FAIL"
        throughput = f"{_fmt(r.throughput)} {r.unit.split('/')[0][:7]}/s" if r.throughput else "—"
        lines.append(
            f"{r.key:<10} {throughput:>16} {_fmt(r.p50_ms, 2):>8} {_fmt(r.p95_ms, 2):>8} "
            f"{_fmt(r.p99_ms, 2):>8} {r.errors:>6} {_fmt(ratio_value, 2):>11}  "
            f"{r.target[:34]:<34} {met:<4}"
        )
    lines.append("")
    lines.append(
        "× reference: lookup and numbering = throughput ÷ reference throughput; the others"
    )
    lines.append("= p50 ÷ reference p50 (see each result's reference in the JSON file).")
    return "\n".join(lines)


def _server_errors(path: Path) -> int:
    """5xx answers in gunicorn's JSON access log, plus tracebacks."""
    count = 0
    try:
        for line in path.read_text(errors="replace").splitlines():
            if '"status": 5' in line or line.startswith("Traceback"):
                count += 1
    except FileNotFoundError:
        return 0
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(common.SCALES), default="smoke")
    parser.add_argument("--database", default=None)
    parser.add_argument("--only", default="", help=f"comma-separated: {','.join(SCENARIOS)}")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--seconds", type=float, default=None, help="HTTP scenario duration")
    parser.add_argument("--gunicorn-workers", type=int, default=None)
    parser.add_argument("--reload", action="store_true", help="reload the bench database")
    args = parser.parse_args()
    sys.exit(Suite(args).run())


if __name__ == "__main__":
    main()
