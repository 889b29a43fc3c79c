"""Document numbers and notations (Nghị định 30/2020/NĐ-CP, Phụ lục I and Điều 15, 22).

* Numbers run from 01 on 1 January to 31 December of each register; numbers below 10 are
  written with a leading zero (``format_number``).
* Each organisation keeps separate sequences: regular documents, legal normative documents and
  secret documents (``sequence_for``), each its own ``Register`` per year and direction.
* ``next_number`` increments the register's counter row with one
  ``UPDATE ... SET last_number = last_number + 1 ... RETURNING last_number``: the UPDATE takes
  the same row lock as ``SELECT ... FOR UPDATE`` (held until the caller's transaction ends) in
  one round trip instead of two. It runs in the transaction that stores the number: a
  rollback gives the number back, so numbers never repeat and never skip. The UNIQUE
  constraints on (register, number) are the backstop. Services take the number as late as
  possible (after their other writes) so the lock is held only for the final statements and
  the commit.
* ``take_number`` is the write that holds the lock the shortest: on PostgreSQL one statement
  increments the counter *and* stores the number (with its register and the number's words of
  the search text) in the document's row, so only the history row and the commit follow it.
* Notation (``build_notation``): ``QĐ-UBND`` (type-issuer) for every type with an
  abbreviation; ``UBND-VX`` (issuer-drafting unit) for công văn.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Model

from chinhquyen.core.api import DomainError
from chinhquyen.orgs.models import Organisation, OrganisationKind

from .models import (
    DocumentType,
    IssuerProfile,
    Register,
    RegisterCounter,
    RegisterKind,
    Secrecy,
    SequenceKind,
    UnitAbbreviation,
)

# Kinds that are parts of an organisation rather than issuers of documents.
NON_ISSUING_KINDS = frozenset({OrganisationKind.UNIT.value, OrganisationKind.ONE_STOP_DESK.value})


def format_number(number: int) -> str:
    """``5`` -> ``"05"``, ``15`` -> ``"15"``."""
    return f"{number:02d}"


def issuing_organisation(unit: Organisation) -> Organisation:
    """The organisation that issues and registers documents for ``unit``.

    The nearest of ``unit`` and its ancestors that has an ``IssuerProfile``; without one, the
    nearest that is not a unit or a one-stop desk (a department, a People's Committee ...).
    """
    chain = [unit, *reversed(list(unit.ancestors()))]  # unit first, then up to the root
    with_profile = set(
        IssuerProfile.objects.filter(organisation__in=chain).values_list(
            "organisation_id", flat=True
        )
    )
    for org in chain:
        if org.pk in with_profile:
            return org
    for org in chain:
        if org.kind not in NON_ISSUING_KINDS:
            return org
    return chain[-1]


def issuer_abbreviation(organisation: Organisation) -> str:
    profile = IssuerProfile.objects.filter(organisation=organisation).first()
    if profile is not None and profile.abbreviation:
        return profile.abbreviation
    return organisation.short_name or "".join(w[0] for w in organisation.name.split()).upper()


def unit_abbreviation(unit: Organisation | None) -> str:
    if unit is None:
        return ""
    row = UnitAbbreviation.objects.filter(unit=unit).first()
    return row.abbreviation if row is not None else ""


def build_notation(
    *,
    document_type: DocumentType,
    issuer: Organisation,
    drafting_unit: Organisation | None = None,
) -> str:
    """``QĐ-UBND`` for a decision of UBND; ``UBND-VX`` for a công văn drafted by unit VX."""
    issuer_abbr = issuer_abbreviation(issuer)
    if document_type.abbreviation:
        return f"{document_type.abbreviation}-{issuer_abbr}"
    unit_abbr = unit_abbreviation(drafting_unit) if drafting_unit != issuer else ""
    return f"{issuer_abbr}-{unit_abbr}" if unit_abbr else issuer_abbr


def number_notation(number: int, notation: str) -> str:
    return f"{format_number(number)}/{notation}" if notation else format_number(number)


def sequence_for(*, secrecy: str, is_legal_normative: bool = False) -> str:
    """Secret documents have their own sequence, then legal normative ones, then the rest."""
    if secrecy != Secrecy.NORMAL:
        return SequenceKind.SECRET
    if is_legal_normative:
        return SequenceKind.LEGAL_NORMATIVE
    return SequenceKind.REGULAR


def register_for(
    *, organisation: Organisation, year: int, kind: str, sequence: str = SequenceKind.REGULAR
) -> Register:
    """The register of ``organisation`` for ``year`` (created with its counter on first use)."""
    if kind not in RegisterKind.values or sequence not in SequenceKind.values:
        raise DomainError("Loại sổ đăng ký văn bản không hợp lệ.", code="invalid_register")
    lookup = {"organisation": organisation, "year": year, "kind": kind, "sequence": sequence}
    register = Register.objects.filter(**lookup).first()
    if register is None:
        Register.objects.bulk_create([Register(**lookup)], ignore_conflicts=True)
        register = Register.objects.get(**lookup)
        RegisterCounter.objects.bulk_create(
            [RegisterCounter(register=register, last_number=0)], ignore_conflicts=True
        )
    return register


def _increment(register: Register) -> int | None:
    table = connection.ops.quote_name(RegisterCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_number = last_number + 1 "  # noqa: S608 - table name only
            "WHERE register_id = %s RETURNING last_number",
            [register.pk],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


def next_number(register: Register) -> int:
    """The next number of ``register``; call it inside the transaction that stores the number."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that stores the number")
    number = _increment(register)
    if number is None:  # a register created before its counter (kept for robustness)
        RegisterCounter.objects.bulk_create(
            [RegisterCounter(register=register, last_number=0)], ignore_conflicts=True
        )
        number = _increment(register)
    if number is None:
        raise DomainError("Không lấy được số văn bản, vui lòng thử lại.", code="numbering")
    return number


