"""Background tasks of the notifications app (conventions: see ``chinhquyen.jobs.tasks``).

- ``deliver_notification(notification_id)``: one delivery attempt of an outbox row; idempotent
  (a conditional UPDATE claims the row, a sent row is never sent again).
- periodic ``notifications.sweep`` (every minute): enqueue due rows again and recover attempts
  interrupted by a crash.
- periodic ``notifications.prune`` (daily): delete sent and dead notifications older than
  ``NOTIFICATION_RETENTION_DAYS`` (default 180; their texts hold lookup PINs).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from chinhquyen.jobs.registry import periodic
from chinhquyen.jobs.tasks import retention_days

from .services import notification_deliver, notifications_prune, notifications_sweep

logger = logging.getLogger(__name__)

DEFAULT_NOTIFICATION_RETENTION_DAYS = 180


@task()
def deliver_notification(notification_id: int) -> str:
    """Returns the notification's status after the attempt (or "missing")."""
    return notification_deliver(notification_id=notification_id)


@periodic(name="notifications.sweep", every=dt.timedelta(minutes=1))
@task()
def sweep_notifications() -> int:
    """Returns how many notifications were enqueued."""
    return notifications_sweep()


@periodic(name="notifications.prune", every=dt.timedelta(days=1))
@task()
def prune_notifications() -> int:
    days = retention_days("NOTIFICATION_RETENTION_DAYS", DEFAULT_NOTIFICATION_RETENTION_DAYS)
    removed = notifications_prune(older_than=timezone.now() - dt.timedelta(days=days))
    logger.info("notifications.pruned", extra={"removed": removed, "days": days})
    return removed
