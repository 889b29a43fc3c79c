from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "chinhquyen.feedback"
    label = "feedback"
    verbose_name = "Phản ánh, kiến nghị"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import (
            FeedbackAnswer,
            FeedbackCategory,
            FeedbackClocks,
            FeedbackFile,
            FeedbackItem,
            FeedbackRating,
            RoutingRule,
        )

        registrations: list[tuple[type, dict]] = [
            # The item's own history is FeedbackEvent; the audit log adds field-level diffs.
            (FeedbackItem, {"exclude_fields": ["search_text", "lookup_pin_hash", "updated_at"]}),
            (FeedbackAnswer, {}),
            (FeedbackFile, {}),
            (FeedbackRating, {}),
            (FeedbackCategory, {}),
            (FeedbackClocks, {}),
            (RoutingRule, {}),
        ]
        for model, options in registrations:
            if not auditlog.contains(model):
                auditlog.register(model, **options)
