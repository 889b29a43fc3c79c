"""Keeping the daily facts current: contributions, the event fold and the full rebuild.

An object's *contribution* is the list of fact cells it adds one to. It is a pure function of
the object's current row, so the incremental fold (old contribution out, new one in) and the
rebuild (sum of every object's contribution) give the same facts by construction as long as
every change writes a ``FactEvent`` — which the hypothesis test checks against the workflow.

The on-time class is not re-derived here: it is ``Dossier.classification``, fixed by the
dossier service when the clock stops (the rule of the on-time report, DOMAIN.md §4).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef

from chinhquyen.core.calendar import VN_TZ
from chinhquyen.documents import history as document_history
from chinhquyen.documents.models import (
    DocumentEvent,
    ExchangeMessage,
    IncomingDocument,
    IncomingStatus,
    OutgoingDocument,
)
from chinhquyen.dossiers import hooks
from chinhquyen.dossiers.models import (
    Channel,
    Dossier,
    DossierResult,
    DossierStatus,
    PaymentStatus,
    SatisfactionScore,
    Timeliness,
)

from .models import (
    DocumentDailyFact,
    DossierDailyFact,
    FactEvent,
    FactKind,
    FactLock,
    FactState,
)

logger = logging.getLogger(__name__)

Cell = tuple[int, int | None, str, str]  # organisation, procedure (None: documents), day, field
BATCH = 2000

# --------------------------------------------------------------------------------------------
# Event rows, written in the transaction of the change
# --------------------------------------------------------------------------------------------


def _on_dossier_event(event: hooks.HookEvent) -> None:
    FactEvent.objects.create(kind=FactKind.DOSSIER, object_id=event.dossier_id)


def _on_document_event(event: DocumentEvent) -> None:
    if event.incoming_id is not None:
        FactEvent.objects.create(kind=FactKind.INCOMING, object_id=event.incoming_id)
    if event.outgoing_id is not None:
        FactEvent.objects.create(kind=FactKind.OUTGOING, object_id=event.outgoing_id)


def connect() -> None:
    """Register the event writers (AppConfig.ready)."""
    for name in sorted(hooks.EVENTS):
        hooks.register(name, _on_dossier_event, in_transaction=True)
    document_history.register_listener(_on_document_event)


# --------------------------------------------------------------------------------------------
# Contributions
# --------------------------------------------------------------------------------------------


def _day(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.astimezone(VN_TZ).date()
    return value.isoformat()


CHANNEL_FIELD = {
    Channel.COUNTER: "received_counter",
    Channel.ONLINE: "received_online",
    Channel.POST: "received_post",
}
CLASS_FIELD = {Timeliness.EARLY: "early", Timeliness.ON_TIME: "on_time", Timeliness.LATE: "late"}
NOT_DUE_STATUSES = frozenset(
    {
        DossierStatus.SUPPLEMENT_REQUESTED,  # the clock is stopped
        DossierStatus.RETURNED,
        DossierStatus.REFUSED,
        DossierStatus.STOPPED,
    }
)


def dossier_rows(queryset: Any) -> Any:
    """The columns a dossier's contribution needs (one query, no per-row lookups)."""
    electronic = DossierResult.objects.filter(
        dossier=OuterRef("pk"), cancelled_at__isnull=True
    ).exclude(file="")
    return queryset.annotate(has_electronic_result=Exists(electronic)).values(
        "pk",
        "competent_organisation_id",
        "procedure_id",
        "channel",
        "status",
        "received_at",
        "appointment_at",
        "new_appointment_at",
        "finished_at",
        "classification",
        "fee_total",
        "payment_status",
        "has_electronic_result",
        "rating__score",
        "rating__rated_at",
    )


def dossier_cells(row: dict[str, Any]) -> list[Cell]:
    org, proc = row["competent_organisation_id"], row["procedure_id"]
    cells: list[Cell] = []

    def add(day: str | None, *names: str) -> None:
        if day is not None:
            cells.extend((org, proc, day, name) for name in names)

    received = _day(row["received_at"])
    add(received, "received")
    channel_field = CHANNEL_FIELD.get(row["channel"])
    if channel_field:
        add(received, channel_field)
    if row["fee_total"]:
        add(received, "fee_required")
        if row["payment_status"] == PaymentStatus.PAID:
            add(received, "paid_online")
    finished = _day(row["finished_at"])
    if finished is not None:
        add(finished, "finished")
        class_field = CLASS_FIELD.get(row["classification"])
        if class_field:
            add(finished, class_field)
        if row["has_electronic_result"]:
            add(finished, "results_electronic")
    elif row["status"] not in NOT_DUE_STATUSES:
        add(_day(row["new_appointment_at"] or row["appointment_at"]), "due_open")
    if row["rating__score"] is not None:
        add(_day(row["rating__rated_at"]), "rated")
        if row["rating__score"] == SatisfactionScore.DISSATISFIED:
            add(_day(row["rating__rated_at"]), "rated_dissatisfied")
    return cells


