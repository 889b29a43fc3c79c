"""Background work of the exchange between deployments.

``integration.deliver_outbox`` sends the due rows of the outbox (enqueued after each change
that writes one, and every minute by the scheduler for retries); ``integration.poll_axis``
fetches what waits on the national axis for this deployment's agencies when the axis is
configured. Both are idempotent: a row is claimed before it is sent, a fetched message is
acknowledged only after it was taken (or refused for good).
"""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks import task

from chinhquyen.jobs.registry import periodic

logger = logging.getLogger(__name__)


@periodic(name="integration.deliver_outbox", every=dt.timedelta(minutes=1))
@task()
def deliver_outbox() -> dict[str, int]:
    from .services import outbox_deliver

    return outbox_deliver()


@periodic(name="integration.poll_axis", every=dt.timedelta(minutes=1))
@task()
def poll_axis() -> int:
    from .services import axis_poll

    return axis_poll()


@periodic(name="integration.deliver_webhooks", every=dt.timedelta(minutes=1))
@task()
def deliver_webhooks() -> dict[str, int]:
    from .webhooks import deliver_pending

    return deliver_pending()


@periodic(name="integration.announce_overdue_tasks", every=dt.timedelta(hours=1))
@task()
def announce_overdue_tasks() -> int:
    from .webhook_events import announce_overdue_tasks as announce

    return announce()
