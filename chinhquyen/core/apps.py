from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chinhquyen.core"
    label = "core"
    verbose_name = "Dùng chung"
