"""In-process profile of the write paths of issue #11 items 5-6: online submission and
dossier workflow transitions (one request / one service call at a time, no HTTP server).

    .venv/bin/python bench/profile_write.py --database cq_bench_smoke [--runs 30]
        [--only submit,workflow] [--profile submit|workflow] [--top 25]

Needs a bench database loaded by ``bench/run.py`` (``make bench-smoke``): its ``meta.json`` and
``tokens.json`` give the procedure, papers, communes and citizens' tokens. For each call it
prints the median wall time, CPU time of this process (``time.process_time``: Django, DRF,
our code, the driver — not PostgreSQL's), the number of SQL statements and the time spent in
them. ``--profile`` runs cProfile over the calls of one scenario and prints the top functions
by cumulative time. It writes dossiers into the bench database like the submit scenario.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common


class Counter:
    """Counts the SQL statements of a block and the time spent in them (execute wrapper)."""

    def __init__(self) -> None:
        self.queries = 0
        self.sql_s = 0.0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries += 1
            self.sql_s += time.perf_counter() - start


def measure(name: str, fn: Callable[[], Any], runs: int, profile: bool, top: int) -> dict:
    from django.db import connection

    fn()  # warm-up
    walls, cpus, queries, sqls = [], [], [], []
    profiler = cProfile.Profile() if profile else None
    for _ in range(runs):
        counter = Counter()
        with connection.execute_wrapper(counter):
            if profiler:
                profiler.enable()
            w0, c0 = time.perf_counter(), time.process_time()
            fn()
            c1, w1 = time.process_time(), time.perf_counter()
            if profiler:
                profiler.disable()
        walls.append((w1 - w0) * 1000)
        cpus.append((c1 - c0) * 1000)
        queries.append(counter.queries)
        sqls.append(counter.sql_s * 1000)
    row = {
        "scenario": name,
        "runs": runs,
        "wall_ms_p50": round(statistics.median(walls), 2),
        "cpu_ms_p50": round(statistics.median(cpus), 2),
        "sql_ms_p50": round(statistics.median(sqls), 2),
        "queries": sorted(set(queries)),
    }
    print(
        f"{name:<28} wall {row['wall_ms_p50']:7.2f} ms  cpu {row['cpu_ms_p50']:7.2f} ms  "
        f"sql {row['sql_ms_p50']:6.2f} ms  queries {row['queries']}"
    )
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
        print(out.getvalue())
    return row


def submit_call(state: Path) -> Callable[[], Any]:
    """One ``POST /api/v1/my/dossiers/`` with 2 PDF papers, as the bench's wrk script sends."""
    from django.test import Client

    from bench import generate

    meta = json.loads((state / "meta.json").read_text())["submit"]
    tokens = json.loads((state / "tokens.json").read_text())["citizens"]
    client = Client(HTTP_HOST="127.0.0.1")
    index = [0]

    def call() -> None:
        index[0] += 1
        data: dict[str, Any] = {
            "procedure": meta["procedure"],
            "competent_organisation": str(meta["communes"][index[0] % len(meta["communes"])]),
            "form_data": json.dumps(meta["form_data"], ensure_ascii=False),
        }
        for paper_id in meta["papers"]:
            data[f"paper_{paper_id}"] = _upload(generate.SAMPLE_PDF)
        response = client.post(
            "/api/v1/my/dossiers/",
            data,
            HTTP_AUTHORIZATION=f"Bearer {tokens[index[0] % len(tokens)]}",
            HTTP_IDEMPOTENCY_KEY=f"profile-{uuid.uuid4().hex}",
        )
        if response.status_code != 201:
            raise SystemExit(f"submission answered {response.status_code}: {response.content!r}")

    return call


