"""Security finding #9, point 6: outbox rows queued before the sealing held the lookup PIN in
clear; the data migration 0005 seals them the way new rows are sealed."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from chinhquyen.notifications.models import Notification
from chinhquyen.notifications.services import _outgoing

pytestmark = pytest.mark.django_db

MIGRATION = import_module("chinhquyen.notifications.migrations.0005_seal_outbox_pins")

PIN = "260302"  # also the date part of the dossier code: that one must stay
CODE = f"000.17.22.H56-{PIN}-0001"
BODY = f"Ho so {CODE} da duoc tiep nhan. Tra cuu tai https://dvc.example.vn voi ma PIN {PIN}."


def _clear_row(**extra: object) -> Notification:
    """An outbox row as the code before the sealing wrote it: the PIN in clear."""
    fields: dict[str, object] = {
        "channel": "sms",
        "recipient": "84912345678",
        "template_key": "dossier.received",
        "context": {"code": CODE, "pin": PIN},
        "subject": "",
        "body": BODY,
    }
    fields.update(extra)
    return Notification.objects.create(**fields)


def test_old_rows_are_sealed_and_still_sent_with_their_pin() -> None:
    old = _clear_row()
    email = _clear_row(
        channel="email",
        recipient="an@example.vn",
        subject=f"Hồ sơ {CODE} (PIN {PIN})",
        body_html=f"<p>mã PIN <b>{PIN}</b></p>",
    )
    without = _clear_row(context={"code": CODE, "pin": ""}, body=f"Ho so {CODE}.")
    MIGRATION.seal_pins(apps, None)

    for row in (old, email):
        row.refresh_from_db()
        stored = row.subject + row.body + row.body_html + str(row.context)
        assert f"PIN {PIN}" not in stored and f"<b>{PIN}</b>" not in stored
        assert row.context["pin"] == "" and "pin" in row.context["_sealed"]
        assert CODE in row.body  # the dossier code keeps its digits
    # the message sent opens the seal: the applicant still gets the PIN
    assert _outgoing(old).body == BODY
    assert _outgoing(email).subject == f"Hồ sơ {CODE} (PIN {PIN})"
    assert _outgoing(email).body_html == f"<p>mã PIN <b>{PIN}</b></p>"
    without.refresh_from_db()
    assert "_sealed" not in without.context and without.body == f"Ho so {CODE}."
    # running it again changes nothing
    sealed = old.context["_sealed"]["pin"]
    MIGRATION.seal_pins(apps, None)
    old.refresh_from_db()
    assert old.context["_sealed"]["pin"] == sealed


@pytest.mark.django_db(transaction=True)
def test_the_migration_runs_on_the_historical_model() -> None:
    executor = MigrationExecutor(connection)
    before = [("notifications", "0004_lookup_locked_template")]
    after = [("notifications", "0005_seal_outbox_pins")]
    executor.migrate(before)
    try:
        executor.loader.build_graph()
        old_apps = executor.loader.project_state(before).apps
        row = old_apps.get_model("notifications", "Notification").objects.create(
            channel="sms",
            recipient="84912345678",
            template_key="dossier.received",
            context={"pin": PIN},
            body=BODY,
        )
        executor.migrate(after)
        stored = Notification.objects.get(pk=row.pk)
        assert f"PIN {PIN}" not in stored.body and stored.context["pin"] == ""
        assert _outgoing(stored).body == BODY
    finally:
        # back to the whole schema: later tests of this process need the later migrations
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
