"""Background jobs of the statistics: fold pending fact events every minute."""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from chinhquyen.jobs.registry import periodic

from . import facts

logger = logging.getLogger(__name__)


@periodic(name="stats.fold_facts", every=dt.timedelta(minutes=1))
@task()
def fold_facts() -> int:
    """Fold every pending dossier/document change into the daily facts (idempotent). On a
    database whose facts were never built (an upgrade, a bulk load) rebuild them first."""
    if facts.never_built():
        logger.info("stats.first_build", extra=facts.rebuild())
    folded = facts.fold_all()
    if folded:
        logger.info("stats.folded", extra={"events": folded})
    return folded
