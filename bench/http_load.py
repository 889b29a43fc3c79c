"""HTTP load generation: ``wrk`` (Debian package, C, one event loop per thread) with the Lua
scripts of ``bench/wrk/``, or a multi-process Python client when wrk is not installed.

On a 2-core machine the load generator competes with gunicorn and PostgreSQL for the CPU, so it
must be cheap: wrk spends a few microseconds per request; the Python client (one process per
core, a keep-alive ``http.client`` connection per simulated client, in threads) costs more and
is the fallback. Both run for a fixed time and stop early after ``max_requests`` (Python) —
every loop is bounded in count and time.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import common

WRK_DIR = common.BENCH_DIR / "wrk"


@dataclass
class Request:
    method: str
    path: str
    authorization: str = ""
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class LoadResult:
    tool: str
    requests: int
    seconds: float
    errors: int
    latencies_ms: dict[str, float | None]
    statuses: dict[str, int]
    error_detail: dict[str, int]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _parse_wrk(output: str) -> dict[str, Any]:
    for line in reversed(output.splitlines()):
        line = line.strip()
        if line.startswith("{") and '"requests"' in line:
            return json.loads(line)  # type: ignore[no-any-return]
    raise RuntimeError(f"wrk printed no summary:\n{output[-2000:]}")


def run_wrk(
    *,
    url: str,
    script: str,
    connections: int,
    seconds: float,
    env: dict[str, str],
    threads: int = 2,
    timeout_s: int = 10,
) -> LoadResult:
    cmd = [
        "wrk",
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={timeout_s}s",
        "-s",
        str(WRK_DIR / script),
        url,
    ]
    proc = subprocess.run(
        cmd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=seconds + timeout_s + 30,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr[-2000:]}")
    data = _parse_wrk(proc.stdout)
    detail = {
        k: int(data[k])
        for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    }
    return LoadResult(
        tool="wrk",
        requests=int(data["requests"]),
        seconds=data["duration_us"] / 1e6,
        errors=sum(detail.values()),
        latencies_ms={
            "p50_ms": data["p50_us"] / 1000,
            "p95_ms": data["p95_us"] / 1000,
            "p99_ms": data["p99_us"] / 1000,
            "max_ms": data["max_us"] / 1000,
            "mean_ms": round(data["mean_us"] / 1000, 3),
        },
        statuses={k: int(v) for k, v in (data.get("statuses") or {}).items()},
        error_detail=detail,
    )


# --------------------------------------------------------------------------------------------
# The Python client
# --------------------------------------------------------------------------------------------


def _client_thread(
    host: str,
    port: int,
    requests: Sequence[Request],
    deadline: float,
    budget: list[int],
    lock: threading.Lock,
    out: list[tuple[float, int]],
    seed: int,
) -> None:
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(host, port, timeout=30)
    while time.perf_counter() < deadline:
        with lock:
            if budget[0] <= 0:
                break
            budget[0] -= 1
        req = requests[rng.randrange(len(requests))]
        headers = {"Host": "127.0.0.1", "Accept": "application/json", **req.headers}
        if req.authorization:
            headers["Authorization"] = req.authorization
        if req.body and "Content-Type" not in headers:
            headers["Content-Type"] = "application/json"
        start = time.perf_counter()
        try:
            conn.request(req.method, req.path, body=req.body or None, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
        out.append(((time.perf_counter() - start) * 1000, status))
    conn.close()


def _client_process(args: tuple[Any, ...]) -> list[tuple[float, int]]:
    host, port, requests, clients, seconds, budget, seed = args
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()
    shared = [budget]
    out: list[tuple[float, int]] = []
    threads = [
        threading.Thread(
            target=_client_thread,
            args=(host, port, requests, deadline, shared, lock, out, seed * 1000 + i),
        )
        for i in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def run_python(
    *,
    host: str,
    port: int,
    requests: Sequence[Request],
    connections: int,
    seconds: float,
    max_requests: int,
    processes: int = 2,
) -> LoadResult:
    processes = max(1, min(processes, connections))
    per = [
        connections // processes + (1 if i < connections % processes else 0)
        for i in range(processes)
    ]
    args = [
        (host, port, list(requests), n, seconds, max_requests // processes, i + 1)
        for i, n in enumerate(per)
    ]
    began = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        parts = pool.map(_client_process, args)
    elapsed = time.perf_counter() - began
    samples = [s for part in parts for s in part]
    statuses: dict[str, int] = {}
    for _ms, status in samples:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    errors = sum(n for s, n in statuses.items() if not s.startswith("2"))
    return LoadResult(
        tool="python",
        requests=len(samples),
        seconds=elapsed,
        errors=errors,
        latencies_ms=common.latency_summary([ms for ms, _s in samples]),
        statuses=statuses,
        error_detail={"non_2xx": errors},
    )


def write_requests_file(path: Path, requests: Sequence[Request]) -> Path:
    """The request file of ``bench/wrk/requests.lua`` (tab-separated, JSON bodies)."""
    with path.open("w") as out:
        for r in requests:
            body = r.body.decode()
            assert "\t" not in body and "\n" not in body
            out.write(f"{r.method}\t{r.path}\t{r.authorization}\t{body}\n")
    return path
