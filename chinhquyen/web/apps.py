from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "chinhquyen.web"
    label = "web"
    verbose_name = "Giao diện"
