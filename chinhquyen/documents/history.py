"""The append-only history of documents (``DocumentEvent``) and search text upkeep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Q
from django.utils import timezone

from chinhquyen.accounts.models import User
from chinhquyen.core.search import words_filter
from chinhquyen.core.text import normalize_search

from .models import DocumentEvent, IncomingDocument, OutgoingDocument

# Callbacks run inside the transaction of every history row (other apps keep derived figures
# current this way, e.g. the statistics' event table); register in ``AppConfig.ready()``.
Listener = Callable[[DocumentEvent], None]
_listeners: list[Listener] = []


def register_listener(listener: Listener) -> Listener:
    """Call ``listener(event)`` right after each document history row is written."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def record_event(
    *,
    document: IncomingDocument | OutgoingDocument,
    action: str,
    actor: User | None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> DocumentEvent:
    incoming = document if isinstance(document, IncomingDocument) else None
    outgoing = document if isinstance(document, OutgoingDocument) else None
    event = DocumentEvent.objects.create(
        incoming=incoming,
        outgoing=outgoing,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor if isinstance(actor, User) and actor.pk else None,
        note=note,
        at=at or timezone.now(),
    )
    for listener in _listeners:
        listener(event)
    return event


def _join(parts: list[str | None]) -> str:
    return normalize_search(" ".join(p for p in parts if p))


def incoming_search_text(document: IncomingDocument) -> str:
    number = document.incoming_number
    return _join(
        [
            f"{number:02d}" if number is not None else "",
            document.number_notation,
            document.sender_name,
            document.document_type.name if document.document_type_id else "",  # type: ignore[union-attr]
            document.summary,
            document.signer_name,
            document.extracted_text,
        ]
    )


def outgoing_search_text(document: OutgoingDocument) -> str:
    return _join(
        [
            document.number_notation,
            document.document_type.name if document.document_type_id else "",
            document.summary,
            document.body,
            document.extracted_text,
        ]
    )


def search_filter(q: str | None) -> Q:
    """Every word of ``q`` (accents and case ignored) is a whole word of ``search_text``
    (``core.search``: a full-text match served by a GIN index on PostgreSQL)."""
    return words_filter(q)
