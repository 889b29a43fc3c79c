"""Whether this request's session passed the second factor (officials must, DOMAIN.md §9).

allauth keeps, in the session, the steps of the current sign-in (``password``, ``mfa``,
``socialaccount``, re-authentications). An official's session counts as two-factor only when
one of those steps is ``mfa``. Reading it costs no query: the session is already loaded.
"""

from __future__ import annotations

from allauth.account.authentication import get_authentication_records
from django.http import HttpRequest

from .models import UserKind


def session_passed_mfa(request: HttpRequest) -> bool:
    records = get_authentication_records(request, getattr(request, "user", None))
    return any(record.get("method") == "mfa" for record in records)


def official_needs_second_factor(request: HttpRequest) -> bool:
    """True for a signed-in official whose session has not passed the second factor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if getattr(user, "kind", None) != UserKind.OFFICIAL:
        return False
    return not session_passed_mfa(request)
