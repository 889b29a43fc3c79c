"""Benchmark: document numbering under concurrency and accent-insensitive search.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cq_bench_doc \\
        .venv/bin/python bench/documents_numbering.py [--processes 8] [--per-process 500]
        [--docs 20000] [--queries 200] [--skip-register] [--sync-commit on|off]

1. Numbering throughput: ``--processes`` processes (one database connection each) take numbers
   from ONE register at the same time; each number is taken and stored in its own transaction
   (the document row inserted, then one statement that locks and increments the counter row
   and writes the number, ``numbering.take_number``, then the commit — the order the services
   use). Every commit waits for the WAL
   flush while the counter row is locked, so the disk's fsync time bounds any gap-free counter
   (``--sync-commit off`` shows the figure without that wait). Prints
   numbers per second and checks the numbers are exactly 1..N (no duplicate, no gap). Target
   on PostgreSQL: >= 500 numbers/s with 8 processes. Then the same through the full
   registration service (permission checks, search text, audit log, history row), unless
   ``--skip-register``.
2. Search latency: ``--docs`` generated incoming documents (Vietnamese summaries with
   diacritics), then ``--queries`` searches typed without diacritics through the scoped
   selector (first page of 50), printing p50/p95 in milliseconds. On PostgreSQL the trigram
   GIN index serves the ``LIKE '%word%'`` filters.

Runs on a throwaway test database (``test_<name>``), created and destroyed here. SQLite works
too (in-memory, single process numbering only) for a quick look.

``--existing --json`` (used by ``bench/run.py``) runs the numbering parts in the database of
``DATABASE_URL`` itself (the benchmark database, under its settings): a dedicated
organisation ("Đơn vị đo hiệu năng cấp số", created once) whose incoming documents and
registers are deleted before each run, so the numbers must again be exactly 1..N. The same
loop with ``synchronous_commit = off`` on a second register is the reference (the design's
bound without the WAL flush per commit). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.settings.test")

WORDS = [
    "kế",
    "hoạch",
    "tập",
    "huấn",
    "nghiệp",
    "vụ",
    "hộ",
    "tịch",
    "chứng",
    "thực",
    "lý",
    "lịch",
    "tư",
    "pháp",
    "báo",
    "cáo",
    "công",
    "tác",
    "quý",
    "năm",
    "đề",
    "nghị",
    "hướng",
    "dẫn",
    "triển",
    "khai",
    "thực",
    "hiện",
    "rà",
    "soát",
    "thủ",
    "tục",
    "hành",
    "chính",
    "phổ",
    "biến",
    "giáo",
    "dục",
    "pháp",
    "luật",
    "kiểm",
    "tra",
    "thanh",
    "tra",
    "phối",
    "hợp",
    "cung",
    "cấp",
    "thông",
    "tin",
    "dự",
    "thảo",
    "quyết",
    "định",
    "góp",
    "ý",
    "bồi",
    "dưỡng",
    "công",
    "chức",
    "cấp",
    "xã",
    "phường",
    "tỉnh",
    "Ninh",
    "Bình",
    "đất",
    "đai",
    "xây",
    "dựng",
    "tài",
    "chính",
    "ngân",
    "sách",
    "y",
    "tế",
    "giáo",
    "dục",
    "chuyển",
    "đổi",
    "số",
    "dữ",
    "liệu",
    "dân",
    "cư",
    "điện",
    "tử",
    "trực",
    "tuyến",
]
SYNC_COMMIT = "on"  # --sync-commit; "off" shows the bound without the WAL flush per commit
SENDERS = (
    "Bộ Tư pháp",
    "Sở Xây dựng",
    "Sở Tài chính",
    "UBND phường Hoa Lư",
    "Công an tỉnh",
    "Sở Nội vụ",
    "Thanh tra tỉnh",
)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _number_worker(args: tuple[int, int, int, int]) -> list[int]:
    """Take ``count`` numbers, each with its stored document, one transaction each."""
    from django.db import connection, connections, transaction

    from chinhquyen.documents import numbering
    from chinhquyen.documents.models import IncomingDocument, Register

    org_id, register_id, count, _seed = args
    try:
        register = Register.objects.get(pk=register_id)
        numbers = []
        for i in range(count):
            with transaction.atomic():
                if SYNC_COMMIT != "on":
                    with connection.cursor() as cursor:
                        cursor.execute(f"SET LOCAL synchronous_commit TO {SYNC_COMMIT}")
                # as the services do: the row first, the number last (shortest lock): one
                # statement increments the counter and stores the number, then the commit
                document = IncomingDocument.objects.create(
                    organisation_id=org_id,
                    sender_name="Sở Xây dựng",
                    summary=f"Văn bản đo hiệu năng {i}",
                )
                number = numbering.take_number(register, document=document, field="incoming_number")
            numbers.append(number)
        return numbers
    finally:
        connections.close_all()


def _register_worker(args: tuple[int, int, int, int]) -> list[int]:
    """The full registration service (what a clerk's request does)."""
    from django.db import connections

    from chinhquyen.accounts.models import User
    from chinhquyen.documents import services
    from chinhquyen.orgs.models import Organisation

    org_id, clerk_id, count, _seed = args
    try:
        clerk = User.objects.get(pk=clerk_id)
        org = Organisation.objects.get(pk=org_id)
        numbers = []
        for i in range(count):
            document = services.incoming_register(
                actor=clerk,
                organisation=org,
                summary=f"Văn bản đo hiệu năng qua dịch vụ {i}",
                sender_name="Bộ Tư pháp",
            )
            numbers.append(document.incoming_number or 0)
        return numbers
    finally:
        connections.close_all()


def run_parallel(
    worker, args: list[tuple[int, int, int, int]], processes: int
) -> tuple[list[int], float]:  # type: ignore[no-untyped-def]
    from django.db import connection, connections

    if connection.vendor != "postgresql" or processes <= 1:
        start = time.perf_counter()
        numbers = [n for a in args for n in worker(a)]
        return numbers, time.perf_counter() - start
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(processes) as pool:
        start = time.perf_counter()
        results = pool.map(worker, args)
        elapsed = time.perf_counter() - start
    return [n for chunk in results for n in chunk], elapsed


def check(label: str, numbers: list[int], elapsed: float) -> None:
    total = len(numbers)
    ok = sorted(numbers) == list(range(1, total + 1))
    print(
        f"{label:<34} {total} numbers in {elapsed:.2f} s = {total / elapsed:,.0f}/s  "
        f"{'exactly 1..N' if ok else 'DUPLICATES OR GAPS!'}"
    )
    if not ok:
        raise SystemExit(1)


def generate(org, register, count: int, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    from chinhquyen.core.text import normalize_search
    from chinhquyen.documents.models import IncomingDocument, RegisterCounter

    start = RegisterCounter.objects.get(register=register).last_number
    batch = []
    for i in range(1, count + 1):
        number = start + i
        summary = "Về việc " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))
        sender = rng.choice(SENDERS)
        notation = f"{rng.randint(1, 999)}/{rng.choice(['BTP', 'SXD', 'UBND', 'STC'])}-VP"
        batch.append(
            IncomingDocument(
                organisation=org,
                register=register,
                incoming_number=number,
                sender_name=sender,
                number_notation=notation,
                summary=summary,
                search_text=normalize_search(f"{number:02d} {notation} {sender} {summary}"),
            )
        )
        if len(batch) == 2000:
            IncomingDocument.objects.bulk_create(batch)
            batch = []
    IncomingDocument.objects.bulk_create(batch)
    RegisterCounter.objects.filter(register=register).update(last_number=start + count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--per-process", type=int, default=500)
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-register", action="store_true")
    parser.add_argument("--existing", action="store_true", help="use DATABASE_URL as it is")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--sync-commit",
        choices=["on", "off"],
        default="on",
        help="PostgreSQL synchronous_commit for the numbering transactions (default on). "
        "'off' measures the design without waiting for the disk; it is not a production "
        "setting for official documents.",
    )
    args = parser.parse_args()
    global SYNC_COMMIT
    SYNC_COMMIT = args.sync_commit

    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)
    if args.existing:
        existing_main(args)
        return
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from chinhquyen.accounts.models import Role
        from chinhquyen.accounts.tests.factories import make_official
        from chinhquyen.documents import numbering, selectors
        from chinhquyen.documents.models import IncomingDocument, RegisterKind
        from chinhquyen.orgs.tests.factories import make_org

        print(
            f"database: {connection.vendor} ({db_name}), processes: {args.processes}, "
            f"synchronous_commit: {SYNC_COMMIT}, CPUs: {os.cpu_count()}, "
            f"load average: {os.getloadavg()[0]:.1f}"
        )
        org = make_org("Sở Tư pháp đo hiệu năng")
        other = make_org("Sở Xây dựng đo hiệu năng")
        clerk = make_official(org, Role.CLERK)
        year = 2026
        register = numbering.register_for(organisation=org, year=year, kind=RegisterKind.INCOMING)
        processes = args.processes if connection.vendor == "postgresql" else 1
        work = [(org.pk, register.pk, args.per_process, i) for i in range(processes)]
        numbers, elapsed = run_parallel(_number_worker, work, processes)
        check("number + store (1 tx each)", numbers, elapsed)

        if not args.skip_register:
            count = max(args.per_process // 5, 1)
            work = [
                (other.pk, make_official(other, Role.CLERK).pk, count, i) for i in range(processes)
            ]
            numbers, elapsed = run_parallel(_register_worker, work, processes)
            check("full registration service", numbers, elapsed)

        rng = random.Random(20260305)
        existing = IncomingDocument.objects.filter(organisation=org).count()
        generate(org, register, max(args.docs - existing, 0), rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE documents_incomingdocument")
        total = IncomingDocument.objects.filter(organisation=org).count()
        plain = [w for w in {w for w in WORDS if len(w) >= 3}]
        from chinhquyen.core.text import normalize_search

        samples: list[float] = []
        hits = 0
        for _ in range(args.queries):
            words = rng.sample(plain, rng.choice([1, 2, 2, 3]))
            query = normalize_search(" ".join(words))  # typed without diacritics
            start = time.perf_counter()
            rows = list(selectors.incoming_list(clerk, q=query)[:50])
            samples.append((time.perf_counter() - start) * 1000)
            hits += bool(rows)
        print(
            f"search over {total} documents: {args.queries} queries, "
            f"p50={statistics.median(samples):.1f} ms p95={percentile(samples, 0.95):.1f} ms "
            f"max={max(samples):.1f} ms ({hits} with results)"
        )
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)


BENCH_ORG_CODE = "000.99.99.H42"


def _fresh_register(org, year: int):  # type: ignore[no-untyped-def]
    from chinhquyen.documents import numbering
    from chinhquyen.documents.models import IncomingDocument, Register, RegisterKind

    IncomingDocument.objects.filter(organisation=org).delete()
    Register.objects.filter(organisation=org).delete()
    return numbering.register_for(organisation=org, year=year, kind=RegisterKind.INCOMING)


def _timed(worker, work, processes):  # type: ignore[no-untyped-def]
    numbers, elapsed = run_parallel(worker, work, processes)
    total = len(numbers)
    return {
        "numbers": total,
        "seconds": round(elapsed, 3),
        "rate": round(total / elapsed, 1) if elapsed else None,
        "exactly_1_to_n": sorted(numbers) == list(range(1, total + 1)),
        "duplicates": total - len(set(numbers)),
        "gaps": (max(numbers) - len(set(numbers))) if numbers else 0,
    }


def existing_main(args: argparse.Namespace) -> None:
    """Numbering figures in the current database (see the module docstring), as JSON."""
    import json

    print(
        json.dumps(
            existing_figures(
                processes=args.processes,
                per_process=args.per_process,
                skip_register=args.skip_register,
            )
        )
    )


def existing_figures(*, processes: int, per_process: int, skip_register: bool = False) -> dict:
    """The numbering figures in the database Django is set up on (``bench/run.py`` calls it
    in its own process; the worker processes are forked from it)."""
    from django.db import connection
    from django.utils import timezone

    from chinhquyen.accounts import services as accounts
    from chinhquyen.accounts.models import Role, User
    from chinhquyen.accounts.services import PositionSpec
    from chinhquyen.orgs.models import Organisation, OrganisationKind
    from chinhquyen.orgs.services import organisation_create

    global SYNC_COMMIT
    org = Organisation.objects.filter(agency_code=BENCH_ORG_CODE).first()
    if org is None:
        org = organisation_create(
            actor=None,
            name="Đơn vị đo hiệu năng cấp số",
            kind=OrganisationKind.DEPARTMENT,
            parent=Organisation.objects.filter(parent__isnull=True).order_by("pk").first(),
            agency_code=BENCH_ORG_CODE,
        )
    clerks = list(User.objects.filter(username__startswith="bench.numbering.clerk"))
    for i in range(len(clerks), processes):
        clerks.append(
            accounts.official_create(
                actor=None,
                username=f"bench.numbering.clerk{i + 1}",
                full_name=f"Văn thư đo hiệu năng {i + 1}",
                email=f"bench.numbering.clerk{i + 1}@bench.chinhquyen.local",
                positions=[PositionSpec(unit=org, role=Role.CLERK)],
            )
        )
    year = timezone.localdate().year
    processes = processes if connection.vendor == "postgresql" else 1
    out: dict[str, object] = {
        "database": connection.settings_dict["NAME"],
        "processes": processes,
        "per_process": per_process,
        "cpus": os.cpu_count(),
    }
    register = _fresh_register(org, year)
    work = [(org.pk, register.pk, per_process, i) for i in range(processes)]
    SYNC_COMMIT = "on"
    out["number_and_store"] = _timed(_number_worker, work, processes)
    if not skip_register:
        _fresh_register(org, year)
        count = max(per_process // 5, 1)
        work = [(org.pk, clerks[i].pk, count, i) for i in range(processes)]
        out["registration_service"] = _timed(_register_worker, work, processes)
    register = _fresh_register(org, year)
    work = [(org.pk, register.pk, per_process, i) for i in range(processes)]
    SYNC_COMMIT = "off"
    out["reference_sync_commit_off"] = _timed(_number_worker, work, processes)
    SYNC_COMMIT = "on"
    _fresh_register(org, year)
    return out


if __name__ == "__main__":
    main()
