"""Every write to official documents. Keyword-only, typed, one transaction, attributed.

Each service locks the document row (``select_for_update``), checks the actor's right
(``permissions``; ``PermissionDenied`` otherwise) and the transition (``workflow``;
``DomainError`` 409 otherwise), writes, appends a ``DocumentEvent`` and, for documents that
came through the exchange, reports the recipient-side status (``exchange``).

Numbers: an incoming document gets its number (số đến) when it is registered, an outgoing
document its number and date when the clerk issues it — both from ``numbering.next_number`` in
the same transaction, so a failure anywhere gives the number back.

Lock order, everywhere: the outgoing document, then incoming documents, then exchange messages
by id, then the register counter — always last, just before the commit.
Every service takes ``at`` (default now) for imports, the demo and tests.

The services live by use case: ``incoming`` (registration, acceptance or return, submission,
assignment and its tasks, completion) and ``outgoing`` (drafting, review, the ND 30 PDF, issue
with its number, signing, dispatch, revocation); ``handling`` holds what they share (checks,
locks, moves with their event). This module re-exports them all: callers import from
``services``."""

from __future__ import annotations

from .handling import MAX_REASON, MAX_SUMMARY, MAX_TEXT
from .incoming import (
    incoming_accept,
    incoming_add_file,
    incoming_assign,
    incoming_complete,
    incoming_register,
    incoming_return,
    incoming_submit,
    task_complete,
    task_create,
    task_start,
)
from .outgoing import (
    DEVICE_SIGN_PURPOSE,
    EDITABLE_FIELDS,
    RecipientInput,
    outgoing_attach_pdf,
    outgoing_cancel,
    outgoing_create,
    outgoing_device_signed,
    outgoing_device_target,
    outgoing_dispatch,
    outgoing_issue,
    outgoing_prepare_pdf,
    outgoing_review,
    outgoing_revoke,
    outgoing_sign,
    outgoing_submit,
    outgoing_update,
    render_outgoing_pdf,
)

# The document services, by use case (``services`` is where callers import them from).
__all__ = [
    "DEVICE_SIGN_PURPOSE",
    "EDITABLE_FIELDS",
    "MAX_REASON",
    "MAX_SUMMARY",
    "MAX_TEXT",
    "RecipientInput",
    "incoming_accept",
    "incoming_add_file",
    "incoming_assign",
    "incoming_complete",
    "incoming_register",
    "incoming_return",
    "incoming_submit",
    "outgoing_attach_pdf",
    "outgoing_cancel",
    "outgoing_create",
    "outgoing_device_signed",
    "outgoing_device_target",
    "outgoing_dispatch",
    "outgoing_issue",
    "outgoing_prepare_pdf",
    "outgoing_review",
    "outgoing_revoke",
    "outgoing_sign",
    "outgoing_submit",
    "outgoing_update",
    "render_outgoing_pdf",
    "task_complete",
    "task_create",
    "task_start",
]
