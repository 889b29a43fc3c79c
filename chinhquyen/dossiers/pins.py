"""The dossier lookup PIN: 8 random digits printed on the receipt, stored only as a keyed hash.

The digest is HMAC-SHA256 keyed with SECRET_KEY over "<dossier code>:<PIN>", so a leaked
database alone does not allow trying the million PINs offline. Checking always computes a
digest and compares in constant time, also for an unknown code, so that an unknown code and a
wrong PIN take the same work and give the same answer.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Protocol

from django.utils.crypto import salted_hmac

PIN_DIGITS = 8  # was 6: PINs of 6 digits printed before still verify (any length does)
PIN_SALT = "chinhquyen.dossiers.lookup-pin"
_MISSING_DIGEST = "0" * 64


class HasPin(Protocol):
    code: str
    lookup_pin_hash: str


def new_pin() -> str:
    return f"{secrets.randbelow(10**PIN_DIGITS):0{PIN_DIGITS}d}"


def pin_digest(code: str, pin: str) -> str:
    return salted_hmac(PIN_SALT, f"{code}:{pin}", algorithm="sha256").hexdigest()


def pin_matches(dossier: HasPin | None, pin: str) -> bool:
    """Constant-time check; the same work whether or not ``dossier`` exists."""
    code = dossier.code if dossier is not None else "-"
    stored = dossier.lookup_pin_hash if dossier is not None else _MISSING_DIGEST
    same = hmac.compare_digest(pin_digest(code, str(pin)), stored)
    return same and dossier is not None
