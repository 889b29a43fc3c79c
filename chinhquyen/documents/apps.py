from typing import Any

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

        # the leader signs an outgoing document with his own device (signing.deferred)
        from chinhquyen.signing.purposes import register_purpose

        def load(actor: Any, target_id: str) -> Any:
            from .services import outgoing_device_target

            return outgoing_device_target(actor, target_id)

        def complete(prepared: Any, signed_pdf: bytes) -> None:
            from .services import outgoing_device_signed

            outgoing_device_signed(prepared, signed_pdf)

        register_purpose("documents.outgoing_sign", load=load, complete=complete)
