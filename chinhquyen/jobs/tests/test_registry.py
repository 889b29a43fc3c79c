"""The periodic job registry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from chinhquyen.jobs import registry

from .jobs_for_tests import other_record_run, record_run

EXPECTED_JOBS = {
    "audit.prune_access_attempts",
    "audit.prune_security_events",
    "jobs.heartbeat",
    "sessions.clear_expired",
    "tasks.prune_results",
}


@pytest.fixture
def cleanup() -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        registry.unregister(name)


def test_autodiscover_finds_the_platform_jobs() -> None:
    names = {spec.name for spec in registry.autodiscover()}

    assert names >= EXPECTED_JOBS
    heartbeat = registry.get_job("jobs.heartbeat")
    assert heartbeat.every == dt.timedelta(minutes=1)
    assert heartbeat.task.module_path == "chinhquyen.jobs.tasks.heartbeat"


def test_periodic_returns_the_task_unchanged(cleanup: list[str]) -> None:
    cleanup.append("test.record")
    decorated = registry.periodic(name="test.record", every=dt.timedelta(hours=2))(record_run)

    assert decorated is record_run
    assert registry.get_job("test.record").every == dt.timedelta(hours=2)
    # registering the same task again under the same name is harmless (module re-import)
    registry.periodic(name="test.record", every=dt.timedelta(hours=2))(record_run)


def test_periodic_refuses_mistakes(cleanup: list[str]) -> None:
    cleanup.append("test.record")
    registry.periodic(name="test.record", every=dt.timedelta(hours=1))(record_run)

    with pytest.raises(ValueError, match="already registered"):
        registry.periodic(name="test.record", every=dt.timedelta(hours=1))(other_record_run)
    with pytest.raises(TypeError, match="above @task"):
        registry.periodic(name="test.plain", every=dt.timedelta(hours=1))(print)  # type: ignore[type-var]
    with pytest.raises(ValueError, match="at least one minute"):
        registry.periodic(name="test.fast", every=dt.timedelta(seconds=5))
    with pytest.raises(ValueError, match="characters"):
        registry.periodic(name="", every=dt.timedelta(hours=1))
