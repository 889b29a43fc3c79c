"""Writes of the jobs app: enqueueing due periodic jobs, and heartbeats.

Scheduling is idempotent across restarts and across schedulers running at once. A pass reads
each job's ``last_enqueued_at``; a job is due when it was never enqueued or its interval has
elapsed. To enqueue it, the pass first moves ``last_enqueued_at`` with::

    UPDATE jobs_periodicjob SET last_enqueued_at = <now>
    WHERE id = <id> AND last_enqueued_at = <the value it read>

and enqueues only when that UPDATE changed one row, in the same transaction (with the
database task backend the task row commits together with the claim). A second scheduler that
read the same old value updates nothing: on PostgreSQL its UPDATE waits for the first
transaction's row lock and then re-checks the condition; SQLite serialises writers.

These writes are bookkeeping, not domain changes, so they are not wrapped in ``audit_actor``.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Heartbeat, PeriodicJob
from .registry import PeriodicSpec, registered_jobs

logger = logging.getLogger("chinhquyen.jobs.scheduler")


@dataclass(frozen=True)
class DueJob:
    spec: PeriodicSpec
    job_id: int
    last_enqueued_at: dt.datetime | None


@dataclass(frozen=True)
class Enqueued:
    name: str
    result_id: str


def _job_rows(specs: list[PeriodicSpec]) -> dict[str, PeriodicJob]:
    names = [spec.name for spec in specs]
    rows = {job.name: job for job in PeriodicJob.objects.filter(name__in=names)}
    for name in names:
        if name in rows:
            continue
        try:
            with transaction.atomic():
                rows[name] = PeriodicJob.objects.create(name=name)
        except IntegrityError:  # another scheduler created it first
            rows[name] = PeriodicJob.objects.get(name=name)
    return rows


def is_due(*, last_enqueued_at: dt.datetime | None, every: dt.timedelta, now: dt.datetime) -> bool:
    if last_enqueued_at is None:
        return True
    if last_enqueued_at > now + every:  # recorded by a clock far ahead: do not wait for it
        return True
    return now >= last_enqueued_at + every


def periodic_jobs_due(
    *, now: dt.datetime | None = None, specs: list[PeriodicSpec] | None = None
) -> list[DueJob]:
    """The registered jobs whose interval has elapsed, with the claim value each was read at."""
    now = now or timezone.now()
    specs = registered_jobs() if specs is None else specs
    rows = _job_rows(specs)
    due: list[DueJob] = []
    for spec in specs:
        row = rows[spec.name]
        if is_due(last_enqueued_at=row.last_enqueued_at, every=spec.every, now=now):
            due.append(DueJob(spec=spec, job_id=row.pk, last_enqueued_at=row.last_enqueued_at))
    return due


def periodic_job_enqueue(*, due: DueJob, now: dt.datetime | None = None) -> Enqueued | None:
    """Claim ``due`` and enqueue its task; None when another scheduler claimed it first."""
    now = now or timezone.now()
    with transaction.atomic():
        claim = PeriodicJob.objects.filter(pk=due.job_id)
        if due.last_enqueued_at is None:
            claim = claim.filter(last_enqueued_at__isnull=True)
        else:
            claim = claim.filter(last_enqueued_at=due.last_enqueued_at)
        if claim.update(last_enqueued_at=now) != 1:
            logger.info("scheduler.already_claimed", extra={"job": due.spec.name})
            return None
        result = due.spec.task.enqueue()
        result_id = str(result.id)
        PeriodicJob.objects.filter(pk=due.job_id).update(last_result_id=result_id[:64])
    logger.info("scheduler.enqueued", extra={"job": due.spec.name, "result_id": result_id})
    return Enqueued(name=due.spec.name, result_id=result_id)


def heartbeat_record(*, name: str, detail: dict[str, Any] | None = None) -> Heartbeat:
    """Upsert the heartbeat row of a background component with the current time."""
    payload = {"host": socket.gethostname(), **(detail or {})}
    heartbeat, _ = Heartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": timezone.now(), "detail": payload}
    )
    return heartbeat


def scheduler_pass(
    *, now: dt.datetime | None = None, specs: list[PeriodicSpec] | None = None
) -> list[Enqueued]:
    """One scheduler pass: enqueue every due job once, then record the scheduler heartbeat."""
    now = now or timezone.now()
    enqueued: list[Enqueued] = []
    for due in periodic_jobs_due(now=now, specs=specs):
        try:
            done = periodic_job_enqueue(due=due, now=now)
        except Exception:
            logger.exception("scheduler.enqueue_failed", extra={"job": due.spec.name})
            continue
        if done is not None:
            enqueued.append(done)
    heartbeat_record(name=Heartbeat.SCHEDULER, detail={"enqueued": len(enqueued)})
    return enqueued
