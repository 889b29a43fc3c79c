"""System checks of the payments app (``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from .providers import active_provider_name


@checks.register(checks.Tags.security, deploy=True)
def sandbox_gateway_in_production(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """The sandbox gateway accepts every payment and its default secret is public."""
    if active_provider_name() == "vnpay_sandbox" and not settings.DEBUG:
        return [
            checks.Warning(
                "PAYMENT_PROVIDER is 'vnpay_sandbox': payments go to the local test gateway, "
                "which takes no real money and signs with a public demo secret.",
                hint="Set PAYMENT_PROVIDER=vnpay with PAYMENT_VNPAY_TMN_CODE and "
                "PAYMENT_VNPAY_HASH_SECRET in production.",
                id="payments.W001",
            )
        ]
    return []
