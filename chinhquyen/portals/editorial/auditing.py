"""Every action Wagtail logs goes to the platform's audit log, with the user who made it.

Wagtail records its editorial actions in its own log (``PageLogEntry`` for pages,
``ModelLogEntry`` for images, documents, workflows...): create, edit, submit for moderation,
approve, reject, publish, unpublish, scheduled publishing, revert to a revision, delete, move,
lock... Each new row is copied, in the same transaction, into django-auditlog's ``LogEntry``
(the audit trail the audit pages, exports and retention of ``chinhquyen.audit`` read): the
object, the action's code (``wagtail.publish``, ``wagtail.workflow.approve``...), the
revision and the actor. Actions of the scheduler (scheduled publishing, automatic restoring)
have no user, like every other system write.
"""

from __future__ import annotations

import logging
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

logger = logging.getLogger(__name__)

ACTION_KEY = "wagtail_action"


def _target(entry: Any) -> tuple[ContentType, str, str]:
    page = getattr(entry, "page", None)
    if page is not None:
        return (
            ContentType.objects.get_for_model(page, for_concrete_model=False),
            str(entry.page_id),
            str(entry.label or page),
        )
    return entry.content_type, str(entry.object_id), str(entry.label or "")


def copy_to_audit_log(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """``post_save`` receiver of Wagtail's log entry models."""
    if not created:
        return
    content_type, object_pk, label = _target(instance)
    changes: dict[str, list[str | None]] = {ACTION_KEY: [None, str(instance.action)]}
    if getattr(instance, "revision_id", None):
        changes["revision"] = [None, str(instance.revision_id)]
    data = getattr(instance, "data", None) or {}
    comment = data.get("comment") if isinstance(data, dict) else None
    if comment:
        changes["comment"] = [None, str(comment)[:500]]
    LogEntry.objects.create(
        content_type=content_type,
        object_pk=object_pk[:255],
        object_id=int(object_pk) if object_pk.isdigit() else None,
        object_repr=label[:200],
        action=LogEntry.Action.UPDATE,
        changes=changes,
        actor=instance.user if getattr(instance, "user_id", None) else None,
        timestamp=instance.timestamp,
    )


def connect() -> None:
    from django.db.models.signals import post_save
    from wagtail.models import ModelLogEntry, PageLogEntry

    for model in (PageLogEntry, ModelLogEntry):
        post_save.connect(
            copy_to_audit_log, sender=model, dispatch_uid=f"cq_audit_{model.__name__}"
        )
