from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "chinhquyen.tasks"
    label = "tasks"
    verbose_name = "Theo dõi nhiệm vụ, nhắc việc"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Attendance, CalendarEvent, CalendarEventException

        # The calendar's own history is CalendarEventChange; the audit log adds field diffs.
        for model, options in (
            (CalendarEvent, {"exclude_fields": ["updated_at"]}),
            (Attendance, {}),
            (CalendarEventException, {"exclude_fields": ["updated_at"]}),
        ):
            if not auditlog.contains(model):
                auditlog.register(model, **options)
