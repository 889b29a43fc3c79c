"""The payment state machine: which status changes are allowed, and from which source.

    created ──start──▶ pending ──IPN/đối soát: thành công──▶ paid (final)
       │                  ├──IPN/đối soát: thất bại──▶ failed
       │                  ├──khách hủy tại cổng (IPN mã 24), người nộp/cán bộ hủy──▶ cancelled
       ├──hủy──▶ cancelled └──quá hạn (tác vụ định kỳ)──▶ expired
       └──quá hạn──▶ expired

Rules behind the table:
- Only the gateway decides that money was taken: ``paid`` is reached from the IPN or from a
  reconciliation query (both signed by the gateway), never from the browser's return page.
- A valid "paid" notification always wins: the money was taken, so a payment that had failed,
  been cancelled by us or expired becomes ``paid`` (late payment), and the payable's owner is
  told through the paid hooks. ``paid`` itself is final.
- A failure only closes an open payment (created/pending); for a closed one it changes nothing.
"""

from __future__ import annotations

from .models import EventSource, PaymentStatus

S = PaymentStatus
E = EventSource

GATEWAY = frozenset({E.IPN.value, E.RECONCILE.value})

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.CREATED, S.PENDING): frozenset({E.APP.value}),
    (S.CREATED, S.PAID): GATEWAY,
    (S.CREATED, S.FAILED): GATEWAY,
    (S.CREATED, S.CANCELLED): frozenset({E.APP.value, E.ADMIN.value, E.IPN.value}),
    (S.CREATED, S.EXPIRED): frozenset({E.SCHEDULER.value}),
    (S.PENDING, S.PAID): GATEWAY,
    (S.PENDING, S.FAILED): GATEWAY,
    (S.PENDING, S.CANCELLED): frozenset(
        {E.APP.value, E.ADMIN.value, E.IPN.value, E.RECONCILE.value}
    ),
    (S.PENDING, S.EXPIRED): frozenset({E.SCHEDULER.value}),
    (S.FAILED, S.PAID): GATEWAY,
    (S.CANCELLED, S.PAID): GATEWAY,
    (S.EXPIRED, S.PAID): GATEWAY,
}

OPEN_STATUSES = frozenset({S.CREATED.value, S.PENDING.value})
FINAL_STATUSES = frozenset({S.PAID.value})


class TransitionError(Exception):
    """A status change the workflow does not allow (a programming error in a service)."""


def can_transition(from_status: str, to_status: str, source: str) -> bool:
    return source in TRANSITIONS.get((from_status, to_status), frozenset())


def check_transition(from_status: str, to_status: str, source: str) -> None:
    if not can_transition(from_status, to_status, source):
        raise TransitionError(f"payment: {from_status} -> {to_status} not allowed from {source}")