def _upload(content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("giay-to.pdf", content, "application/pdf")


FORWARD = {
    "received": ["transfer"],
    "transferred": ["assign", "submit_for_approval", "step_complete", "finish"],
    "processing": ["submit_for_approval", "step_complete", "finish"],
    "awaiting_approval": ["approve", "step_complete", "finish"],
    "result_ready": ["return_result"],
}


def _next_move(dossier: Any, officials: list[Any], allowed_for: Callable) -> Any:
    """(action, official) moving ``dossier`` forward, or None."""
    wanted = FORWARD.get(dossier.status, [])
    if dossier.current_assignee_id is not None:
        wanted = [a for a in wanted if a != "assign"]
    return next(
        (
            (action, user)
            for user in officials
            for action in [next((a for a in wanted if a in allowed_for(dossier, user)), None)]
            if action is not None
        ),
        None,
    )


def workflow_walk(dossiers: int, profile: bool, top: int) -> dict:
    """Walk dossiers received online to the end through ``services.dossier_transition``
    (transfer, assign, submit for approval, approve, return), each action by an official the
    workflow allows; only the service call is measured."""
    from django.db import connection

    from chinhquyen.accounts.models import Position
    from chinhquyen.dossiers import services, workflow
    from chinhquyen.dossiers.models import Dossier

    pool = list(
        Dossier.objects.filter(status="received", channel=2)
        .order_by("-id")
        .values_list("pk", flat=True)[:dossiers]
    )
    positions = list(Position.objects.active().select_related("user", "unit"))
    officials = [p.user for p in positions if p.user.is_active and p.user.kind == "official"]
    per_action: dict[str, dict[str, list[float]]] = {}
    profiler = cProfile.Profile() if profile else None
    for pk in pool:
        for _ in range(8):
            dossier = Dossier.objects.select_related(
                "current_unit",
                "current_step",
                "procedure_version",
                "competent_organisation",
                "receiving_organisation",
            ).get(pk=pk)
            chosen = _next_move(dossier, officials, workflow.available_actions)
            if chosen is None:
                break
            action, user = chosen
            params: dict[str, Any] = {}
            unit = dossier.current_unit
            if action == "assign":
                assignee = next(
                    (
                        p.user
                        for p in positions
                        if unit and p.unit.path.startswith(unit.path) and p.role == "specialist"
                    ),
                    None,
                )
                if assignee is None:
                    break
                params["assignee"] = assignee
            counter = Counter()
            with connection.execute_wrapper(counter):
                if profiler:
                    profiler.enable()
                w0, c0 = time.perf_counter(), time.process_time()
                services.dossier_transition(actor=user, dossier=pk, action=action, **params)
                c1, w1 = time.process_time(), time.perf_counter()
                if profiler:
                    profiler.disable()
            row = per_action.setdefault(action, {"wall": [], "cpu": [], "q": [], "sql": []})
            row["wall"].append((w1 - w0) * 1000)
            row["cpu"].append((c1 - c0) * 1000)
            row["q"].append(counter.queries)
            row["sql"].append(counter.sql_s * 1000)
    out = {}
    for action, row in per_action.items():
        out[action] = {
            "count": len(row["wall"]),
            "wall_ms_p50": round(statistics.median(row["wall"]), 2),
            "cpu_ms_p50": round(statistics.median(row["cpu"]), 2),
            "sql_ms_p50": round(statistics.median(row["sql"]), 2),
            "queries": sorted(set(row["q"])),
        }
        print(f"workflow {action:<19} " + "  ".join(f"{k} {v}" for k, v in out[action].items()))
    walls = [w for row in per_action.values() for w in row["wall"]]
    if walls:
        print(
            f"workflow: {len(walls)} transitions, {len(walls) / (sum(walls) / 1000):.0f}/s "
            "(time inside the service calls)"
        )
    if profiler:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(top)
        print(text.getvalue())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="cq_bench_smoke")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only", default="submit,workflow")
    parser.add_argument("--profile", default="")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    common.setup_django(args.database)
    import logging

    logging.disable(logging.WARNING)
    state = common.state_dir(args.database)
    import os

    print(f"database {args.database}, load average {os.getloadavg()}")
    wanted = args.only.split(",")
    if "submit" in wanted:
        measure(
            "submit (HTTP in-process)",
            submit_call(state),
            args.runs,
            args.profile == "submit",
            args.top,
        )
    if "workflow" in wanted:
        workflow_walk(args.runs, args.profile == "workflow", args.top)


if __name__ == "__main__":
    main()
