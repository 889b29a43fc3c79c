"""Per-account lockout after repeated sign-in failures (django-axes with allauth's form).

allauth authenticates with ``username=`` or ``email=`` credentials (its form field is
``login``), so axes is told how to find the account key: the account's username, lower-cased,
whether the person typed the username or the e-mail address (security finding #9: five wrong
passwords by username and five more by e-mail were ten tries on one account). An unknown login
is counted under what was typed, exactly like a known one, so the answers never tell them
apart.
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
    login = value.strip().lower()
    if "@" in login:
        login = _username_of_email(login) or login
    return login or None


def _username_of_email(email: str) -> str | None:
    from allauth.account.models import EmailAddress

    from .models import User

    username = User.objects.filter(email__iexact=email).values_list("username", flat=True).first()
    if username is None:
        username = (
            EmailAddress.objects.filter(email__iexact=email)
            .values_list("user__username", flat=True)
            .first()
        )
    return username.lower() if username else None
