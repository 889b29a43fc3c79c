"""Numbers and notations (Nghị định 30/2020): sequences per register, leading zeros, a new
year starting at 01, separate sequences, numbers given only at issue/registration, and no
duplicate or gap — also when transactions roll back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from chinhquyen.core.calendar import VN_TZ
from chinhquyen.documents import numbering, services
from chinhquyen.documents.models import (
    IncomingDocument,
    OutgoingStatus,
    RegisterCounter,
    Secrecy,
    SequenceKind,
)

from .helpers import approved, doc_type, draft, register

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=VN_TZ)


def test_format_number_has_a_leading_zero_below_ten():
    assert [numbering.format_number(n) for n in (1, 9, 10, 15, 123)] == [
        "01",
        "09",
        "10",
        "15",
        "123",
    ]


def test_notation_is_type_then_issuer(world):
    notation = numbering.build_notation(document_type=doc_type("Quyết định"), issuer=world.province)
    assert notation == "QĐ-UBND"
    assert numbering.number_notation(15, notation) == "15/QĐ-UBND"
    assert numbering.number_notation(5, notation) == "05/QĐ-UBND"


def test_cong_van_notation_is_issuer_then_drafting_unit(world):
    notation = numbering.build_notation(
        document_type=doc_type("Công văn"), issuer=world.justice, drafting_unit=world.admin_unit
    )
    assert notation == "STP-HCTP"
    # drafted by the organisation itself (no unit abbreviation): the issuer alone
    assert (
        numbering.build_notation(
            document_type=doc_type("Công văn"), issuer=world.justice, drafting_unit=world.justice
        )
        == "STP"
    )


def test_issuing_organisation_is_the_nearest_with_a_profile(world):
    assert numbering.issuing_organisation(world.office) == world.justice
    assert numbering.issuing_organisation(world.justice) == world.justice
    assert numbering.issuing_organisation(world.construction_unit) == world.construction


def test_sequence_kinds():
    assert numbering.sequence_for(secrecy=Secrecy.NORMAL) == SequenceKind.REGULAR
    assert (
        numbering.sequence_for(secrecy=Secrecy.NORMAL, is_legal_normative=True)
        == SequenceKind.LEGAL_NORMATIVE
    )
    assert (
        numbering.sequence_for(secrecy=Secrecy.CONFIDENTIAL, is_legal_normative=True)
        == SequenceKind.SECRET
    )


def test_incoming_numbers_run_from_01_and_restart_each_year(world):
    numbers = [register(world, at=at(2025, 12, 30 + i)).incoming_number for i in range(2)]
    assert numbers == [1, 2]
    first_2026 = register(world, at=at(2026, 1, 1, 8))
    second_2026 = register(world, at=at(2026, 1, 1, 10))
    assert (first_2026.incoming_number, second_2026.incoming_number) == (1, 2)
    assert first_2026.register.year == 2026
    assert first_2026.incoming_number_display == "01"
    assert (
        first_2026.register
        != IncomingDocument.objects.get(incoming_number=1, register__year=2025).register
    )


def test_year_follows_vietnam_time_not_utc(world):
    # 31/12/2025 23:30 UTC is already 1 January 2026 in Hà Nội
    late = register(world, at=dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC))
    assert late.register.year == 2026


def test_secret_documents_have_their_own_incoming_sequence(world):
    a = register(world)
    secret = register(world, secrecy=Secrecy.SECRET)
    b = register(world)
    assert (a.incoming_number, b.incoming_number) == (1, 2)
    assert secret.incoming_number == 1
    assert secret.register.sequence == SequenceKind.SECRET
    assert a.register.sequence == SequenceKind.REGULAR


def test_each_organisation_has_its_own_register(world):
    mine = register(world)
    theirs = register(world, actor=world.clerk_other, organisation=world.construction)
    assert mine.incoming_number == theirs.incoming_number == 1
    assert mine.register != theirs.register


def test_outgoing_number_is_given_only_at_issue(world):
    document = approved(world)
    assert document.status == OutgoingStatus.APPROVED
    assert document.number is None and document.notation == ""
    issued = services.outgoing_issue(actor=world.clerk, document=document, at=at(2026, 3, 5))
    assert issued.number == 1
    assert issued.number_notation == "01/QĐ-STP"
    assert issued.issued_on == dt.date(2026, 3, 5)


def test_outgoing_sequences_regular_legal_normative_and_secret(world):
    def issue(**kwargs):
        return services.outgoing_issue(actor=world.clerk, document=approved(world, **kwargs))

    regular = [issue() for _ in range(2)]
    normative = issue(is_legal_normative=True)
    secret = issue(secrecy=Secrecy.CONFIDENTIAL)
    letter = issue(document_type=doc_type("Công văn"))
    assert [d.number for d in regular] == [1, 2]
    assert normative.number == 1 and normative.register.sequence == SequenceKind.LEGAL_NORMATIVE
    assert secret.number == 1 and secret.register.sequence == SequenceKind.SECRET
    # công văn share the regular sequence of the organisation
    assert letter.number == 3 and letter.number_notation == "03/STP-HCTP"


def test_type_flag_sets_the_legal_normative_default(world):
    kind = doc_type("Nghị quyết")
    kind.is_legal_normative = True
    kind.save()
    document = draft(world, document_type=kind)
    assert document.is_legal_normative is True
    overridden = draft(world, document_type=kind, is_legal_normative=False)
    assert overridden.is_legal_normative is False


def test_a_rolled_back_transaction_gives_its_number_back(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        register(world)
        raise RuntimeError("lỗi sau khi lấy số")
    assert register(world).incoming_number == 1
    assert RegisterCounter.objects.get().last_number == 1


def test_a_failed_registration_does_not_consume_a_number(world):
    with pytest.raises(Exception):  # noqa: B017 - any validation error
        register(world, summary="")
    assert register(world).incoming_number == 1


def test_unique_constraint_is_the_backstop(world):
    document = register(world)
    twin = IncomingDocument(
        organisation=world.justice,
        register=document.register,
        incoming_number=document.incoming_number,
        sender_name="X",
        summary="Y",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
