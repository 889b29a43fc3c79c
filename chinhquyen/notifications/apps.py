from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "chinhquyen.notifications"
    label = "notifications"
    verbose_name = "Thông báo"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import transports  # noqa: F401  (registers the built-in transports)
        from .models import NotificationPreference, NotificationTemplate

        # Templates are administrators' data: audit who changed the texts. The outbox itself is
        # infrastructure (its rows are the delivery log) and is not audited.
        if not auditlog.contains(NotificationTemplate):
            auditlog.register(NotificationTemplate, exclude_fields=["created_at", "updated_at"])
        # An official's reminder preferences are his own writes: audited like other settings.
        if not auditlog.contains(NotificationPreference):
            auditlog.register(NotificationPreference, exclude_fields=["updated_at"])
