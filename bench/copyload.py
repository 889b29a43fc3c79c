"""Fast loading with PostgreSQL ``COPY ... FROM STDIN`` (psycopg 3 ``cursor.copy``).

Rows are written in COPY text format by ``Copier``: values are formatted here (no per-value
adaptation round trip) and sent in large chunks. Before a bulk load, ``drop_secondary`` removes
the secondary indexes, the unique and the foreign-key constraints of the target tables (their
definitions are kept in ``bench_dropped``) and ``restore_secondary`` recreates them afterwards:
building an index once is much faster than maintaining it row by row, and re-adding the
constraints validates the loaded data (a duplicate code or a dangling id fails the load).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import psycopg

Person = tuple[int, str]  # (user id, display name) as the generated rows carry it


def columns(model_label: str, *, with_id: bool = False) -> list[str]:
    """The concrete columns of a model in declaration order (``id`` only with ``with_id``):
    the column list of its COPY."""
    from django.apps import apps

    model = apps.get_model(model_label)
    return [f.column for f in model._meta.concrete_fields if with_id or f.column != "id"]


def people(users: list[Any]) -> list[Person]:
    return [(u.pk, str(u)) for u in users]


_SPECIAL = re.compile(r"[\\\t\n\r]")
NULL = "\\N"


def text(value: str) -> str:
    """``value`` escaped for COPY text format (backslash, tab, newline, carriage return)."""
    if _SPECIAL.search(value) is None:
        return value
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def cell(value: Any) -> str:
    """One value in COPY text format."""
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return text(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in a COPY row")
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return f"{value.total_seconds()} seconds"
    if isinstance(value, dict | list):
        return text(json.dumps(value, ensure_ascii=False))
    if isinstance(value, float):
        return repr(value)
    raise TypeError(f"cannot COPY {type(value).__name__}")


class Copier:
    """Buffers rows of one table and sends them with COPY, one ``COPY`` statement per chunk of
    ``chunk_bytes`` (a connection runs one COPY at a time, so several copiers can share it).
    Use it as a context manager: leaving the block sends the rest."""

    def __init__(
        self,
        conn: psycopg.Connection,
        table: str,
        columns: Sequence[str],
        *,
        chunk_bytes: int = 4 << 20,
    ) -> None:
        self.conn = conn
        self.table = table
        self.columns = list(columns)
        self.chunk_bytes = chunk_bytes
        self.rows = 0
        self._buffer: list[str] = []
        self._size = 0
        cols = ", ".join(f'"{c}"' for c in self.columns)
        self._sql = f'COPY "{self.table}" ({cols}) FROM STDIN'

    def __enter__(self) -> Copier:
        return self

    def row(self, values: Sequence[Any]) -> None:
        """Add a row of Python values (formatted with ``cell``)."""
        self.raw("\t".join([cell(v) for v in values]))

    def raw(self, line: str) -> None:
        """Add a row already in COPY text format (no trailing newline)."""
        self._buffer.append(line)
        self._size += len(line) + 1
        self.rows += 1
        if self._size >= self.chunk_bytes:
            self.flush()

    def flush(self) -> None:
        if not self._buffer:
            return
        data = "\n".join(self._buffer) + "\n"
        self._buffer = []
        self._size = 0
        with self.conn.cursor() as cursor, cursor.copy(self._sql) as copy:
            copy.write(data)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.flush()


# --------------------------------------------------------------------------------------------
# Secondary indexes and constraints
# --------------------------------------------------------------------------------------------

_DROPPED_TABLE = """
CREATE TABLE IF NOT EXISTS bench_dropped (
    id serial PRIMARY KEY, tbl text NOT NULL, kind text NOT NULL, name text NOT NULL,
    definition text NOT NULL
)
"""


def drop_secondary(conn: psycopg.Connection, tables: Iterable[str]) -> int:
    """Drop the foreign keys, unique constraints and secondary indexes of ``tables`` (primary
    keys and check constraints stay), remembering their definitions. Returns how many."""
    names = list(tables)
    count = 0
    with conn.cursor() as cur:
        cur.execute(_DROPPED_TABLE)
        # foreign keys first (anything referencing these tables' unique indexes goes too)
        cur.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
            FROM pg_constraint c
            WHERE c.contype IN ('f', 'u')
              AND (c.conrelid::regclass::text = ANY(%s)
                   OR (c.contype = 'f' AND c.confrelid::regclass::text = ANY(%s)))
            ORDER BY c.contype = 'u', c.conname
            """,
            [names, names],
        )
        constraints = cur.fetchall()
        # keep foreign keys from other tables pointing at these tables only when the referenced
        # index survives (primary keys survive; unique constraints do not)
        for table, name, definition, _kind in constraints:
            cur.execute(
                "INSERT INTO bench_dropped (tbl, kind, name, definition) VALUES (%s, %s, %s, %s)",
                [table, "constraint", name, definition],
            )
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT IF EXISTS "{name}"')
            count += 1
        cur.execute(
            """
            SELECT i.tablename, i.indexname, i.indexdef
            FROM pg_indexes i
            WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c
                WHERE c.conname = i.indexname AND c.contype = 'p'
              )
            ORDER BY i.indexname
            """,
            [names],
        )
        for table, name, definition in cur.fetchall():
            cur.execute(
                "INSERT INTO bench_dropped (tbl, kind, name, definition) VALUES (%s, %s, %s, %s)",
                [table, "index", name, definition],
            )
            cur.execute(f'DROP INDEX IF EXISTS "{name}"')
            count += 1
    conn.commit()
    return count


def restore_secondary(conn: psycopg.Connection, *, log: Any = print) -> float:
    """Recreate what ``drop_secondary`` dropped: indexes, then unique constraints, then foreign
    keys. Returns the seconds it took."""
    start = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute(_DROPPED_TABLE)
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("SELECT id, tbl, kind, name, definition FROM bench_dropped ORDER BY id")
        rows = cur.fetchall()
    conn.commit()
    indexes = [r for r in rows if r[2] == "index"]
    constraints = [r for r in rows if r[2] == "constraint"]
    uniques = [r for r in constraints if r[4].startswith("UNIQUE")]
    foreign = [r for r in constraints if not r[4].startswith("UNIQUE")]
    for ident, table, _kind, name, definition in [*indexes, *uniques, *foreign]:
        began = time.perf_counter()
        with conn.cursor() as cur:
            if _kind == "index":
                cur.execute(definition)
            else:
                cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            cur.execute("DELETE FROM bench_dropped WHERE id = %s", [ident])
        conn.commit()
        took = time.perf_counter() - began
        if took > 5:
            log(f"    {name}: {took:.0f} s")
    return time.perf_counter() - start


def set_sequences(conn: psycopg.Connection, tables: Iterable[str]) -> None:
    """Move each table's id sequence past the largest id (rows were loaded with explicit ids)."""
    with conn.cursor() as cur:
        for table in tables:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
            )
    conn.commit()
