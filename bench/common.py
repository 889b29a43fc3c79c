"""Shared pieces of the benchmark: scales, paths, the environment of every bench process,
database helpers and latency statistics.

Every bench process (the data generator, the gunicorn server, the in-process scenarios) runs
with the same environment (``bench_env``): production settings (``bench.settings``), the bench
database, Redis on loopback, and a secret key kept with the bench database (the PIN digests the
generator writes are keyed with it, so the server must use the same key).
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
RESULTS_DIR = BENCH_DIR / "results"
PYTHON = sys.executable

# Bumped whenever the generator writes different data: a bench database loaded by an older
# generator is dropped and loaded again.
GENERATOR_VERSION = 1


@dataclass(frozen=True)
class Scale:
    name: str
    procedures: int  # procedures in the catalogue (the 31 demo ones included)
    dossiers: int
    documents: int  # incoming + outgoing
    incoming_share: float
    citizens: int  # citizen accounts (applicants of the online dossiers)
    years: float  # the period the dossiers and documents are spread over, ending now
    # scenario budgets
    http_seconds: float  # duration of each HTTP scenario (wrk -d)
    http_max_requests: int  # bound of the Python client
    warmup_seconds: float
    pgbench_seconds: int
    sign_runs: int
    numbering_per_process: int
    workflow_dossiers: int
    aggregate_runs: int
    lookup_pairs: int  # (code, PIN) pairs kept for the lookup scenario
    gunicorn_workers: int | None  # None: gunicorn.conf.py's default (2 x CPUs + 1)


SCALES = {
    "full": Scale(
        name="full",
        procedures=1500,
        dossiers=1_000_000,
        documents=1_000_000,
        incoming_share=0.6,
        citizens=5000,
        years=3.0,
        http_seconds=30,
        http_max_requests=200_000,
        warmup_seconds=3,
        pgbench_seconds=10,
        sign_runs=200,
        numbering_per_process=250,
        workflow_dossiers=400,
        aggregate_runs=10,
        lookup_pairs=20_000,
        gunicorn_workers=None,
    ),
    "smoke": Scale(
        name="smoke",
        procedures=60,
        dossiers=4000,
        documents=4000,
        incoming_share=0.6,
        citizens=60,
        years=3.0,
        http_seconds=5,
        http_max_requests=5000,
        warmup_seconds=1,
        pgbench_seconds=3,
        sign_runs=10,
        numbering_per_process=25,
        workflow_dossiers=15,
        aggregate_runs=3,
        lookup_pairs=1000,
        gunicorn_workers=2,  # each worker imports the application: keep the smoke short
    ),
}

DEFAULT_DATABASES = {"full": "cq_bench", "smoke": "cq_bench_smoke"}


def pg_server_url() -> str:
    """``postgres://user@host:port`` of the PostgreSQL server (loopback only)."""
    url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    host = urlsplit(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"BENCH_PG_URL must point at a loopback address, not {host!r}")
    return url


def database_url(db_name: str) -> str:
    return f"{pg_server_url()}/{db_name}"


def redis_url() -> str:
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    host = urlsplit(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"BENCH_REDIS_URL must point at a loopback address, not {host!r}")
    return url


def state_dir(db_name: str) -> Path:
    """Files that belong to one bench database (secret key, media, PKI, lookup pairs...)."""
    path = ROOT / "var" / "bench" / db_name
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(db_name: str) -> str:
    path = state_dir(db_name) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def bench_env(db_name: str, **extra: str) -> dict[str, str]:
    """The environment of every bench process: production settings on loopback."""
    state = state_dir(db_name)
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_SECRET_KEY": secret_key(db_name),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_HSTS_SECONDS": "0",
            "DATABASE_URL": database_url(db_name),
            "REDIS_URL": redis_url(),
            "CHINHQUYEN_VAR_DIR": str(state),
            "CHINHQUYEN_SITE_URL": "http://127.0.0.1",
            "MEDIA_ROOT": str(state / "media"),
            "STATIC_ROOT": str(ROOT / "var" / "bench" / "static"),
            "SIGNING_PKI_DIR": str(state / "pki"),
            "SIGNING_TSA_URL": "",
            # the demo loader pays demo fees through the local payment sandbox
            "PAYMENT_PROVIDER": "vnpay_sandbox",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "NOTIFY_SMS_TRANSPORT": "file",
            "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    return env


def apply_env(db_name: str) -> None:
    """Make this process a bench process (before ``django.setup()``)."""
    os.environ.update(bench_env(db_name))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def setup_django(db_name: str) -> None:
    apply_env(db_name)
    import django

    django.setup()


def allocate(weights: Sequence[float], total: int, rng: Any) -> list[int]:
    """Split ``total`` items over ``weights`` (systematic sampling with a random start): the
    counts add up to ``total`` and each is within one of its share, even for shares below 1."""
    whole = sum(weights)
    out: list[int] = []
    cumulative = rng.random()
    previous = int(cumulative)
    for weight in weights:
        cumulative += total * weight / whole
        current = int(cumulative)
        out.append(current - previous)
        previous = current
    shortfall = total - sum(out)  # rounding of the last cells
    if shortfall and out:
        out[-1] += shortfall
    return out


# --------------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` in 0..1) of a non-empty sequence."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def latency_summary(samples_ms: Sequence[float]) -> dict[str, float | None]:
    if not samples_ms:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None, "mean_ms": None}
    return {
        "p50_ms": round(statistics.median(samples_ms), 2),
        "p95_ms": round(percentile(samples_ms, 0.95), 2),
        "p99_ms": round(percentile(samples_ms, 0.99), 2),
        "max_ms": round(max(samples_ms), 2),
        "mean_ms": round(statistics.fmean(samples_ms), 2),
    }


@dataclass
class Result:
    """One scenario's figures, as printed and written to the JSON file."""

    key: str
    title: str
    ok: bool = True  # ran, and without errors
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    throughput: float | None = None  # per second
    unit: str = "req/s"
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    max_ms: float | None = None
    mean_ms: float | None = None
    concurrency: int | None = None
    reference: dict[str, Any] | None = None  # {"name", "throughput", "p50_ms", ..., "ratio"}
    target: str = ""
    target_met: bool | None = None
    notes: list[str] | None = None
    details: dict[str, Any] | None = None
    failure: str = ""

    def set_latencies(self, samples_ms: Sequence[float]) -> None:
        for name, value in latency_summary(samples_ms).items():
            setattr(self, name, value)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def dump_json(path: Path, data: Any) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    tmp.replace(path)
