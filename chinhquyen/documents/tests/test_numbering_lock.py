"""The register's counter row is locked for the shortest time: the number is taken by the last
write statements of the transaction (issue #11 item 6). Pinned: the statements a service runs
from the counter increment to the commit."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chinhquyen.documents.history import incoming_search_text
from chinhquyen.documents.models import IncomingDocument, RegisterCounter

from .helpers import register

COUNTER_TABLE = RegisterCounter._meta.db_table


def _after_lock(queries: list[dict[str, str]]) -> list[str]:
    sql = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    first = next(i for i, s in enumerate(sql) if COUNTER_TABLE in s and "UPDATE" in s)
    return sql[first:]


def test_incoming_register_takes_the_number_in_its_last_statements(world):
    register(world)  # the register and its counter exist from now on
    with CaptureQueriesContext(connection) as captured:
        document = register(world, summary="Văn bản thứ hai về kế hoạch tập huấn")
    held = _after_lock(captured.captured_queries)
    # the counter increment (on PostgreSQL the same statement stores the number and its search
    # text), the audit entry of the number, the history row and the statistics' fact event
    # written with it (stats.facts); then the commit
    expected = 4 if connection.vendor == "postgresql" else 5
    assert len(held) == expected, "\n".join(held)
    document.refresh_from_db()
    assert document.incoming_number == 2
    assert document.search_text.startswith("02 ")
    stored = IncomingDocument.objects.get(pk=document.pk)
    assert stored.register_id == document.register_id
    assert stored.search_text == incoming_search_text(stored)
    entry = LogEntry.objects.get_for_object(stored).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["incoming_number"] == ["None", "2"]
    assert entry.actor == world.clerk
