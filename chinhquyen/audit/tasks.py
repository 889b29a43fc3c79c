"""Background tasks of the audit app (conventions: see ``chinhquyen.jobs.tasks``).

- ``notify_lockout(event_id)``: e-mail the IT administrators about a lockout, once.
- periodic ``audit.prune_security_events``: drop security events older than
  ``SECURITY_EVENT_RETENTION_DAYS`` (default 365).
- periodic ``audit.prune_access_attempts``: drop django-axes attempt, failure and access log
  rows older than ``ACCESS_ATTEMPT_RETENTION_DAYS`` (default 90).
"""

from __future__ import annotations

import datetime as dt
import logging

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.utils import timezone
from django_tasks import task

from chinhquyen.jobs.registry import periodic
from chinhquyen.jobs.tasks import retention_days

from .models import SecurityEvent
from .services import security_event_notify_lockout

logger = logging.getLogger(__name__)

DEFAULT_SECURITY_EVENT_RETENTION_DAYS = 365
DEFAULT_ACCESS_ATTEMPT_RETENTION_DAYS = 90


@task()
def notify_lockout(event_id: int) -> bool:
    """Idempotent: the event's ``notified_at`` (set under a row lock) stops a second e-mail."""
    return security_event_notify_lockout(event_id=event_id)


@periodic(name="audit.prune_security_events", every=dt.timedelta(days=1))
@task()
def prune_security_events() -> int:
    days = retention_days("SECURITY_EVENT_RETENTION_DAYS", DEFAULT_SECURITY_EVENT_RETENTION_DAYS)
    cutoff = timezone.now() - dt.timedelta(days=days)
    removed, _ = SecurityEvent.objects.filter(created_at__lt=cutoff).delete()
    logger.info("audit.security_events_pruned", extra={"removed": removed, "days": days})
    return removed


@periodic(name="audit.prune_access_attempts", every=dt.timedelta(days=1))
@task()
def prune_access_attempts() -> int:
    days = retention_days("ACCESS_ATTEMPT_RETENTION_DAYS", DEFAULT_ACCESS_ATTEMPT_RETENTION_DAYS)
    cutoff = timezone.now() - dt.timedelta(days=days)
    removed = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()[0]
    removed += AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    removed += AccessLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    logger.info("audit.access_attempts_pruned", extra={"removed": removed, "days": days})
    return removed
