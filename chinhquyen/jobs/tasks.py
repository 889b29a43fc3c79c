"""Background tasks of the platform itself, and the conventions every app's ``tasks.py`` follows.

Conventions for background tasks (django-tasks ``@task``; ``manage.py db_worker`` runs them,
tests use the ImmediateBackend):

1. **Tasks take IDs, not objects.** Arguments are JSON (ints, strings); the task loads what it
   needs, so it sees the committed state when it runs, not a stale copy.
2. **Tasks are idempotent.** A worker may run a task twice (crash after the work, before the
   result is stored; a retry; two enqueues). Guard side effects with a state change made under
   a row lock, e.g. ``select_for_update()`` on the row and a ``notified_at``/``sent_at``
   timestamp checked before and set after the effect (see ``audit.tasks.notify_lockout``).
3. **Tasks are enqueued with ``transaction.on_commit``**, from the service whose write they
   follow: ``transaction.on_commit(lambda: my_task.enqueue(obj.pk))``. Enqueued inside the
   transaction, a task could run before the row it needs is committed, or for a write that is
   then rolled back.
4. **Periodic tasks** take no arguments and are registered with
   ``@periodic(name=..., every=timedelta(...))`` above ``@task()`` (``jobs.registry``); the
   ``scheduler`` command enqueues them once per interval.
5. Tasks log structured lines (``logger.info("app.event", extra={...})``) and return a small
   JSON value (a count) that is kept with the result.

Periodic jobs defined here: expired sessions, old task results, and the worker heartbeat.
Retention settings read at run time (``getattr(settings, NAME, default)``):
``TASK_RESULT_RETENTION_DAYS`` (default 14).
"""

from __future__ import annotations

import datetime as dt
import logging
from importlib import import_module

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskContext, task
from django_tasks_db.models import DBTaskResult

from .models import Heartbeat
from .registry import periodic
from .services import heartbeat_record

logger = logging.getLogger(__name__)

DEFAULT_TASK_RESULT_RETENTION_DAYS = 14


def retention_days(name: str, default: int) -> int:
    """A retention period from settings, in whole days (at least one)."""
    value = getattr(settings, name, default)
    try:
        days = int(value)
    except (TypeError, ValueError):
        logger.warning("jobs.bad_retention_setting", extra={"setting": name})
        days = default
    return max(days, 1)


@periodic(name="sessions.clear_expired", every=dt.timedelta(hours=1))
@task()
def clear_expired_sessions() -> int:
    """Delete expired sessions; returns how many were removed (-1 when the engine can't say)."""
    engine = import_module(settings.SESSION_ENGINE)
    if settings.SESSION_ENGINE in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        from django.contrib.sessions.models import Session

        removed, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
        logger.info("jobs.sessions_cleared", extra={"removed": removed})
        return removed
    try:
        engine.SessionStore.clear_expired()
    except NotImplementedError:  # cache-backed sessions expire by themselves
        return 0
    return -1


@periodic(name="tasks.prune_results", every=dt.timedelta(days=1))
@task()
def prune_task_results() -> int:
    """Delete finished (successful or failed) task results older than the retention period.

    The same rows ``manage.py prune_db_task_results`` removes, for every backend and queue.
    """
    days = retention_days("TASK_RESULT_RETENTION_DAYS", DEFAULT_TASK_RESULT_RETENTION_DAYS)
    cutoff = timezone.now() - dt.timedelta(days=days)
    removed, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    logger.info("jobs.task_results_pruned", extra={"removed": removed, "days": days})
    return removed


@periodic(name="jobs.heartbeat", every=dt.timedelta(minutes=1))
@task(takes_context=True)
def heartbeat(context: TaskContext) -> str:
    """Record that a worker is running tasks (read by ``jobs.selectors.worker_is_alive``)."""
    result = context.task_result
    worker = result.worker_ids[-1] if result.worker_ids else ""
    beat = heartbeat_record(
        name=Heartbeat.WORKER, detail={"worker_id": worker, "result_id": str(result.id)}
    )
    return beat.beat_at.isoformat()
