"""Background work of the tasks app (django-tasks; the ``scheduler`` command enqueues it).

``tasks.daily_reminders`` runs hourly and is idempotent: the digest's dedupe key is per official
and day, the escalation's per task, rule and person, so later runs of the same day queue
nothing new (and an official whose first task of the day appears later gets no second digest).
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from chinhquyen.jobs.registry import periodic

from .reminders import escalate, send_digests


@periodic(name="tasks.daily_reminders", every=dt.timedelta(hours=1))
@task()
def daily_reminders() -> int:
    return send_digests() + escalate()
