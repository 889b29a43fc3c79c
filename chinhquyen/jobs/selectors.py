"""Reads of the jobs app: is the background machinery alive (for a health endpoint)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import Heartbeat

# The worker heartbeat task runs every minute; allow a few missed beats before alarming.
DEFAULT_MAX_AGE = dt.timedelta(minutes=5)


def last_heartbeat(name: str) -> dt.datetime | None:
    return Heartbeat.objects.filter(name=name).values_list("beat_at", flat=True).first()


def is_alive(
    name: str, *, max_age: dt.timedelta = DEFAULT_MAX_AGE, now: dt.datetime | None = None
) -> bool:
    """True when component ``name`` ("worker" or "scheduler") beat within ``max_age``."""
    beat_at = last_heartbeat(name)
    if beat_at is None:
        return False
    return (now or timezone.now()) - beat_at <= max_age


def worker_is_alive(*, max_age: dt.timedelta = DEFAULT_MAX_AGE) -> bool:
    return is_alive(Heartbeat.WORKER, max_age=max_age)


def scheduler_is_alive(*, max_age: dt.timedelta = DEFAULT_MAX_AGE) -> bool:
    return is_alive(Heartbeat.SCHEDULER, max_age=max_age)
