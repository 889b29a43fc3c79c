from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "chinhquyen.stats"
    label = "stats"
    verbose_name = "Số liệu tổng hợp, chỉ số phục vụ"

    def ready(self) -> None:
        from . import facts

        facts.connect()
