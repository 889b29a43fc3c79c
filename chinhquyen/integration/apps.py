from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "chinhquyen.integration"
    label = "integration"
    verbose_name = "Liên thông, tích hợp"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from chinhquyen.documents import exchange

        from . import models as m
        from . import services, webhook_events

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
        if services.on_message_created not in exchange.HOOKS["message_created"]:
            exchange.HOOKS["message_created"].append(services.on_message_created)
        if services.on_status_recorded not in exchange.HOOKS["status_recorded"]:
            exchange.HOOKS["status_recorded"].append(services.on_status_recorded)
