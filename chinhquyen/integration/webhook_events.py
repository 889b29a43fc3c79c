"""Where the webhook events come from (connected in ``IntegrationConfig.ready``).

- ``dossier.status_changed``: the dossier lifecycle steps that set a status (dossier hooks,
  in the transaction of the change); key: the dossier's history row.
- ``document.received``: an incoming document received electronically or registered by the
  clerk (document history listener); once per incoming document.
- ``document.issued``: an outgoing document released to its recipients (status "sent"); once.
- ``feedback.answered``: a citizen report's approved answer (feedback history, post_save).
- ``task.overdue``: an open task past its due date (periodic scan); once per task and due date.

Confidential documents and tasks are never announced; payloads carry codes, statuses, dates
and a document's summary (trích yếu), never an applicant's or sender's personal data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from chinhquyen.documents import history as document_history
from chinhquyen.documents.models import (
    DocumentEvent,
    IncomingDocument,
    OutgoingDocument,
    OutgoingStatus,
    Secrecy,
)
from chinhquyen.documents.workflow import IncomingAction
from chinhquyen.dossiers import hooks
from chinhquyen.dossiers.models import Dossier

from . import webhooks
from .models import WebhookEndpoint

DOSSIER_STATUS_EVENTS = (
    "received",
    "transferred",
    "step_completed",
    "submitted_for_approval",
    "sent_back",
    "supplement_requested",
    "supplement_answered",
    "result_ready",
    "returned",
    "refused",
    "stopped",
)
INCOMING_RECEIVED_ACTIONS = ("receive", IncomingAction.REGISTER)


def _when(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- dossiers ---------------------------------------------------------------------------------


def on_dossier_event(event: hooks.HookEvent) -> None:
    def path() -> str:
        value = (
            Dossier.objects.filter(pk=event.dossier_id)
            .values_list("competent_organisation__path", flat=True)
            .first()
        )
        return value or ""

    def data() -> dict[str, Any]:
        found = (
            Dossier.objects.filter(pk=event.dossier_id)
            .values("procedure__code", "competent_organisation__name", "due_at")
            .first()
        )
        row: dict[str, Any] = dict(found) if found else {}
        return {
            "dossier_code": event.dossier_code,
            "status": event.status,
            "step": event.name,
            "procedure_code": row.get("procedure__code"),
            "organisation": row.get("competent_organisation__name"),
            "due_at": _when(row.get("due_at")),
        }

    key = f"dossier:{event.dossier_id}:{event.event_id or event.name}:{event.status}"
    webhooks.emit("dossier.status_changed", key=key, organisation_path=path, data=data)


# --- documents --------------------------------------------------------------------------------


def _document_data(document: IncomingDocument | OutgoingDocument) -> dict[str, Any]:
    common = {
        "id": document.pk,
        "document_type": document.document_type.name if document.document_type else None,
        "summary": document.summary,
        "organisation": document.organisation.name,
    }
    if isinstance(document, IncomingDocument):
        return common | {
            "number_notation": document.number_notation,
            "incoming_number": document.incoming_number,
            "sender": document.sender_name,
            "document_date": _when(document.document_date),
            "received_at": _when(document.received_at),
        }
    return common | {
        "number_notation": document.number_notation,
        "issued_on": _when(document.issued_on),
    }


def on_document_event(event: DocumentEvent) -> None:
    if (
        event.incoming_id is not None
        and event.action in INCOMING_RECEIVED_ACTIONS
        and webhooks.wanted("document.received")  # no query at all when nobody listens
    ):
        incoming = IncomingDocument.objects.select_related("organisation", "document_type").get(
            pk=event.incoming_id
        )
        if incoming.secrecy != Secrecy.NORMAL:
            return
        webhooks.emit(
            "document.received",
            key=f"incoming:{incoming.pk}",
            organisation_path=incoming.organisation.path,
            data=lambda: _document_data(incoming),
            at=event.at,
        )
    elif (
        event.outgoing_id is not None
        and event.to_status == OutgoingStatus.SENT
        and webhooks.wanted("document.issued")
    ):
        outgoing = OutgoingDocument.objects.select_related("organisation", "document_type").get(
            pk=event.outgoing_id
        )
        if outgoing.secrecy != Secrecy.NORMAL:
            return
        webhooks.emit(
            "document.issued",
            key=f"outgoing:{outgoing.pk}",
            organisation_path=outgoing.organisation.path,
            data=lambda: _document_data(outgoing),
            at=event.at,
        )


# --- citizen feedback -------------------------------------------------------------------------


def on_feedback_event(sender: Any, instance: Any, created: bool, **_: Any) -> None:
    from chinhquyen.feedback.models import FeedbackItem, Status

    if not created or instance.to_status != Status.ANSWERED:
        return
    if not webhooks.wanted("feedback.answered"):
        return
    item = FeedbackItem.objects.select_related("unit").get(pk=instance.item_id)
    webhooks.emit(
        "feedback.answered",
        key=f"feedback:{item.pk}:{instance.pk}",
        organisation_path=item.unit.path if item.unit else "",
        data=lambda: {"code": item.code, "status": item.status, "answered_at": _when(instance.at)},
        at=instance.at,
    )


# --- tasks ------------------------------------------------------------------------------------


def announce_overdue_tasks(*, today: dt.date | None = None, limit: int = 5000) -> int:
    """Queue ``task.overdue`` for open, non-confidential tasks past their due date (once per
    task and due date: a task whose deadline was extended is announced again when late)."""
    from chinhquyen.tasks.models import OPEN_STATUSES, Task

    if not webhooks.wanted("task.overdue"):
        return 0
    today = today or timezone.localdate()
    queued = 0
    overdue = (
        Task.objects.filter(status__in=OPEN_STATUSES, due__lt=today, confidential=False)
        .select_related("lead_unit")
        .order_by("-due", "pk")[:limit]
    )
    for task in overdue:
        assert task.due is not None  # filtered on
        queued += webhooks.emit(
            "task.overdue",
            key=f"task:{task.pk}:{task.due.isoformat()}",
            organisation_path=task.lead_unit.path,
            data={
                "id": task.pk,
                "lead_unit": task.lead_unit.name,
                "due": task.due.isoformat(),
                "status": task.status,
                "days_late": (today - task.due).days,
            },
        )
    return queued


def connect() -> None:
    for name in DOSSIER_STATUS_EVENTS:
        hooks.register(name, on_dossier_event, in_transaction=True)
    document_history.register_listener(on_document_event)
    post_save.connect(
        on_feedback_event, sender="feedback.FeedbackEvent", dispatch_uid="webhooks.feedback"
    )
    post_save.connect(
        webhooks.forget_targets, sender=WebhookEndpoint, dispatch_uid="webhooks.forget.save"
    )
    post_delete.connect(
        webhooks.forget_targets, sender=WebhookEndpoint, dispatch_uid="webhooks.forget.delete"
    )
