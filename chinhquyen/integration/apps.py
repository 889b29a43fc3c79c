from typing import Any

from django.apps import AppConfig


def _on_message_created(**kwargs: Any) -> None:
    from . import services  # on first use: the transport and EDXML code is heavy to import

    services.on_message_created(**kwargs)


def _on_status_recorded(**kwargs: Any) -> None:
    from . import services

    services.on_status_recorded(**kwargs)


class IntegrationConfig(AppConfig):
    name = "chinhquyen.integration"
    label = "integration"
    verbose_name = "Liên thông, tích hợp"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from chinhquyen.documents.exchange_hooks import HOOKS

        from . import models as m
        from . import webhook_events

        for model in (m.Peer,):
            if not auditlog.contains(model):
                auditlog.register(model, exclude_fields=["created_at", "updated_at"])
        if not auditlog.contains(m.WebhookEndpoint):
            auditlog.register(
                m.WebhookEndpoint,
                exclude_fields=[
                    "created_at",
                    "updated_at",
                    "lease_until",
                    "secret_sealed",
                    "previous_secret_sealed",
                ],
            )
        webhook_events.connect()
        for event, callback in (
            ("message_created", _on_message_created),
            ("status_recorded", _on_status_recorded),
        ):
            if callback not in HOOKS[event]:
                HOOKS[event].append(callback)
