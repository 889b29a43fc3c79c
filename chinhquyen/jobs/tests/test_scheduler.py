"""The scheduler: each due job is enqueued once per interval, even with two schedulers."""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django_tasks_db.models import DBTaskResult

from chinhquyen.jobs import registry
from chinhquyen.jobs.models import Heartbeat, PeriodicJob
from chinhquyen.jobs.services import (
    is_due,
    periodic_job_enqueue,
    periodic_jobs_due,
    scheduler_pass,
)

from .jobs_for_tests import RUNS, record_run, stop_scheduler

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
T0 = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def db_backend(settings: Any) -> None:
    """Enqueue into the real database backend, so enqueued tasks can be counted as rows."""
    settings.TASKS = DB_TASKS


@pytest.fixture
def specs() -> list[registry.PeriodicSpec]:
    return registry.autodiscover()


def _enqueued() -> Counter[str]:
    return Counter(DBTaskResult.objects.values_list("task_path", flat=True))


def test_is_due() -> None:
    hour = dt.timedelta(hours=1)
    assert is_due(last_enqueued_at=None, every=hour, now=T0)
    assert not is_due(last_enqueued_at=T0, every=hour, now=T0 + hour - dt.timedelta(seconds=1))
    assert is_due(last_enqueued_at=T0, every=hour, now=T0 + hour)
    # a claim written by a clock far in the future does not block the job forever
    assert is_due(last_enqueued_at=T0 + 3 * hour, every=hour, now=T0)
    assert not is_due(last_enqueued_at=T0 + hour, every=hour, now=T0)


@pytest.mark.django_db
def test_once_enqueues_every_job_exactly_once(
    db_backend: None, specs: list[registry.PeriodicSpec]
) -> None:
    call_command("scheduler", "--once")

    assert _enqueued() == Counter({spec.task.module_path: 1 for spec in specs})
    for job in PeriodicJob.objects.all():
        result = DBTaskResult.objects.get(pk=job.last_result_id)
        assert result.task_path == registry.get_job(job.name).task.module_path
        assert job.last_enqueued_at is not None
    assert Heartbeat.objects.get(name=Heartbeat.SCHEDULER).detail["enqueued"] == len(specs)

    call_command("scheduler", "--once")  # nothing is due again yet

    assert sum(_enqueued().values()) == len(specs)
    assert Heartbeat.objects.get(name=Heartbeat.SCHEDULER).detail["enqueued"] == 0


@pytest.mark.django_db
def test_jobs_come_due_again_after_their_interval(
    db_backend: None, specs: list[registry.PeriodicSpec]
) -> None:
    assert len(scheduler_pass(now=T0)) == len(specs)

    assert scheduler_pass(now=T0 + dt.timedelta(seconds=59)) == []
    minute = scheduler_pass(now=T0 + dt.timedelta(minutes=1))
    assert {e.name for e in minute} == {s.name for s in specs if s.every <= dt.timedelta(minutes=1)}
    assert "jobs.heartbeat" in {e.name for e in minute}
    day = scheduler_pass(now=T0 + dt.timedelta(days=1))
    assert {e.name for e in day} == {s.name for s in specs}
    heartbeat_path = registry.get_job("jobs.heartbeat").task.module_path
    assert _enqueued()[heartbeat_path] == 3
    assert _enqueued()[registry.get_job("tasks.prune_results").task.module_path] == 2


@pytest.mark.django_db
def test_restart_does_not_enqueue_again(
    db_backend: None, specs: list[registry.PeriodicSpec]
) -> None:
    scheduler_pass(now=T0)
    # a restarted scheduler only has the database to go by
    assert periodic_jobs_due(now=T0 + dt.timedelta(seconds=30)) == []


@pytest.mark.django_db
def test_two_schedulers_at_the_same_moment_do_not_double_enqueue(
    db_backend: None, specs: list[registry.PeriodicSpec]
) -> None:
    # both read the jobs before either claims one (the race a second node creates)
    seen_by_a = periodic_jobs_due(now=T0)
    seen_by_b = periodic_jobs_due(now=T0)
    assert len(seen_by_a) == len(seen_by_b) == len(specs)

    claimed_by_a = [periodic_job_enqueue(due=due, now=T0) for due in seen_by_a]
    claimed_by_b = [periodic_job_enqueue(due=due, now=T0) for due in seen_by_b]

    assert all(claimed_by_a)
    assert claimed_by_b == [None] * len(specs)
    assert _enqueued() == Counter({spec.task.module_path: 1 for spec in specs})


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_schedulers_on_postgresql(
    db_backend: None, specs: list[registry.PeriodicSpec]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two connections racing on the same rows")
    barrier = threading.Barrier(2)
    results: list[list[Any]] = []
    errors: list[BaseException] = []

    def scheduler() -> None:
        try:
            due = periodic_jobs_due(now=T0)
            barrier.wait(timeout=60)
            results.append([periodic_job_enqueue(due=d, now=T0) for d in due])
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    claimed = [r for run in results for r in run if r is not None]
    assert len(claimed) == len(specs)
    assert _enqueued() == Counter({spec.task.module_path: 1 for spec in specs})


@pytest.fixture
def stop_job() -> Iterator[None]:
    registry.periodic(name="zz.test.record", every=dt.timedelta(hours=1))(record_run)
    registry.periodic(name="zz.test.stop", every=dt.timedelta(hours=1))(stop_scheduler)
    RUNS.clear()
    yield
    registry.unregister("zz.test.record")
    registry.unregister("zz.test.stop")


@pytest.mark.django_db
def test_loop_stops_cleanly_on_sigterm(stop_job: None, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="chinhquyen.jobs.scheduler")
    before = signal.getsignal(signal.SIGTERM)

    # The immediate backend runs each task as it is enqueued: "zz.test.stop" sends SIGTERM
    # during the first pass; the loop must finish that pass and return.
    call_command("scheduler", "--interval", "3600")

    assert RUNS == ["ran"]
    messages = [record.getMessage() for record in caplog.records]
    assert messages[0] == "scheduler.started"
    assert "scheduler.stopping" in messages
    assert messages[-1] == "scheduler.stopped"
    enqueued = [r for r in caplog.records if r.getMessage() == "scheduler.enqueued"]
    assert {getattr(r, "job", None) for r in enqueued} >= {"zz.test.record", "zz.test.stop"}
    assert signal.getsignal(signal.SIGTERM) == before
    assert Heartbeat.objects.filter(name=Heartbeat.SCHEDULER).exists()
    # the heartbeat job ran inline too
    assert Heartbeat.objects.filter(name=Heartbeat.WORKER).exists()
    claimed = PeriodicJob.objects.filter(name__startswith="zz.test.").exclude(last_result_id="")
    assert claimed.count() == 2
