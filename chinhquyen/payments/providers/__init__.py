"""Payment gateway adapters and the registry that picks one.

The active provider is settings ``PAYMENT_PROVIDER`` (default ``"vnpay_sandbox"``):

- ``vnpay``: the real VNPay gateway (``providers.vnpay.vnpay_from_settings``);
- ``vnpay_sandbox``: the same adapter pointed at the local sandbox gateway
  (``chinhquyen.payments.sandbox``), used by the demo and the tests.

Another gateway registers itself with ``register_provider(name, label, factory)``; the factory
builds a fresh ``PaymentProvider`` (settings are read at call time).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import Outcome, PaymentProvider, ProviderError, VerifiedResult

__all__ = [
    "DEFAULT_PROVIDER",
    "Outcome",
    "PaymentProvider",
    "ProviderError",
    "VerifiedResult",
    "active_provider_name",
    "get_provider",
    "provider_choices",
    "register_provider",
]

DEFAULT_PROVIDER = "vnpay_sandbox"


@dataclass(frozen=True)
class _Registration:
    label: str
    factory: Callable[[], PaymentProvider]


_registry: dict[str, _Registration] = {}


def register_provider(name: str, label: str, factory: Callable[[], PaymentProvider]) -> None:
    _registry[name] = _Registration(label=label, factory=factory)


def active_provider_name() -> str:
    return str(getattr(settings, "PAYMENT_PROVIDER", DEFAULT_PROVIDER) or DEFAULT_PROVIDER)


def get_provider(name: str | None = None) -> PaymentProvider:
    """The provider called ``name`` (the active one by default)."""
    name = name or active_provider_name()
    registration = _registry.get(name)
    if registration is None:
        raise ImproperlyConfigured(
            f"Unknown payment provider {name!r} (PAYMENT_PROVIDER); known: {sorted(_registry)}"
        )
    return registration.factory()


def provider_choices() -> list[tuple[str, str]]:
    return [(name, reg.label) for name, reg in sorted(_registry.items())]


def provider_label(name: str) -> str:
    registration = _registry.get(name)
    return registration.label if registration else name


def _vnpay() -> PaymentProvider:
    from .vnpay import vnpay_from_settings

    return vnpay_from_settings()


def _vnpay_sandbox() -> PaymentProvider:
    from chinhquyen.payments.sandbox.gateway import sandbox_provider

    return sandbox_provider()


register_provider("vnpay", "VNPAY", _vnpay)
register_provider("vnpay_sandbox", "VNPAY (cổng thử nghiệm)", _vnpay_sandbox)
