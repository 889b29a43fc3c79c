"""Search by whole words and newest-first lists on 1M documents.

- PostgreSQL only: a GIN index on the words of ``search_text`` (``core.search``: the
  ``simple`` full-text tokens of its ``[a-z0-9]`` runs), which serves ``search_text__words``,
  short words included (the trigram index cannot serve a word under 3 letters).
- Every database: (received_at, id) and (created_at, id) indexes, the lists' order, which
  PostgreSQL walks backwards for a common word and stops at the page.
"""

from django.db import migrations, models

from chinhquyen.core.search import index_sql

TABLES = ("documents_incomingdocument", "documents_outgoingdocument")


def create_word_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(index_sql(table=table, name=f"{table}_search_words"))


def drop_word_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_words")


class Migration(migrations.Migration):
    dependencies = [("documents", "0004_notification_templates")]

    operations = [
        migrations.RunPython(create_word_indexes, drop_word_indexes, elidable=True),
        migrations.AddIndex(
            model_name="incomingdocument",
            index=models.Index(fields=["-received_at", "-id"], name="documents_in_recv_id"),
        ),
        migrations.AddIndex(
            model_name="outgoingdocument",
            index=models.Index(fields=["-created_at", "-id"], name="documents_out_created_id"),
        ),
    ]
