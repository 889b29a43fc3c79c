"""How other apps learn that a payment of theirs was paid, without payments importing them.

The app that owns a payable type registers a function, e.g. in ``dossiers/apps.py`` ready()::

    from chinhquyen.payments.hooks import on_payment_paid

    @on_payment_paid("dossier")
    def _dossier_fee_paid(payment: Payment) -> None:
        dossier_mark_fee_paid(dossier_id=int(payment.payable_id), payment_id=payment.pk)

Hooks run after the transaction that marked the payment paid has committed
(``transaction.on_commit``, robust: a failing hook is logged and does not affect the others or
the gateway's answer). They receive a freshly loaded ``Payment``. A hook may run again for the
same payment only if the process dies between commit and hook, so hooks must be idempotent
(check the payable's own state first). Slow work belongs in a background task the hook enqueues.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .models import Payment

logger = logging.getLogger(__name__)

PaidHook = Callable[["Payment"], object]
HookT = TypeVar("HookT", bound=PaidHook)

_paid_hooks: dict[str, list[PaidHook]] = {}


def on_payment_paid(payable_type: str) -> Callable[[HookT], HookT]:
    """Decorator: call the function when a payment for ``payable_type`` becomes paid."""

    def register(func: HookT) -> HookT:
        hooks = _paid_hooks.setdefault(payable_type, [])
        if func not in hooks:
            hooks.append(func)
        return func

    return register


def unregister_paid_hook(payable_type: str, func: PaidHook) -> None:
    """Remove a hook (used by tests that register throw-away hooks)."""
    hooks = _paid_hooks.get(payable_type, [])
    if func in hooks:
        hooks.remove(func)


def paid_hooks(payable_type: str) -> list[PaidHook]:
    return list(_paid_hooks.get(payable_type, []))


def paid_hook_callback(func: PaidHook, payment_id: int) -> Callable[[], None]:
    """What the service hands to ``transaction.on_commit`` for one hook (a named function:
    Django logs a failing robust callback by its ``__qualname__``)."""

    def call_paid_hook() -> None:
        run_paid_hook(func, payment_id)

    call_paid_hook.__qualname__ = f"paid hook {getattr(func, '__qualname__', func)!s}"
    return call_paid_hook


def run_paid_hook(func: PaidHook, payment_id: int) -> None:
    """Load the payment and call one hook (what ``transaction.on_commit`` runs)."""
    from .models import Payment

    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        return
    func(payment)
    logger.info(
        "payments.paid_hook_ran",
        extra={"payment": payment.reference, "hook": getattr(func, "__qualname__", repr(func))},
    )


# --- Where a payment's page links back to -----------------------------------------------------

#: payable type → the URL of the thing paid for (the app that owns it registers it), so the
#: payment pages can offer "back to the dossier" and a retry from there.
PayableUrl = Callable[[Any], str]
_payable_urls: dict[str, PayableUrl] = {}


def register_payable_url(payable_type: str, func: PayableUrl) -> None:
    _payable_urls[payable_type] = func


def payable_url(payment: Any) -> str:
    """The page of what ``payment`` pays for, or "" when its app registered none."""
    func = _payable_urls.get(getattr(payment, "payable_type", ""))
    if func is None:
        return ""
    try:
        return func(payment)
    except Exception:  # a missing object must not break the payment page
        return ""