def incoming_rows(queryset: Any) -> Any:
    exchanged = ExchangeMessage.objects.filter(incoming=OuterRef("pk"))
    return queryset.annotate(exchanged=Exists(exchanged)).values(
        "pk",
        "organisation_id",
        "received_at",
        "is_electronic",
        "signature_check",
        "exchanged",
        "status",
        "deadline",
        "completed_at",
    )


OPEN_INCOMING_EXCLUDED = frozenset(
    {IncomingStatus.COMPLETED, IncomingStatus.RETURNED, IncomingStatus.WITHDRAWN}
)


def incoming_cells(row: dict[str, Any]) -> list[Cell]:
    org = row["organisation_id"]
    received = _day(row["received_at"])
    names = ["in_received"]
    if row["is_electronic"]:
        names.append("in_electronic")
    if isinstance(row["signature_check"], dict) and row["signature_check"].get("valid") is True:
        names.append("in_signed")
    if row["exchanged"]:
        names.append("in_exchanged")
    cells: list[Cell] = [(org, None, received, n) for n in names if received]
    if row["status"] == IncomingStatus.COMPLETED and row["completed_at"] is not None:
        completed = _day(row["completed_at"])
        assert completed is not None
        cells.append((org, None, completed, "in_completed"))
        deadline = row["deadline"]
        if deadline is None or completed <= deadline.isoformat():
            cells.append((org, None, completed, "in_completed_on_time"))
    elif row["status"] not in OPEN_INCOMING_EXCLUDED and row["deadline"] is not None:
        cells.append((org, None, row["deadline"].isoformat(), "in_due_open"))
    return cells


def outgoing_rows(queryset: Any) -> Any:
    exchanged = ExchangeMessage.objects.filter(outgoing=OuterRef("pk"))
    return queryset.annotate(exchanged=Exists(exchanged)).values(
        "pk", "organisation_id", "issued_at", "is_electronic", "signed_at", "exchanged"
    )


def outgoing_cells(row: dict[str, Any]) -> list[Cell]:
    issued = _day(row["issued_at"])
    if issued is None:
        return []
    names = ["out_issued"]
    if row["is_electronic"]:
        names.append("out_electronic")
    if row["signed_at"] is not None:
        names.append("out_signed")
    if row["exchanged"]:
        names.append("out_exchanged")
    return [(row["organisation_id"], None, issued, n) for n in names]


SOURCES: dict[str, tuple[Any, Any, Any]] = {
    FactKind.DOSSIER: (Dossier, dossier_rows, dossier_cells),
    FactKind.INCOMING: (IncomingDocument, incoming_rows, incoming_cells),
    FactKind.OUTGOING: (OutgoingDocument, outgoing_rows, outgoing_cells),
}


# --------------------------------------------------------------------------------------------
# Applying cell deltas
# --------------------------------------------------------------------------------------------


def _key(cell: Iterable[Any]) -> Cell:
    org, proc, day, name = cell
    return (int(org), None if proc is None else int(proc), str(day), str(name))


def _apply(delta: Counter[Cell]) -> None:
    """Add ``delta`` (cell → +n/−n) to the fact rows; called under the fact lock."""
    grouped: dict[tuple[int, int | None, str], dict[str, int]] = {}
    for (org, proc, day, name), n in delta.items():
        if n:
            grouped.setdefault((org, proc, day), {})[name] = (
                grouped.get((org, proc, day), {}).get(name, 0) + n
            )
    for (org, proc, day), changes in grouped.items():
        model: Any = DocumentDailyFact if proc is None else DossierDailyFact
        where: dict[str, Any] = {"organisation_id": org, "day": dt.date.fromisoformat(day)}
        if proc is not None:
            where["procedure_id"] = proc
        updated = model.objects.filter(**where).update(
            **{name: F(name) + n for name, n in changes.items()}
        )
        if not updated:
            model.objects.create(**where, **changes)


def _lock() -> None:
    """Serialise folds and rebuilds (the row is seeded by a migration)."""
    FactLock.objects.select_for_update().get_or_create(name="facts")


