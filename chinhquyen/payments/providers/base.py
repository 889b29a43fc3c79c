"""The small interface every payment gateway adapter implements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    from chinhquyen.payments.models import Payment

#: What a gateway message says about the transaction, in the gateway-neutral words the
#: services use: ``paid`` (money taken), ``failed``, ``cancelled`` (by the payer at the
#: gateway), ``pending`` (not finished yet), ``review`` (money taken but the gateway flags the
#: transaction as suspicious: leave it to reconciliation), ``not_found`` (the gateway never
#: saw the order: only from ``query``), ``unknown`` (anything else).
Outcome = Literal["paid", "failed", "cancelled", "pending", "review", "not_found", "unknown"]


class ProviderError(Exception):
    """The gateway could not be reached or answered something unreadable."""


@dataclass(frozen=True)
class VerifiedResult:
    """A gateway message after its signature was checked.

    ``valid_signature`` False means nothing else in it may be trusted.
    """

    valid_signature: bool
    reference: str = ""
    amount: int | None = None  # in đồng (the gateway's ×100 already removed)
    outcome: Outcome = "unknown"
    response_code: str = ""
    transaction_status: str = ""
    transaction_no: str = ""
    bank_code: str = ""
    paid_at: dt.datetime | None = None
    message: str = ""  # Vietnamese, for people
    raw: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_paid(self) -> bool:
        return self.valid_signature and self.outcome == "paid"


@runtime_checkable
class PaymentProvider(Protocol):
    """A payment gateway adapter. Adapters never touch the database: services do."""

    name: str
    label: str

    def create_payment_url(self, payment: Payment, *, return_url: str, client_ip: str) -> str:
        """The signed URL the payer's browser is sent to."""
        ...

    def verify_return(self, params: Mapping[str, str]) -> VerifiedResult:
        """Check the parameters the gateway put on the browser's return URL."""
        ...

    def handle_ipn(self, params: Mapping[str, str]) -> VerifiedResult:
        """Check a server-to-server notification (IPN)."""
        ...

    def query(self, payment: Payment) -> VerifiedResult | None:
        """Ask the gateway about a transaction (reconciliation); None when unsupported."""
        ...
