"""Per-account lockout after repeated sign-in failures (django-axes with allauth's form).

allauth authenticates with ``username=`` or ``email=`` credentials (its form field is
``login``), so axes is told how to find the account key: the login as typed, lower-cased. An
unknown login is counted exactly like a known one, so the answers never tell them apart.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    value: Any = None
    if credentials:
        value = credentials.get("username") or credentials.get("email") or credentials.get("login")
    if not value and request is not None:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get("login") or data.get("username")
    if not isinstance(value, str):
        return None
    return value.strip().lower() or None
