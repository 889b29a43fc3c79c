from django.apps import AppConfig


class SecopsConfig(AppConfig):
    name = "chinhquyen.secops"
    label = "secops"
    verbose_name = "Giám sát an ninh"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from chinhquyen.audit.services import security_event_hook_register

        from .models import Alert, AlertRule
        from .services import security_event_pipeline

        security_event_hook_register(security_event_pipeline)
        if not auditlog.contains(Alert):
            auditlog.register(
                Alert,
                include_fields=["status", "acknowledged_by", "closed_by", "close_note"],
            )
        if not auditlog.contains(AlertRule):
            auditlog.register(AlertRule, exclude_fields=["updated_at"])
