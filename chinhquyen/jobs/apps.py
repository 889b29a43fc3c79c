from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "chinhquyen.jobs"
    label = "jobs"
    verbose_name = "Tác vụ nền"
