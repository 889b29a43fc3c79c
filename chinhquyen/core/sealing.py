"""Values kept encrypted in the database with a key that is not in it (derived from
SECRET_KEY): the lookup PIN in the notification outbox (security finding #9, point 6)."""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from cryptography.fernet import Fernet


def _fernet() -> Fernet:
    from cryptography.fernet import Fernet  # not at start-up (the admin imports the outbox)

    digest = hashlib.sha256(b"chinhquyen.sealing:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def unseal(token: str) -> str | None:
    """The value, or None when the token is not ours (another key, tampered)."""
    from cryptography.fernet import InvalidToken

    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None