def fold_pending(*, limit: int = 5000) -> int:
    """Fold up to ``limit`` pending events into the facts; returns the events folded."""
    with transaction.atomic():
        _lock()
        events = list(
            FactEvent.objects.order_by("id").values_list("id", "kind", "object_id")[:limit]
        )
        if not events:
            return 0
        by_kind: dict[str, set[int]] = {}
        for _, kind, object_id in events:
            by_kind.setdefault(kind, set()).add(object_id)
        delta: Counter[Cell] = Counter()
        for kind, ids in by_kind.items():
            model, rows, cells_of = SOURCES[kind]
            states = {
                s.object_id: s for s in FactState.objects.filter(kind=kind, object_id__in=ids)
            }
            current = {row["pk"]: row for row in rows(model.objects.filter(pk__in=ids))}
            new_states = []
            for object_id in ids:
                old = [_key(c) for c in states[object_id].cells] if object_id in states else []
                row = current.get(object_id)
                new = cells_of(row) if row is not None else []
                delta.update(new)
                delta.subtract(old)
                if object_id in states:
                    state = states[object_id]
                    if old != new:
                        state.cells = [list(c) for c in new]
                        state.save(update_fields=["cells"])
                elif new:
                    new_states.append(
                        FactState(kind=kind, object_id=object_id, cells=[list(c) for c in new])
                    )
            FactState.objects.bulk_create(new_states)
        _apply(delta)
        FactEvent.objects.filter(id__in=[e[0] for e in events]).delete()
    return len(events)


def fold_all() -> int:
    total = 0
    while n := fold_pending():
        total += n
    return total


def pending_count() -> int:
    return FactEvent.objects.count()


def never_built() -> bool:
    """Source rows exist but no object has a contribution yet (facts never computed)."""
    if FactState.objects.exists():
        return False
    return Dossier.objects.exists() or IncomingDocument.objects.exists()


# --------------------------------------------------------------------------------------------
# Rebuild
# --------------------------------------------------------------------------------------------


def _iter_rows(kind: str) -> Iterator[dict[str, Any]]:
    model, rows, _ = SOURCES[kind]
    yield from rows(model.objects.order_by("pk")).iterator(chunk_size=BATCH)


def rebuild() -> dict[str, int]:
    """Recompute every fact and state from the source tables (one transaction)."""
    counts: dict[str, int] = {}
    with transaction.atomic():
        _lock()
        last_event = FactEvent.objects.order_by("-id").values_list("id", flat=True).first()
        DossierDailyFact.objects.all().delete()
        DocumentDailyFact.objects.all().delete()
        FactState.objects.all().delete()
        totals: Counter[Cell] = Counter()
        for kind, (_, _, cells_of) in SOURCES.items():
            batch: list[FactState] = []
            n = 0
            for row in _iter_rows(kind):
                cells = cells_of(row)
                n += 1
                if not cells:
                    continue
                totals.update(cells)
                batch.append(
                    FactState(kind=kind, object_id=row["pk"], cells=[list(c) for c in cells])
                )
                if len(batch) >= BATCH:
                    FactState.objects.bulk_create(batch)
                    batch = []
            FactState.objects.bulk_create(batch)
            counts[kind] = n
        grouped: dict[tuple[int, int | None, str], dict[str, int]] = {}
        for (org, proc, day, name), n in totals.items():
            grouped.setdefault((org, proc, day), {})[name] = n
        dossier_facts, document_facts = [], []
        for (org, proc, day), values in grouped.items():
            when = dt.date.fromisoformat(day)
            if proc is None:
                document_facts.append(DocumentDailyFact(organisation_id=org, day=when, **values))
            else:
                dossier_facts.append(
                    DossierDailyFact(organisation_id=org, procedure_id=proc, day=when, **values)
                )
        DossierDailyFact.objects.bulk_create(dossier_facts, batch_size=BATCH)
        DocumentDailyFact.objects.bulk_create(document_facts, batch_size=BATCH)
        if last_event is not None:
            FactEvent.objects.filter(id__lte=last_event).delete()
        counts["dossier_facts"] = len(dossier_facts)
        counts["document_facts"] = len(document_facts)
    logger.info("stats.rebuilt", extra=counts)
    return counts


def facts_snapshot() -> dict[str, set[tuple[Any, ...]]]:
    """Every non-zero fact row as tuples (tests compare rebuild and incremental with it)."""
    out: dict[str, set[tuple[Any, ...]]] = {}
    for model, keys in (
        (DossierDailyFact, ("organisation_id", "procedure_id", "day")),
        (DocumentDailyFact, ("organisation_id", "day")),
    ):
        names = [f.name for f in model._meta.concrete_fields if f.name not in {"id"}]
        values = [n if n not in {"organisation", "procedure"} else f"{n}_id" for n in names]
        rows = set()
        for row in model.objects.values_list(*values):
            counters = row[len(keys) :]
            if any(counters):
                rows.add(tuple(row))
        out[model.__name__] = rows
    return out
