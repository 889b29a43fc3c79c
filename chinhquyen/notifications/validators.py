"""Recipient validation: e-mail addresses and Vietnamese mobile numbers.

Mobile numbers are accepted as ``0xxxxxxxxx``, ``+84xxxxxxxxx`` or ``84xxxxxxxxx`` (spaces,
dots, dashes and brackets ignored) and stored as ``84xxxxxxxxx``, the form SMS gateways expect.
Since the 2018 renumbering every mobile number has nine digits after the country code, the
first being 3, 5, 7, 8 or 9; other numbers (landlines ``02x``) cannot receive SMS.
Forms that collect a phone number for notifications can call ``normalize_phone`` to reject a bad
number before the dossier is saved.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .models import RECIPIENT_MAX_LENGTH, Channel

_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE = re.compile(r"^84[35789]\d{8}\Z")

PHONE_INVALID_MESSAGE = (
    "Số điện thoại di động không hợp lệ: cần 10 chữ số dạng 0xxxxxxxxx (hoặc +84xxxxxxxxx)."
)
EMAIL_INVALID_MESSAGE = "Địa chỉ thư điện tử không hợp lệ."


def normalize_phone(value: str) -> str:
    """``value`` as ``84xxxxxxxxx``; raises ``ValidationError`` (Vietnamese) when invalid."""
    digits = _SEPARATORS.sub("", value or "")
    if digits.startswith("+84"):
        digits = digits[1:]
    elif digits.startswith("0"):
        digits = "84" + digits[1:]
    if not _MOBILE.match(digits):
        raise ValidationError(PHONE_INVALID_MESSAGE, code="invalid_phone")
    return digits


def normalize_email(value: str) -> str:
    address = (value or "").strip()
    if len(address) > RECIPIENT_MAX_LENGTH:
        raise ValidationError(EMAIL_INVALID_MESSAGE, code="invalid_email")
    try:
        validate_email(address)
    except ValidationError as exc:
        raise ValidationError(EMAIL_INVALID_MESSAGE, code="invalid_email") from exc
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalize_recipient(channel: str, value: str) -> str:
    if channel == Channel.EMAIL:
        return normalize_email(value)
    if channel == Channel.SMS:
        return normalize_phone(value)
    raise ValidationError("Kênh thông báo không hợp lệ.", code="invalid_channel")
