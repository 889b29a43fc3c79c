from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "chinhquyen.documents"
    label = "documents"
    verbose_name = "Văn bản, điều hành"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models as m

        derived = ["search_text", "extracted_text", "created_at", "updated_at"]
        registrations: tuple[tuple[type, dict[str, list[str]]], ...] = (
            (m.DocumentType, {}),
            (m.IssuerProfile, {}),
            (m.UnitAbbreviation, {}),
            (m.Register, {"exclude_fields": ["created_at"]}),
            (m.IncomingDocument, {"exclude_fields": derived}),
            (m.Assignment, {}),
            (m.Task, {}),
            (m.OutgoingDocument, {"exclude_fields": derived}),
            (m.ApprovalStep, {}),
            (m.OutgoingRecipient, {}),
        )
        for model, options in registrations:
            if not auditlog.contains(model):
                auditlog.register(model, **options)
