"""Dossier codes ``<agency code>-<YYMMDD>-<NNNN>``: the daily counter of the receiving agency.

The code is taken last in an intake transaction (``services._assign_code``), so the counter row
of a busy desk is locked only for the final statements and the commit, not while files are
stored and rows written. Until then the new dossier carries a unique placeholder
(``pending_code``), never visible outside the transaction.

``next_number`` is one statement on every database: ``INSERT ... ON CONFLICT DO UPDATE ...
RETURNING`` creates the day's counter or increments it, taking its row lock (held until the
transaction ends: a rollback gives the number back, so codes neither repeat nor skip). The
UNIQUE constraint on the dossier code is the backstop.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import connection

from chinhquyen.orgs.models import Organisation

from .models import DossierCounter

PENDING_PREFIX = "~"


def pending_code() -> str:
    """A unique stand-in for the code until ``next_code`` gives the real one."""
    return f"{PENDING_PREFIX}{uuid.uuid4().hex}"


def next_number(organisation: Organisation, day: dt.date) -> int:
    """The next number of ``organisation``'s sequence of ``day`` (inside the transaction)."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that stores the code")
    quote = connection.ops.quote_name
    table = quote(DossierCounter._meta.db_table)
    sql = (
        f"INSERT INTO {table} (organisation_id, day, last_number) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT (organisation_id, day) DO UPDATE SET last_number = {table}.last_number + 1 "
        "RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [organisation.pk, day])
        (number,) = cursor.fetchone()
    return int(number)


def next_code(organisation: Organisation, day: dt.date) -> str:
    number = next_number(organisation, day)
    return f"{organisation.agency_code}-{day:%y%m%d}-{number:04d}"
