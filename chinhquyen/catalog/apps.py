from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "chinhquyen.catalog"
    label = "catalog"
    verbose_name = "Thủ tục hành chính"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import permissions  # noqa: F401  (registers the catalog.* rules)
        from .models import Fee, Field, Procedure, ProcedureVersion, ProcessStep, RequiredPaper

        derived = ["search_text", "created_at", "updated_at"]
        registrations: list[tuple[type, dict]] = [
            (Field, {"exclude_fields": ["search_text"]}),
            (Procedure, {"exclude_fields": derived}),
            (
                ProcedureVersion,
                {"exclude_fields": derived, "m2m_fields": {"competent_organisations"}},
            ),
            (Fee, {}),
            (RequiredPaper, {}),
            (ProcessStep, {}),
        ]
        for model, options in registrations:
            if not auditlog.contains(model):
                auditlog.register(model, **options)
