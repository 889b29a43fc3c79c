from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "chinhquyen.audit"
    label = "audit"
    verbose_name = "Nhật ký và sự kiện an ninh"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects auth/axes signal receivers)
