"""Periodic jobs of the portals' editorial side (run by the project's ``scheduler``).

- ``portal_editorial.publish_scheduled`` (every minute): Wagtail's scheduled publishing and
  expiry — pages and snippets whose go-live time has come are published, those whose expiry
  time has passed are unpublished (``manage.py publish_scheduled``; each is logged, and so
  audited, as ``wagtail.publish.scheduled`` / ``wagtail.unpublish.scheduled``).
- ``portal_editorial.integrity_check`` (every ``PORTAL_INTEGRITY_MINUTES``, default 5): the
  anti-defacement check of every live page (:mod:`.integrity`).
"""

from __future__ import annotations

import datetime as dt
import io
import logging

from django.conf import settings
from django.core.management import call_command
from django_tasks import task

from chinhquyen.jobs.registry import periodic

logger = logging.getLogger(__name__)


@periodic(name="portal_editorial.publish_scheduled", every=dt.timedelta(minutes=1))
@task()
def publish_scheduled() -> str:
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    return out.getvalue()[-2000:]


@periodic(
    name="portal_editorial.integrity_check",
    every=dt.timedelta(minutes=int(getattr(settings, "PORTAL_INTEGRITY_MINUTES", 5))),
)
@task()
def integrity_check() -> dict[str, int]:
    from .integrity import check_all

    report = check_all()
    logger.info(
        "portals.integrity_checked",
        extra={
            "checked": report.checked,
            "baselined": report.baselined,
            "findings": len(report.findings),
        },
    )
    return {
        "checked": report.checked,
        "baselined": report.baselined,
        "findings": len(report.findings),
        "restored": sum(1 for f in report.findings if f.restored),
    }
