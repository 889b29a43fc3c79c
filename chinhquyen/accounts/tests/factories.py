"""Test data builders for users and positions.

Officials must have TOTP two-factor authentication (``OfficialMFARequiredMiddleware``): an
official without it is redirected to the activation page (HTML) or gets 403 (API). Pass
``totp=True`` to ``make_official`` (or call ``enable_totp``) before ``client.force_login``.
"""

from __future__ import annotations

import base64
import itertools

from allauth.mfa.models import Authenticator

from chinhquyen.accounts.models import Position, User, UserKind
from chinhquyen.orgs.models import Organisation

_seq = itertools.count(1)
PASSWORD = "Mat-khau-thu-nghiem-2026"
TOTP_SECRET = base64.b32encode(b"chinhquyen-test-key!").decode()  # 20 bytes -> 32 chars


def make_user(kind: str = UserKind.CITIZEN, **kwargs: object) -> User:
    n = next(_seq)
    kwargs.setdefault("username", f"user{n}")
    kwargs.setdefault("email", f"user{n}@example.vn")
    kwargs.setdefault("full_name", f"Người dùng {n}")
    user = User(kind=kind, **kwargs)
    user.set_password(PASSWORD)
    user.refresh_search_text()
    user.save()
    return user


def enable_totp(user: User, secret: str = TOTP_SECRET) -> Authenticator:
    """Give ``user`` an active TOTP authenticator with ``secret`` (compute codes with pyotp)."""
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": secret}
    )


def make_official(unit: Organisation, role: str, *, totp: bool = False, **kwargs: object) -> User:
    user = make_user(UserKind.OFFICIAL, **kwargs)
    Position.objects.create(user=user, unit=unit, role=role)
    if totp:
        enable_totp(user)
    return user
