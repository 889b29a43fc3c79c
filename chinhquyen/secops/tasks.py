"""Background jobs of security operations (conventions: see ``chinhquyen.jobs.tasks``).

- periodic ``secops.forward``: send the SIEM outbox (syslog, JSON lines); every minute, and
  every run is also the retry of rows a target refused earlier.
- periodic ``secops.prune_outbox``: drop outbox rows older than
  ``SECURITY_EVENT_RETENTION_DAYS`` (the same retention as the events themselves), and the
  records of integrity-check runs older than that.
- periodic ``secops.integrity_check``: read stored files back and check their digests and
  signatures (:mod:`.integrity`), hourly, continuing where the last run stopped.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from chinhquyen.jobs.registry import periodic
from chinhquyen.jobs.tasks import retention_days

from . import integrity
from .forwarding import forward_pending
from .models import ForwardItem, IntegrityCheck

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
    IntegrityCheck.objects.filter(finished_at__lt=cutoff).delete()
    logger.info("secops.outbox_pruned", extra={"removed": removed, "days": days})
    return removed


@periodic(name="secops.integrity_check", every=dt.timedelta(hours=1))
@task()
def integrity_check() -> dict[str, int]:
    run = integrity.run_check()
    return {"files": run.files_checked, "failures": run.failures, "pass": int(run.pass_completed)}
