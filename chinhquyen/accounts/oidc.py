"""Citizen sign-in through an OpenID Connect identity provider (VNeID-style single sign-on).

The provider's claims are mapped to a citizen account:

- ``name`` (or ``family_name`` + ``given_name``, Vietnamese order) -> ``full_name``;
- ``email`` -> ``email``; ``phone_number`` -> ``phone`` (dropped when not a Vietnamese number);
- the citizen-ID claim, named by the ``OIDC_CITIZEN_ID_CLAIM`` setting (default
  ``citizen_id``) -> ``citizen_id``, validated structurally (12 digits, province 001-096).

A login without a valid citizen ID is refused. Only citizens and businesses may sign in this
way, never officials or API clients (see ``adapters.SocialAccountAdapter``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from .validators import validate_citizen_id, validate_phone


class ClaimsError(Exception):
    """The identity provider's claims cannot identify a citizen; ``message`` is Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CitizenClaims:
    subject: str
    citizen_id: str
    full_name: str
    email: str
    email_verified: bool
    phone: str


def citizen_id_claim_name() -> str:
    return str(getattr(settings, "OIDC_CITIZEN_ID_CLAIM", "") or "citizen_id")


def merged_claims(extra_data: dict[str, Any]) -> dict[str, Any]:
    """allauth stores ``{"id_token": {...}, "userinfo": {...}}``; userinfo wins on conflicts."""
    if "id_token" in extra_data or "userinfo" in extra_data:
        claims: dict[str, Any] = {}
        claims.update(extra_data.get("id_token") or {})
        claims.update(extra_data.get("userinfo") or {})
        return claims
    return dict(extra_data)


def _normalise_phone(value: object) -> str:
    if not isinstance(value, str):
        return ""
    phone = value.replace(" ", "").replace(".", "").replace("-", "")
    if phone.startswith("84") and not phone.startswith("+"):
        phone = "+" + phone
    try:
        validate_phone(phone)
    except ValidationError:
        return ""
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    return phone


def map_claims(claims: dict[str, Any]) -> CitizenClaims:
    """Map OIDC claims to citizen fields; raise ``ClaimsError`` when they cannot be used."""
    raw_id = claims.get(citizen_id_claim_name())
    citizen_id = str(raw_id).strip() if raw_id is not None else ""
    if not citizen_id:
        raise ClaimsError(
            "Nhà cung cấp định danh không gửi số định danh cá nhân (CCCD), không thể đăng nhập."
        )
    try:
        validate_citizen_id(citizen_id)
    except ValidationError as err:
        raise ClaimsError(
            "Số định danh cá nhân do nhà cung cấp định danh gửi không hợp lệ: "
            + " ".join(err.messages)
        ) from err
    name = str(claims.get("name") or "").strip()
    if not name:
        parts = [str(claims.get("family_name") or ""), str(claims.get("given_name") or "")]
        name = " ".join(p.strip() for p in parts if p and p.strip())
    email = str(claims.get("email") or "").strip().lower()
    return CitizenClaims(
        subject=str(claims.get("sub") or ""),
        citizen_id=citizen_id,
        full_name=name[:150] or f"Công dân {citizen_id[-4:]}",
        email=email if "@" in email else "",
        email_verified=bool(claims.get("email_verified")),
        phone=_normalise_phone(claims.get("phone_number")),
    )
