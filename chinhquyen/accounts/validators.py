"""Structural validation of Vietnamese identifiers (DOMAIN.md §8)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_CCCD = re.compile(r"^\d{12}$")
_TAX = re.compile(r"^\d{10}(-?\d{3})?$")
_PHONE = re.compile(r"^(\+84|0)\d{9,10}$")


def validate_citizen_id(value: str) -> None:
    """CCCD: 12 digits; 1-3 province of birth registration 001-096; digit 4 century+gender."""
    if not value:
        return
    if not _CCCD.match(value):
        raise ValidationError("Số CCCD phải gồm đúng 12 chữ số.", code="invalid_cccd")
    province = int(value[:3])
    if not 1 <= province <= 96:
        raise ValidationError(
            "Số CCCD không hợp lệ: ba chữ số đầu (mã tỉnh nơi đăng ký khai sinh) phải từ 001 "
            "đến 096.",
            code="invalid_cccd_province",
        )
    # digit 4 encodes century and gender: 0/1 = 1900s, 2/3 = 2000s, 4/5 = 2100s, ...
    # digits 5-6 are the last two digits of the birth year; any value is structurally valid.


def validate_tax_code(value: str) -> None:
    if not value:
        return
    if not _TAX.match(value):
        raise ValidationError(
            "Mã số thuế phải gồm 10 chữ số, hoặc 13 chữ số với mã chi nhánh (0100109106-001).",
            code="invalid_tax_code",
        )


def validate_phone(value: str) -> None:
    if not value:
        return
    digits = value.replace(" ", "").replace(".", "")
    if not _PHONE.match(digits):
        raise ValidationError(
            "Số điện thoại không hợp lệ (ví dụ 0912345678 hoặc +84912345678).",
            code="invalid_phone",
        )