def take_number(
    register: Register, *, document: Model, field: str, prefix_search_text: bool = False
) -> int:
    """Take the next number of ``register`` and store it in ``document`` (already saved):
    ``register``, ``field`` and, with ``prefix_search_text``, the number in front of its
    ``search_text`` (``"NN "``, as ``history.incoming_search_text`` writes it).

    Call it last in the transaction: on PostgreSQL the counter increment and the row update are
    one statement (a data-modifying CTE), so the counter row is locked for that statement, what
    the caller writes after it and the commit. Elsewhere it is ``next_number`` plus an UPDATE.
    The in-memory ``document`` gets the same values.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("take_number must run inside the transaction that stores the number")
    model = type(document)
    meta = model._meta
    column = next(f.column for f in meta.concrete_fields if f.name == field)
    has_search = prefix_search_text
    number: int | None = None
    if connection.vendor == "postgresql":
        number = _increment_into(register, document, column, has_search=has_search)
    if number is None:
        number = next_number(register)
        updates: dict[str, object] = {"register": register, field: number}
        if has_search:
            updates["search_text"] = f"{format_number(number)} {document.search_text}".strip()  # type: ignore[attr-defined]
        model._default_manager.filter(pk=document.pk).update(**updates)
    document.register = register  # type: ignore[attr-defined]
    setattr(document, field, number)
    if has_search:
        document.search_text = f"{format_number(number)} {document.search_text}".strip()  # type: ignore[attr-defined]
    return number


def _increment_into(
    register: Register, document: Model, column: str, *, has_search: bool
) -> int | None:
    quote = connection.ops.quote_name
    counter = quote(RegisterCounter._meta.db_table)
    table = quote(type(document)._meta.db_table)
    search = (
        ", search_text = rtrim(lpad(n.last_number::text, greatest(2, length(n.last_number::text)),"
        " '0') || ' ' || d.search_text)"
        if has_search
        else ""
    )
    sql = (
        f"WITH n AS (UPDATE {counter} SET last_number = last_number + 1 "  # noqa: S608 - names
        "WHERE register_id = %s RETURNING last_number) "
        f"UPDATE {table} AS d SET register_id = %s, {quote(column)} = n.last_number{search} "
        "FROM n WHERE d.id = %s RETURNING n.last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [register.pk, register.pk, document.pk])
        row = cursor.fetchone()
    return int(row[0]) if row else None
