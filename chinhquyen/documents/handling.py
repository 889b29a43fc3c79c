"""What every document service shares: text and choice checks, the row locks, the moves between
statuses with their event, stored incoming files. The services live by use case in ``incoming``
and ``outgoing``; ``services`` re-exports them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from chinhquyen.accounts.models import Position, User
from chinhquyen.core.api import DomainError
from chinhquyen.core.calendar import VN_TZ
from chinhquyen.orgs.models import Organisation

from . import files, workflow
from .history import incoming_search_text, outgoing_search_text, record_event
from .models import (
    IncomingDocument,
    IncomingFile,
    OutgoingDocument,
    Secrecy,
    Urgency,
)

MAX_SUMMARY = 2000


MAX_TEXT = 20000


MAX_REASON = 4000


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _local_date(at: dt.datetime) -> dt.date:
    return at.astimezone(VN_TZ).date()


def _text(value: str | None, *, label: str, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"Vui lòng nhập {label}.", code="required")
    if len(text) > limit:
        raise DomainError(f"{label.capitalize()} dài quá {limit} ký tự.", code="too_long")
    return text


def _choice(value: str, choices: type[Urgency] | type[Secrecy], label: str) -> str:
    if value not in choices.values:
        raise DomainError(f"{label} không hợp lệ.", code="invalid_choice")
    return value


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _lock_incoming(document: IncomingDocument) -> IncomingDocument:
    return (
        IncomingDocument.objects.select_for_update(of=("self",))
        .select_related("organisation", "document_type")
        .get(pk=document.pk)
    )


def _lock_outgoing(document: OutgoingDocument) -> OutgoingDocument:
    return (
        OutgoingDocument.objects.select_for_update(of=("self",))
        .select_related("organisation", "drafting_unit", "document_type")
        .get(pk=document.pk)
    )


def _move_incoming(
    document: IncomingDocument,
    action: str,
    *,
    actor: User | None,
    note: str = "",
    at: dt.datetime,
    fields: Iterable[str] = (),
) -> str:
    """Apply a transition of the incoming table, save ``fields`` and write the event."""
    before = document.status
    document.status = workflow.incoming_target(before, action)
    document.search_text = incoming_search_text(document)
    document.save(update_fields=["status", "search_text", "updated_at", *fields])
    record_event(
        document=document,
        action=action,
        actor=actor,
        from_status=before,
        to_status=document.status,
        note=note,
        at=at,
    )
    return before


def _move_outgoing(
    document: OutgoingDocument,
    action: str,
    *,
    actor: User | None,
    note: str = "",
    at: dt.datetime,
    fields: Iterable[str] = (),
) -> str:
    before = document.status
    document.status = workflow.outgoing_target(before, action)
    document.search_text = outgoing_search_text(document)
    document.save(update_fields=["status", "search_text", "updated_at", *fields])
    record_event(
        document=document,
        action=action,
        actor=actor,
        from_status=before,
        to_status=document.status,
        note=note,
        at=at,
    )
    return before


def _store_incoming_file(
    document: IncomingDocument, checked: files.CheckedFile, *, is_main: bool
) -> IncomingFile:
    row = IncomingFile(
        document=document,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        is_main=is_main,
    )
    row.file.save(checked.name, checked.django_file(), save=False)
    row.save()
    return row


def _works_under(user: User, unit: Organisation) -> bool:
    return any(
        p.unit.path.startswith(unit.path)
        for p in Position.objects.active().filter(user=user).select_related("unit")
    )
