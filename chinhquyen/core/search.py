"""Word search over a normalised ``search_text`` column, with the same results on every database.

A query is cut into words: the runs of ``[a-z0-9]`` of its normalised form
(``core.text.normalize_search``: no diacritics, lowercase). A row matches when **every** word is
a **whole word** of its search text: "thuc" matches "chứng thực" but not "thuctap", "ke" matches
"kế hoạch" but not "kết luận", "an" does not match "toàn". Relevance: rows holding the words as
one phrase ("chung thuc") come before rows that only hold them apart ("chứng nhận ... thực
phẩm"); see ``phrase_filter``.

- PostgreSQL: ``search_text__words`` is a full-text match on the same tokens,
  ``to_tsvector('simple', regexp_replace(search_text, '[^a-z0-9]+', ' ', 'g'))`` — the
  ``simple`` configuration keeps every token as it is (no stemming, no stop words), and after
  the ``regexp_replace`` every token is exactly a run of ``[a-z0-9]``. A GIN index on that
  expression (``index_sql``) serves it, 1- and 2-letter words included (the trigram index cannot
  serve a word shorter than 3 letters).
- SQLite (and any other database): one ``REGEXP`` per word with word boundaries.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import CharField, Lookup, Q, TextField

from .text import normalize_search

MAX_QUERY_WORDS = 8
_WORD = re.compile(r"[a-z0-9]+")
TSVECTOR_SQL = "to_tsvector('simple'::regconfig, regexp_replace({column}, '[^a-z0-9]+', ' ', 'g'))"


def search_words(q: str | None) -> list[str]:
    """The words of a query (at most ``MAX_QUERY_WORDS``), in their search form."""
    return _WORD.findall(normalize_search(q))[:MAX_QUERY_WORDS]


def index_sql(*, table: str, name: str, column: str = "search_text") -> str:
    """``CREATE INDEX`` of the GIN index serving ``<column>__words`` on PostgreSQL."""
    expression = TSVECTOR_SQL.format(column=column)
    return f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}))"


class Words(Lookup):
    """``search_text__words=["chung", "thuc"]``: every word is a whole word of the column."""

    lookup_name = "words"
    prepare_rhs = False
    can_use_none_as_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [value]

    def _words(self) -> list[str]:
        words = [w for w in self.rhs if isinstance(w, str) and _WORD.fullmatch(w)]
        if len(words) != len(self.rhs) or not words:
            raise ValueError("search words must be non-empty runs of [a-z0-9]")
        return words

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        parts, params = [], []
        for word in self._words():
            parts.append(f"{lhs} REGEXP %s")
            params.extend([*lhs_params, rf"(?<![a-z0-9]){word}(?![a-z0-9])"])
        return "(" + " AND ".join(parts) + ")", params

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # the words are [a-z0-9]+: a valid tsquery of terms joined by AND
        query = " & ".join(self._words())
        sql = TSVECTOR_SQL.format(column=lhs) + " @@ to_tsquery('simple'::regconfig, %s)"
        return sql, [*lhs_params, query]


CharField.register_lookup(Words)
TextField.register_lookup(Words)


def words_filter(q: str | None, field: str = "search_text") -> Q:
    """Every word of ``q`` is a whole word of ``field`` (``Q()`` for an empty query)."""
    words = search_words(q)
    return Q(**{f"{field}__words": words}) if words else Q()


def phrase_filter(q: str | None, field: str = "search_text") -> Q | None:
    """The words of ``q`` one after the other (the relevance rank of a query of several words);
    None for a query of one word or none."""
    words = search_words(q)
    if len(words) < 2:
        return None
    return Q(**{f"{field}__contains": " ".join(words)})


COUNT_CAP = 1000


class RankedResults:
    """The rows of ``qs`` (already in the list's own order), those matching ``phrase`` first,
    fetched one slice at a time; what Django's ``Paginator`` and DRF's
    ``LimitOffsetPagination`` page through.

    The count is bounded: at most ``cap + 1`` rows are counted (``more`` is then True and a
    page says "more than 1,000"), so a common word never makes the database count every match.
    Each relevance group is read in the list's order with a LIMIT, so PostgreSQL can walk the
    ordering index and stop at the page instead of sorting every match.
    """

    def __init__(self, qs: Any, *, phrase: Q | None = None, cap: int | None = None) -> None:
        self.qs = qs
        self.phrase = phrase
        self.cap = COUNT_CAP if cap is None else cap
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.qs.order_by()[: self.cap + 1].count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    @property
    def more(self) -> bool:
        """More rows than the count shows (``count() == cap + 1``)."""
        return self.count() > self.cap

    def __getitem__(self, key: slice) -> list[Any]:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("RankedResults supports slices only")
        start = key.start or 0
        stop = key.stop if key.stop is not None else start + self.cap
        if stop <= start:
            return []
        if self.phrase is None:
            return list(self.qs[start:stop])
        first = list(self.qs.filter(self.phrase)[start:stop])
        if len(first) == stop - start:
            return first
        if first or start == 0:
            in_first = start + len(first)
        else:  # the page starts past the phrase matches: how many are there?
            in_first = self.qs.filter(self.phrase).order_by()[:start].count()
        rest = self.qs.exclude(self.phrase)[start - in_first + len(first) : stop - in_first]
        return first + list(rest)
