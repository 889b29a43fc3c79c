"""Vietnamese text normalisation for accent- and case-insensitive search.

Users type without diacritics ("dang ky khai sinh"); we store a normalised copy of searchable
text and normalise the query the same way: NFC -> lowercase -> strip combining marks -> đ->d,
collapse whitespace. Pure Python, so it behaves identically on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize_search(text: str | None) -> str:
    """Return the search form of ``text``: lowercase ASCII-ish, no Vietnamese diacritics."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).lower()
    text = text.replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", unicodedata.normalize("NFC", stripped)).strip()
