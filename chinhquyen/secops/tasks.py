"""Background jobs of security operations (conventions: see ``chinhquyen.jobs.tasks``).

- periodic ``secops.forward``: send the SIEM outbox (syslog, JSON lines); every minute, and
  every run is also the retry of rows a target refused earlier.
- periodic ``secops.prune_outbox``: drop outbox rows older than
  ``SECURITY_EVENT_RETENTION_DAYS`` (the same retention as the events themselves).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from chinhquyen.jobs.registry import periodic
from chinhquyen.jobs.tasks import retention_days

from .forwarding import forward_pending
from .models import ForwardItem

logger = logging.getLogger(__name__)


@periodic(name="secops.forward", every=dt.timedelta(minutes=1))
@task()
def forward() -> dict[str, int]:
    return forward_pending()


@periodic(name="secops.prune_outbox", every=dt.timedelta(days=1))
@task()
def prune_outbox() -> int:
    days = retention_days("SECURITY_EVENT_RETENTION_DAYS", 365)
    cutoff = timezone.now() - dt.timedelta(days=days)
    removed, _ = ForwardItem.objects.filter(created_at__lt=cutoff).delete()
    logger.info("secops.outbox_pruned", extra={"removed": removed, "days": days})
    return removed
