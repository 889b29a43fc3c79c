"""Vietnamese collation: lists sort text the way Vietnamese readers expect ("Cấp" < "Chấm dứt"
< "Chuyển trường" < "Dừng" < "Đăng ký"), not by code point.

One collation name, ``COLLATION``, on both databases: on PostgreSQL a collation created by the
migration ``core.0004_vietnamese_collation`` from ICU's ``vi-x-icu``; on SQLite the same name
registered on every connection (``chinhquyen.core.sqlite``) with ``vietnamese_compare``, which
follows ICU's Vietnamese rules: letters in the Vietnamese alphabet order (a ă â b c d đ e ê …
o ô ơ … u ư …), tones as a secondary difference (none, huyền, hỏi, ngã, sắc, nặng), case last.
Lists order by a name or title through ``vi_sort`` only.
"""

from __future__ import annotations

import functools
import unicodedata

from django.db.models import F, OrderBy
from django.db.models.functions import Collate

COLLATION = "vietnamese"

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER = {letter: index for index, letter in enumerate(_ALPHABET)}
# grave (huyền), hook (hỏi), tilde (ngã), acute (sắc), dot below (nặng)
_TONE = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

Key = tuple[tuple[tuple[int, int], ...], tuple[int, ...], tuple[int, ...]]


@functools.lru_cache(maxsize=4096)
def vietnamese_key(text: str) -> Key:
    """A sort key: (letters, tones, case), each compared in turn like ICU's levels."""
    primary: list[tuple[int, int]] = []
    tones: list[int] = []
    case: list[int] = []
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        tone = next((_TONE[m] for m in decomposed if m in _TONE), 0)
        base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in _TONE))
        lower = base.lower()
        if lower in _LETTER:
            primary.append((3, _LETTER[lower]))
        elif lower.isdigit():
            primary.append((2, ord(lower)))
        elif lower.isalpha():
            primary.append((4, ord(lower)))
        elif lower.isspace():
            primary.append((0, 0))
        else:
            primary.append((1, ord(lower)))
        tones.append(tone)
        case.append(0 if base == lower else 1)
    return tuple(primary), tuple(tones), tuple(case)


def vietnamese_compare(a: str, b: str) -> int:
    """SQLite collation function (negative, zero or positive like ``strcmp``)."""
    ka, kb = vietnamese_key(a), vietnamese_key(b)
    return (ka > kb) - (ka < kb)


def vi_sort(field: str, *, descending: bool = False) -> OrderBy:
    """``order_by`` term sorting ``field`` by Vietnamese collation on either database."""
    expression = Collate(F(field), COLLATION)
    return expression.desc() if descending else expression.asc()
