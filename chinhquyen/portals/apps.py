from django.apps import AppConfig


class PortalsConfig(AppConfig):
    name = "chinhquyen.portals"
    label = "portals"
    verbose_name = "Cổng thông tin điện tử"

    def ready(self) -> None:
        from . import cache

        cache.connect()
