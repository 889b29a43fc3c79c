from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "chinhquyen.orgs"
    label = "orgs"
    verbose_name = "Cơ quan, đơn vị"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Organisation

        if not auditlog.contains(Organisation):
            auditlog.register(
                Organisation,
                # path, depth and search_text are derived from the fields that are logged.
                exclude_fields=["path", "depth", "search_text", "created_at", "updated_at"],
                m2m_fields={"predecessors"},
            )
