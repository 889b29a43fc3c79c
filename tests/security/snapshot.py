"""What a request changed in the database: a digest of every table's content, or row counts.

Tables a read or a refused write may legitimately touch are left out: sessions (a sign-in, a
remembered lookup), the audit trail and security events (a refusal is logged), the security
alerts raised from those events and their notifications to IT administrators (forged
signatures or mass exports from one address), django-axes' access logs, and the "last used"
stamp of an API token / "last login" of a user.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.apps import apps
from django.db import connection

# Tables whose rows a request may add or change without changing the domain.
BOOKKEEPING_TABLES = frozenset(
    {
        "django_session",
        "auditlog_logentry",
        "audit_securityevent",
        "secops_forwarditem",  # the SIEM copy of each security event
        "secops_alert",  # raised by rules over security events
        "axes_accessattempt",
        "axes_accesslog",
        "axes_accessfailurelog",
        "axes_accessattemptexpiration",
    }
)
# Rows of a domain table that are bookkeeping: a security alert's e-mail/SMS to IT.
BOOKKEEPING_ROWS = {
    "notifications_notification": "dedupe_key IS NULL OR dedupe_key NOT LIKE 'secops.alert:%'",
}
# Columns that record use rather than content.
BOOKKEEPING_COLUMNS = {
    "accounts_apitoken": frozenset({"last_used_at"}),
    "accounts_user": frozenset({"last_login"}),
}


_TABLES: dict[str, list[str]] = {}


def domain_tables() -> list[str]:
    """Every table of an installed model (many-to-many tables included) except bookkeeping."""
    if connection.vendor not in _TABLES:
        _TABLES[connection.vendor] = _read_tables()
    return _TABLES[connection.vendor]


def _read_tables() -> list[str]:
    names: set[str] = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        names.add(model._meta.db_table)
    existing = set(connection.introspection.table_names())
    return sorted((names & existing) - BOOKKEEPING_TABLES)


_COLUMNS: dict[tuple[str, str], list[str]] = {}


def _columns(table: str) -> list[str]:
    key = (connection.vendor, table)
    if key not in _COLUMNS:
        _COLUMNS[key] = _read_columns(table)
    return _COLUMNS[key]


def _read_columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
    skip = BOOKKEEPING_COLUMNS.get(table, frozenset())
    return [c.name for c in description if c.name not in skip]


def _normalise(value: object) -> object:
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def table_digests(tables: Iterable[str] | None = None) -> dict[str, str]:
    """{table: sha256 of its rows (ordered by every column)} for ``tables`` (default: all)."""
    quote = connection.ops.quote_name
    out: dict[str, str] = {}
    for table in tables if tables is not None else domain_tables():
        columns = _columns(table)
        cols = ", ".join(quote(c) for c in columns)
        order = ", ".join(str(i + 1) for i in range(len(columns)))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {cols} FROM {quote(table)}{_where(table)} ORDER BY {order}")  # noqa: S608
            rows = cursor.fetchall()
        digest = hashlib.sha256()
        for row in rows:
            digest.update(repr(tuple(_normalise(v) for v in row)).encode())
        out[table] = f"{len(rows)}:{digest.hexdigest()}"
    return out


def row_counts() -> dict[str, int]:
    """Rows per domain table, in one query (cheap enough to take around every request)."""
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT '{table}', COUNT(*) FROM {quote(table)}{_where(table)}"  # noqa: S608 (ours)
        for table in domain_tables()
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {str(name): int(count) for name, count in cursor.fetchall()}


def _where(table: str) -> str:
    condition = BOOKKEEPING_ROWS.get(table)
    return f" WHERE ({condition})" if condition else ""


def changed(before: dict[str, object], after: dict[str, object]) -> list[str]:
    return sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))
