from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "chinhquyen.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ một cửa"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import (
            Dossier,
            DossierAttachment,
            DossierPause,
            DossierResult,
            SatisfactionRating,
        )

        registrations: list[tuple[type, dict]] = [
            # The dossier's own history is DossierEvent; the audit log adds field-level diffs.
            (
                Dossier,
                {"exclude_fields": ["search_text", "lookup_pin_hash", "updated_at", "form_data"]},
            ),
            (DossierAttachment, {}),
            (DossierPause, {}),
            (DossierResult, {}),
            (SatisfactionRating, {}),
        ]
        for model, options in registrations:
            if not auditlog.contains(model):
                auditlog.register(model, **options)
