from django.apps import AppConfig


class PortalEditorialConfig(AppConfig):
    name = "chinhquyen.portals.editorial"
    label = "portal_editorial"
    verbose_name = "Biên tập và chống thay đổi trái phép cổng thông tin"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import auditing

        auditing.connect()
