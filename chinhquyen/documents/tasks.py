"""Background work of the documents app.

``documents.remind_overdue_tasks`` (hourly) e-mails every official whose task on an incoming
document is past its due date — at most once per task and day: the notification's dedupe key
is ``document.task_overdue:<task id>:<local date>``, so running the job again (or twice at the
same time) queues nothing new.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from chinhquyen.jobs.registry import periodic
from chinhquyen.notifications.preferences import notify_preferred

from .selectors import overdue_tasks

logger = logging.getLogger(__name__)
TEMPLATE_KEY = "document.task_overdue"


def remind_overdue(on: dt.date | None = None) -> int:
    """Queue one reminder per overdue task for ``on`` (default today); returns how many were
    queued or already queued today."""
    day = on or timezone.localdate()
    count = 0
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    for item in overdue_tasks(day):
        document = item.document
        rows = notify_preferred(
            user=item.assignee,
            template=TEMPLATE_KEY,
            context={
                "name": str(item.assignee),
                "summary": (
                    "Văn bản mật: xem nội dung trên hệ thống."
                    if document.is_secret
                    else document.summary[:300]
                ),
                "incoming_number": document.incoming_number_display,
                "number_notation": document.number_notation,
                "sender": document.sender_name,
                "due": f"{item.due:%d/%m/%Y}" if item.due else "",
                "days_late": str((day - item.due).days) if item.due else "",
                "url": base + reverse("documents:my_tasks"),
            },
            dedupe_key=f"{TEMPLATE_KEY}:{item.pk}:{day.isoformat()}",
        )
        if rows:
            count += 1
    logger.info("documents.overdue_reminders", extra={"count": count, "day": day.isoformat()})
    return count


@periodic(name="documents.remind_overdue_tasks", every=dt.timedelta(hours=1))
@task()
def remind_overdue_tasks() -> int:
    return remind_overdue()
