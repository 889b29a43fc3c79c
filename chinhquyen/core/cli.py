"""Command-line helpers: commands that need no database (``verify_pdf``, ``demo_totp``,
``sign_pdf --key``) ask whether one is there before touching it, and any command that meets a
missing or unmigrated database says so in one Vietnamese line (``manage.py``)."""

from __future__ import annotations

from pathlib import Path

#: The set-up step that creates the database and its tables (README: ``make migrate``).
SETUP_STEP = "hãy chạy «make migrate» (hoặc «python manage.py migrate»)"
NO_DATABASE = f"Chưa có cơ sở dữ liệu hoặc chưa tạo bảng: {SETUP_STEP}."


def database_ready(*tables: str) -> bool:
    """True when the default database opens and has ``tables`` (it was migrated). Never
    creates anything: a missing SQLite file stays missing."""
    from django.db import DatabaseError, connection

    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        in_memory = name == ":memory:" or name.startswith("file:") or "mode=memory" in name
        if not in_memory and not Path(name).is_file():
            return False
    try:
        existing = set(connection.introspection.table_names())
    except DatabaseError:
        return False
    return all(table in existing for table in tables)


def database_problem(error: BaseException) -> str:
    """The one line ``manage.py`` prints for a database error met by a command."""
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"Lỗi: {NO_DATABASE} ({detail})"
