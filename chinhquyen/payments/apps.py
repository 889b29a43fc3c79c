from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "chinhquyen.payments"
    label = "payments"
    verbose_name = "Thanh toán trực tuyến"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import checks, permissions  # noqa: F401  (registers checks and rules)
        from .models import Payment

        if not auditlog.contains(Payment):
            # Raw gateway payloads stay out of the change log (they are in PaymentEvent).
            auditlog.register(
                Payment, exclude_fields=["updated_at", "return_payload", "ipn_payload"]
            )
