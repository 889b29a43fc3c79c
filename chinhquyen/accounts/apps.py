from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chinhquyen.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import ApiToken, Position, User

        auditlog.register(
            User,
            exclude_fields=["password", "last_login", "search_text"],
            mask_fields=["citizen_id"],
        )
        auditlog.register(Position)
        auditlog.register(ApiToken, exclude_fields=["digest", "last_used_at"])
