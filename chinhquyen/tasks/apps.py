from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "chinhquyen.tasks"
    label = "tasks"
    verbose_name = "Theo dõi nhiệm vụ, nhắc việc"
