"""Hook points of the dossier lifecycle for other apps (notifications, payments, PDF, signing).

The dossier services never import those apps. Instead, an app registers a callback for an event
name (usually in its ``AppConfig.ready()``)::

    from chinhquyen.dossiers import hooks

    def on_received(event: hooks.HookEvent) -> None:
        enqueue_receipt_mail.enqueue(dossier_id=event.dossier_id, pin=event.payload["pin"])

    hooks.register("received", on_received)

Callbacks run after the transaction that made the change commits (``transaction.on_commit``),
in registration order, with a ``HookEvent`` carrying IDs and a small payload (never model
instances: enqueue a task that reloads what it needs). A failing callback is logged and does not
stop the others, nor the request that caused it: the change is already committed.

A callback registered with ``in_transaction=True`` runs instead inside the transaction that made
the change, right when the service emits the event, in a savepoint of its own: what it writes
(an outbox row) commits or rolls back together with the change, so a crash between the commit
and an after-commit callback cannot lose it. A failing in-transaction callback rolls back its
savepoint only; it is logged and the change goes on. Use it for quick writes, never for I/O.

Events and their payload keys:

- ``received``: pin (the plain lookup PIN — the only time it exists), appointment_at, channel
- ``transferred``: unit_id
- ``assigned``: assignee_id
- ``step_completed``: step_id, unit_id
- ``submitted_for_approval``: unit_id
- ``sent_back``: reason
- ``supplement_requested``: reason, requested_papers, pause_id
- ``supplement_answered``: pause_id, due_at
- ``result_attached``: result_id, result_code
- ``result_cancelled``: result_id, result_code, reason
- ``result_ready``: classification
- ``results_approved``: result_ids (results the competent person just approved; sealed then,
  or at the return when the province seals at return)
- ``returned``
- ``refused``: reason
- ``stopped``: reason, withdrawn (True when the applicant withdrew)
- ``apologised``: appointment_at, new_appointment_at, reason, in_time
- ``rated``: score
- ``payment_updated``: payment_status, reference
- ``pin_reset``: pin

Every event also has ``dossier_id``, ``dossier_code``, ``event_id`` (the ``DossierEvent`` row,
None for non-history events), ``actor_id`` and ``status``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

EVENTS: frozenset[str] = frozenset(
    {
        "received",
        "transferred",
        "assigned",
        "step_completed",
        "submitted_for_approval",
        "sent_back",
        "supplement_requested",
        "supplement_answered",
        "result_attached",
        "result_cancelled",
        "result_ready",
        "results_approved",
        "returned",
        "refused",
        "stopped",
        "apologised",
        "rated",
        "payment_updated",
        "pin_reset",
    }
)


@dataclass(frozen=True)
class HookEvent:
    name: str
    dossier_id: int
    dossier_code: str
    status: str
    event_id: int | None = None
    actor_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)


Callback = Callable[[HookEvent], None]

_registry: dict[str, list[Callback]] = {name: [] for name in EVENTS}
_in_transaction: dict[str, list[Callback]] = {name: [] for name in EVENTS}


def register(event: str, callback: Callback, *, in_transaction: bool = False) -> Callback:
    """Call ``callback`` after every committed ``event`` (or, with ``in_transaction``, inside
    the transaction that makes it); returns it. Registering twice is a no-op."""
    if event not in EVENTS:
        raise ValueError(f"unknown dossier event {event!r}; known: {sorted(EVENTS)}")
    registry = _in_transaction if in_transaction else _registry
    if callback not in registry[event]:
        registry[event].append(callback)
    return callback


def unregister(event: str, callback: Callback) -> None:
    for registry in (_registry, _in_transaction):
        if event in registry and callback in registry[event]:
            registry[event].remove(callback)


def callbacks(event: str, *, in_transaction: bool = False) -> list[Callback]:
    return list((_in_transaction if in_transaction else _registry).get(event, []))


@contextmanager
def registered(
    event: str, callback: Callback, *, in_transaction: bool = False
) -> Iterator[Callback]:
    """Register ``callback`` for the duration of a ``with`` block (tests)."""
    register(event, callback, in_transaction=in_transaction)
    try:
        yield callback
    finally:
        unregister(event, callback)


def _run(event: HookEvent, *, in_transaction: bool = False) -> None:
    for callback in callbacks(event.name, in_transaction=in_transaction):
        try:
            if in_transaction:
                with transaction.atomic():  # a savepoint: a failure undoes only its writes
                    callback(event)
            else:
                callback(event)
        except Exception:
            logger.exception(
                "dossiers.hook_failed",
                extra={"hook": event.name, "dossier_id": event.dossier_id},
            )


def emit(
    name: str,
    *,
    dossier: Any,
    event_id: int | None = None,
    actor: Any = None,
    **payload: Any,
) -> None:
    """Run the in-transaction callbacks of ``name`` now and schedule the others for when the
    current transaction commits."""
    if name not in EVENTS:
        raise ValueError(f"unknown dossier event {name!r}")
    if not _registry[name] and not _in_transaction[name]:
        return
    event = HookEvent(
        name=name,
        dossier_id=dossier.pk,
        dossier_code=dossier.code,
        status=dossier.status,
        event_id=event_id,
        actor_id=getattr(actor, "pk", None),
        payload=dict(payload),
    )
    if _in_transaction[name]:
        _run(event, in_transaction=True)
    if _registry[name]:
        transaction.on_commit(lambda: _run(event))
