"""Registry of periodic jobs: django-tasks Tasks that the ``scheduler`` command enqueues.

Usage (in any app's ``tasks.py``, which the scheduler imports)::

    @periodic(name="sessions.clear_expired", every=timedelta(hours=1))
    @task()
    def clear_expired_sessions() -> int: ...

``periodic`` returns the Task unchanged, so it stays importable by the worker under its module
path. A periodic task takes no arguments and must be idempotent: the scheduler guarantees at
most one enqueue per interval across restarts and concurrent schedulers (see
:mod:`chinhquyen.jobs.services`), but a worker may still run a result twice after a crash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django_tasks.base import Task

TaskT = TypeVar("TaskT", bound=Task[Any, Any])

NAME_MAX_LENGTH = 100


@dataclass(frozen=True)
class PeriodicSpec:
    name: str
    every: dt.timedelta
    task: Task[Any, Any]


_registry: dict[str, PeriodicSpec] = {}


def periodic(*, name: str, every: dt.timedelta) -> Callable[[TaskT], TaskT]:
    """Register a django-tasks Task to be enqueued every ``every`` (at least one minute)."""
    if not name or len(name) > NAME_MAX_LENGTH:
        raise ValueError(f"periodic job name must be 1..{NAME_MAX_LENGTH} characters")
    if every < dt.timedelta(minutes=1):
        raise ValueError("periodic job interval must be at least one minute")

    def register(task_obj: TaskT) -> TaskT:
        if not isinstance(task_obj, Task):
            raise TypeError("@periodic decorates a django-tasks Task: put it above @task()")
        existing = _registry.get(name)
        if existing is not None and existing.task.module_path != task_obj.module_path:
            raise ValueError(
                f"periodic job {name!r} is already registered for {existing.task.module_path}"
            )
        _registry[name] = PeriodicSpec(name=name, every=every, task=task_obj)
        return task_obj

    return register


def registered_jobs() -> list[PeriodicSpec]:
    """Every registered periodic job, by name."""
    return [_registry[name] for name in sorted(_registry)]


def get_job(name: str) -> PeriodicSpec:
    return _registry[name]


def unregister(name: str) -> None:
    """Remove a job (used by tests that register throw-away jobs)."""
    _registry.pop(name, None)


def autodiscover() -> list[PeriodicSpec]:
    """Import every installed app's ``tasks`` module so their ``@periodic`` jobs register."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")
    return registered_jobs()
