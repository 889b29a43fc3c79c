"""No duplicate and no gap under concurrency.

PostgreSQL: ≥ 2,000 incoming numbers registered by 8 separate processes (each with its own
database connection to the test database) must be exactly 1..N.
SQLite: the same with 8 threads on a file copy of the test database, in the
``transaction_mode=IMMEDIATE`` configuration used by SQLite deployments (an in-memory
shared-cache database cannot wait for a lock, so the threads get a real file).
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection, connections

from chinhquyen.documents.models import IncomingDocument, RegisterCounter

from .helpers import doc_type, seed_document_types

PROCESSES = 8
PER_PROCESS = 250  # 2,000 numbers
THREADS = 8
PER_THREAD = 25


def _register_many(args: tuple[int, int, int, int]) -> list[int]:
    """Register ``count`` documents as the clerk; returns the numbers given."""
    from chinhquyen.accounts.models import User
    from chinhquyen.documents import services
    from chinhquyen.documents.models import DocumentType
    from chinhquyen.orgs.models import Organisation

    clerk_id, org_id, type_id, count = args
    try:
        clerk = User.objects.get(pk=clerk_id)
        org = Organisation.objects.get(pk=org_id)
        kind = DocumentType.objects.get(pk=type_id)
        numbers = []
        for i in range(count):
            document = services.incoming_register(
                actor=clerk,
                organisation=org,
                summary=f"Văn bản thử nghiệm đồng thời {i}",
                sender_name="Sở Xây dựng",
                document_type=kind,
            )
            numbers.append(document.incoming_number)
        return numbers
    finally:
        connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_processes_never_duplicate_or_skip(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: separate processes with their own connections")
    seed_document_types()
    args = (world.clerk.pk, world.justice.pk, doc_type().pk, PER_PROCESS)
    connections.close_all()  # children must not share the parent's socket
    context = multiprocessing.get_context("fork")
    with context.Pool(PROCESSES) as pool:
        results = pool.map(_register_many, [args] * PROCESSES)
    numbers = [n for chunk in results for n in chunk]
    total = PROCESSES * PER_PROCESS
    assert len(numbers) == total
    assert sorted(numbers) == list(range(1, total + 1))
    stored = sorted(IncomingDocument.objects.values_list("incoming_number", flat=True))
    assert stored == list(range(1, total + 1))
    assert RegisterCounter.objects.get().last_number == total


@contextmanager
def sqlite_file_copy(target: Path) -> Iterator[None]:
    """New connections (other threads) open a file copy of the in-memory test database."""
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    connection.connection.backup(destination)
    destination.close()
    settings_dict = connections.settings["default"]
    saved = (settings_dict["NAME"], settings_dict.get("OPTIONS"))
    settings_dict["NAME"] = str(target)
    settings_dict["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 60}
    try:
        yield
    finally:
        settings_dict["NAME"], settings_dict["OPTIONS"] = saved
        if saved[1] is None:
            settings_dict.pop("OPTIONS")


@pytest.mark.django_db(transaction=True)
def test_sqlite_threads_never_duplicate_or_skip(world, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant; PostgreSQL runs the multi-process test")
    seed_document_types()
    target = tmp_path / "numbers.sqlite3"
    args = (world.clerk.pk, world.justice.pk, doc_type().pk, PER_THREAD)
    results: list[list[int]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def run() -> None:
        try:
            barrier.wait(timeout=60)
            results.append(_register_many(args))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    with sqlite_file_copy(target):
        threads = [threading.Thread(target=run) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    assert errors == []
    numbers = sorted(n for chunk in results for n in chunk)
    total = THREADS * PER_THREAD
    assert numbers == list(range(1, total + 1))
    with sqlite3.connect(target) as db:
        stored = [
            row[0]
            for row in db.execute(
                "SELECT incoming_number FROM documents_incomingdocument ORDER BY incoming_number"
            )
        ]
        (last,) = db.execute("SELECT last_number FROM documents_registercounter").fetchone()
    assert stored == list(range(1, total + 1))
    assert last == total
    # the in-memory database the test started from is untouched
    assert IncomingDocument.objects.count() == 0
