"""The Vietnamese collation on PostgreSQL (``chinhquyen.core.collation.COLLATION``), from ICU's
``vi-x-icu``. SQLite registers the same name on each connection (``chinhquyen.core.sqlite``)."""

from django.db import migrations

COLLATION = "vietnamese"  # chinhquyen.core.collation.COLLATION (frozen here)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'vi-x-icu'")
        source = "vi-x-icu" if cursor.fetchone() else None
        if source is None:
            raise RuntimeError(
                "PostgreSQL has no ICU collation vi-x-icu: build it with ICU (the default of "
                "PostgreSQL's official packages) to sort Vietnamese text."
            )
        cursor.execute(f'CREATE COLLATION IF NOT EXISTS {COLLATION} FROM "{source}"')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP COLLATION IF EXISTS {COLLATION}")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_document_template")]

    operations = [migrations.RunPython(create, drop)]
