"""Background work of citizen reports: ``feedback.remind_due`` every 15 minutes
(``reminders.send_due_reminders``; idempotent through the outbox's dedupe keys)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from chinhquyen.jobs.registry import periodic


@periodic(name="feedback.remind_due", every=dt.timedelta(minutes=15))
@task()
def remind_due() -> int:
    from .reminders import send_due_reminders

    return send_due_reminders()
