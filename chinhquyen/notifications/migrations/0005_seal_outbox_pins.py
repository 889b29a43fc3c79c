"""Seal the lookup PINs that outbox rows made before the sealing still hold in clear (#9.6).

Rows queued since the fix keep the PIN sealed in ``context["_sealed"]`` (core.sealing, a key
derived from SECRET_KEY, outside the database) and a placeholder in the stored text, opened only
when sending (notifications.services._outgoing). Older rows get the same shape here: their clear
``context["pin"]`` is sealed and emptied, and the PIN in the subject and bodies is replaced by the
placeholder, so a row still waiting is sent with its PIN and nothing shows it at rest.

Only a PIN standing as a number of its own is replaced (not one inside the dossier code, e.g. the
date part of ``...-260302-0001``): the stored text keeps its other numbers.
"""

import re

from django.db import migrations

from chinhquyen.core.sealing import seal

# Same names as notifications.services (kept here: a migration must not follow later changes).
SECRET_KEYS = ("pin",)
SEALED_KEY = "_sealed"
BATCH = 500


def _placeholder(name: str) -> str:
    return f"[[bi-mat:{name}]]"


def _hide(text: str, value: str, name: str) -> str:
    if not text or not value:
        return text
    pattern = re.compile(rf"(?<![\w./-]){re.escape(value)}(?![\w/-])")
    return pattern.sub(_placeholder(name), text)


def seal_row(row) -> bool:
    """Seal the clear secrets of one outbox row in place; True when something changed."""
    context = dict(row.context) if isinstance(row.context, dict) else {}
    sealed = dict(context.get(SEALED_KEY) or {})
    changed = False
    for name in SECRET_KEYS:
        value = str(context.get(name) or "").strip()
        if not value:
            continue
        sealed[name] = seal(value)
        context[name] = ""
        for field in ("subject", "body", "body_html"):
            setattr(row, field, _hide(getattr(row, field) or "", value, name))
        changed = True
    if changed:
        context[SEALED_KEY] = sealed
        row.context = context
    return changed


def seal_pins(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    rows = Notification.objects.filter(context__has_key="pin").order_by("pk")
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        if seal_row(row):
            batch.append(row)
        if len(batch) >= BATCH:
            Notification.objects.bulk_update(batch, ["context", "subject", "body", "body_html"])
            batch = []
    if batch:
        Notification.objects.bulk_update(batch, ["context", "subject", "body", "body_html"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_lookup_locked_template")]

    # not reversible into clear text on purpose; going back leaves the rows sealed
    operations = [migrations.RunPython(seal_pins, migrations.RunPython.noop)]
