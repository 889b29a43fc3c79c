"""Bearer-token authentication for API clients and officials (``Authorization: Bearer cq_...``).

Tokens are shown once at creation; only their SHA-256 digest is stored.
"""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from .models import ApiToken, User

TOKEN_PREFIX = "cq_"  # noqa: S105 (a prefix, not a secret)


def generate_token() -> tuple[str, str, str]:
    """Return (raw token, prefix, digest)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return raw, raw[:10], hash_token(raw)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Tiêu đề Authorization không hợp lệ.")
        try:
            raw = header[1].decode()
        except UnicodeDecodeError as err:
            raise exceptions.AuthenticationFailed("Khóa API không hợp lệ.") from err
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=hash_token(raw), revoked_at__isnull=True)
            .first()
        )
        now = timezone.now()
        if token is None or (token.expires_at is not None and token.expires_at <= now):
            raise exceptions.AuthenticationFailed("Khóa API không hợp lệ hoặc đã hết hạn.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("Tài khoản đã bị khóa.")
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Documents bearer tokens in the OpenAPI schema."""

    target_class = "chinhquyen.accounts.authentication.ApiTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Khóa API do quản trị hệ thống cấp: «Authorization: Bearer cq_...».",
        }
