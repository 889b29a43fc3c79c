"""Agency electronic code (mã định danh điện tử) per QCVN 102:2016 and QĐ 20/2020/QĐ-TTg.

Structure (DOMAIN.md §1): at most 35 characters of ``0-9 A-Z .``; four dot-separated levels
written level-4.level-3.level-2.level-1, the level-1 code on the right. Level 1 is a letter and
two characters (``H56``: a province, ``G01``: a ministry or central body); a level-1 body itself
is ``000.00.00.H56``. In practice levels 2 and 3 are two digits and level 4 three digits
(``000.17.22.H56``), but provinces have issued wider codes, so levels 2-4 accept 2-8 digits or
upper-case letters.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

MAX_LENGTH = 35
_ALLOWED = re.compile(r"^[0-9A-Z.]+$")
_LEVEL_1 = re.compile(r"^[A-Z][0-9A-Z]{2}$")
_LOWER_LEVEL = re.compile(r"^[0-9A-Z]{2,8}$")
AGENCY_CODE_RE = re.compile(r"^[0-9A-Z]{2,8}\.[0-9A-Z]{2,8}\.[0-9A-Z]{2,8}\.[A-Z][0-9A-Z]{2}$")

_EXAMPLE = "ví dụ 000.00.01.H56"


def _invalid(reason: str) -> ValidationError:
    return ValidationError(
        f"Mã định danh không hợp lệ: {reason} ({_EXAMPLE}).", code="invalid_agency_code"
    )


def validate_agency_code(value: str) -> None:
    """Raise ``ValidationError`` (Vietnamese message) when ``value`` is not a QCVN 102 code.

    An empty value is allowed (the code is optional until the agency is issued one).
    """
    if not value:
        return
    if len(value) > MAX_LENGTH:
        raise _invalid(f"tối đa {MAX_LENGTH} ký tự")
    if not _ALLOWED.match(value):
        raise _invalid("chỉ được dùng chữ số, chữ in hoa A–Z (không dấu) và dấu chấm")
    levels = value.split(".")
    if len(levels) != 4:
        raise _invalid("cần đúng 4 cấp phân cách bằng dấu chấm")
    if not _LEVEL_1.match(levels[3]):
        raise _invalid("mã cấp 1 (bên phải) gồm một chữ cái và hai ký tự, như H56 hoặc G01")
    if not all(_LOWER_LEVEL.match(level) for level in levels[:3]):
        raise _invalid("mã cấp 2, 3, 4 gồm từ 2 đến 8 chữ số hoặc chữ in hoa")


def normalize_agency_code(value: str | None) -> str:
    """Trim whitespace; codes are case-sensitive upper case, so lower case stays invalid."""
    return (value or "").strip()
