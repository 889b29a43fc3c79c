"""Seal the lookup PINs that sessions saved before the sealing still hold in clear (#9.6).

The dossier pages keep a new PIN in the session until it is shown once (NEW_PIN_SESSION_KEY,
RECEIPT_PIN_SESSION_KEY in dossiers.views); sessions live in the database, so since the fix the
value is sealed (core.sealing). Sessions saved before hold it in clear until they are shown or
the session expires and is cleared: this seals those values in place, so the pages still show
them once. Sessions that cannot be decoded (another SECRET_KEY) are left alone; Django treats
them as empty anyway.
"""

from django.contrib.sessions.backends.db import SessionStore
from django.db import migrations

from chinhquyen.core.sealing import seal, unseal

# Same names as dossiers.views (kept here: a migration must not follow later changes).
PIN_KEYS = ("dossiers_new_pins", "dossiers_receipt_pins")


def seal_data(data: dict) -> bool:
    """Seal the clear PINs of one decoded session in place; True when something changed."""
    changed = False
    for key in PIN_KEYS:
        pins = data.get(key)
        if not isinstance(pins, dict):
            continue
        for dossier, value in list(pins.items()):
            if value and unseal(str(value)) is None:
                pins[dossier] = seal(str(value))
                changed = True
    return changed


def seal_session_pins(apps, schema_editor):
    Session = apps.get_model("sessions", "Session")
    store = SessionStore()
    for row in Session.objects.order_by("pk").iterator(chunk_size=500):
        data = store.decode(row.session_data)
        if data and seal_data(data):
            row.session_data = store.encode(data)
            row.save(update_fields=["session_data"])


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0008_applicant_drafts"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(seal_session_pins, migrations.RunPython.noop)]
