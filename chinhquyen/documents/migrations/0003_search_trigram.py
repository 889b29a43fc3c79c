"""PostgreSQL only: trigram GIN indexes make ``search_text LIKE '%word%'`` fast (SQLite skips)."""

from django.db import migrations

TABLES = ("documents_incomingdocument", "documents_outgoingdocument")


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_search_trgm "
            f"ON {table} USING gin (search_text gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_seed_document_types")]

    operations = [
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=True)
    ]
