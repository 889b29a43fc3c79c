"""Throw-away tasks used by the scheduler tests (module level, as django-tasks requires)."""

from __future__ import annotations

import os
import signal

from django_tasks import task

RUNS: list[str] = []


@task()
def record_run() -> str:
    RUNS.append("ran")
    return "ran"


@task()
def stop_scheduler() -> None:
    """Sends SIGTERM to this process, as an operator stopping the scheduler would."""
    os.kill(os.getpid(), signal.SIGTERM)


@task()
def other_record_run() -> str:
    return "other"
