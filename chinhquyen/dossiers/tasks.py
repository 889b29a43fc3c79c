"""Background work of the one-stop shop.

``dossiers.remind_due`` (every 15 minutes) queues the reminders before a step or a dossier
falls due (``reminders.send_due_reminders``; idempotent through the outbox's dedupe keys).
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from chinhquyen.jobs.registry import periodic


@periodic(name="dossiers.remind_due", every=dt.timedelta(minutes=15))
@task()
def remind_due() -> int:
    from .reminders import send_due_reminders

    return len(send_due_reminders())
