"""Search ignores accents and case (number, notation, summary, extracted text); what each
role sees of incoming and outgoing documents, secret ones included."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.documents import selectors, services
from chinhquyen.documents.models import Secrecy
from chinhquyen.documents.services import RecipientInput

from .helpers import assigned, draft, issued, register, sample_pdf

pytestmark = pytest.mark.django_db


def ids(qs) -> set[int]:
    return set(qs.values_list("pk", flat=True))


@pytest.mark.parametrize(
    "query",
    [
        "tập huấn",
        "tap huan",
        "TẬP HUẤN",
        "Tap Huan ho tich",
        "07/sxd",
        "07/SXD-QLXD",
        "sxd-qlxd",
    ],
)
def test_search_ignores_accents_and_case(world, query):
    hit = register(world)
    register(world, summary="Về việc kiểm tra công tác chứng thực", number_notation="12/UBND-VX")
    assert ids(selectors.incoming_list(world.clerk, q=query)) == {hit.pk}


def test_search_finds_the_incoming_number_and_the_pdf_text(world):
    first = register(world)
    second = register(
        world,
        summary="Báo cáo",
        number_notation="45/BC-UBND",
        uploads=[SimpleUploadedFile("a.pdf", sample_pdf("Đề án phát triển đô thị thông minh"))],
    )
    assert ids(selectors.incoming_list(world.clerk, q="1")) >= {first.pk}
    assert ids(selectors.incoming_list(world.clerk, q="2")) >= {second.pk}
    assert ids(selectors.incoming_list(world.clerk, q="45/bc")) == {second.pk}
    assert ids(selectors.incoming_list(world.clerk, q="do thi thong minh")) == {second.pk}
    assert ids(selectors.incoming_list(world.clerk, q="đô thị THÔNG minh")) == {second.pk}


def test_outgoing_search(world):
    document = issued(world, summary="Về việc phê duyệt kế hoạch cải cách hành chính")
    draft(world, summary="Về việc khác")
    assert ids(selectors.outgoing_list(world.leader, q="cai cach hanh chinh")) == {document.pk}
    assert ids(selectors.outgoing_list(world.leader, q="01/qđ-stp")) == {document.pk}


# --- incoming visibility -------------------------------------------------------------------


def test_who_sees_a_normal_incoming_document(world):
    document = assigned(world)
    services.task_create(actor=world.head, document=document, assignee=world.specialist)
    expected = {
        "clerk": True,
        "leader": True,
        "province_leader": True,  # a leader's scope covers the units below
        "head": True,  # lead unit
        "head_support": True,  # coordinating unit
        "specialist": True,  # has a task
        "specialist_support": False,
        "clerk_other": False,
        "leader_other": False,
        "head_other": False,
        "specialist_other": False,
        "province_clerk": False,  # clerks work for their own organisation only
        "it_admin": False,
    }
    seen = {who: document.pk in ids(selectors.incoming_for(u)) for who, u in world.users.items()}
    assert seen == expected


def test_secret_incoming_documents_are_visible_only_to_those_named(world):
    document = register(world, secrecy=Secrecy.SECRET)
    seen = {who for who, u in world.users.items() if document.pk in ids(selectors.incoming_for(u))}
    assert seen == {"clerk"}  # only the registering clerk so far
    services.incoming_submit(actor=world.clerk, document=document, leader=world.leader)
    services.incoming_assign(actor=world.leader, document=document, lead_unit=world.admin_unit)
    seen = {who for who, u in world.users.items() if document.pk in ids(selectors.incoming_for(u))}
    assert seen == {"clerk", "leader", "head"}
    services.task_create(actor=world.head, document=document, assignee=world.specialist)
    seen = {who for who, u in world.users.items() if document.pk in ids(selectors.incoming_for(u))}
    assert seen == {"clerk", "leader", "head", "specialist"}
    # a search cannot reveal it either
    assert ids(selectors.incoming_list(world.province_leader, q="tap huan")) == set()


def test_another_clerk_of_the_same_organisation_does_not_see_a_registered_secret(world):
    from chinhquyen.accounts.models import Role
    from chinhquyen.orgs.tests.users import official

    second_clerk = official(world.office, Role.CLERK)
    secret = register(world, secrecy=Secrecy.CONFIDENTIAL)
    normal = register(world)
    assert ids(selectors.incoming_for(second_clerk)) == {normal.pk}
    assert secret.pk in ids(selectors.incoming_for(world.clerk))


# --- outgoing visibility -----------------------------------------------------------------


def test_who_sees_outgoing_documents_by_status(world):
    mine = draft(world)
    in_review = draft(world)
    services.outgoing_submit(
        actor=world.specialist, document=in_review, reviewers=[world.head, world.leader]
    )
    sent = issued(world, is_electronic=False, recipients=[RecipientInput(name="Bộ Tư pháp")])
    expectations = {
        "specialist": {mine.pk, in_review.pk, sent.pk},
        "head": {mine.pk, in_review.pk, sent.pk},  # drafted in his unit
        "leader": {in_review.pk, sent.pk},  # reviewer; drafts of others are private
        "clerk": {sent.pk},  # from approval on
        "head_support": set(),
        "specialist_support": set(),
        "clerk_other": set(),
        "leader_other": set(),
        "province_leader": {in_review.pk, sent.pk},
        "it_admin": set(),
    }
    for who, expected in expectations.items():
        assert ids(selectors.outgoing_for(world.users[who])) == expected, who


def test_secret_outgoing_documents(world):
    secret = draft(world, secrecy=Secrecy.SECRET)
    services.outgoing_submit(actor=world.specialist, document=secret, reviewers=[world.leader])
    seen = {who for who, u in world.users.items() if secret.pk in ids(selectors.outgoing_for(u))}
    assert seen == {"specialist", "leader"}
    services.outgoing_review(actor=world.leader, document=secret, approve=True)
    seen = {who for who, u in world.users.items() if secret.pk in ids(selectors.outgoing_for(u))}
    assert seen == {"specialist", "leader", "clerk"}  # the clerk must number it
    services.outgoing_issue(actor=world.clerk, document=secret)
    seen = {who for who, u in world.users.items() if secret.pk in ids(selectors.outgoing_for(u))}
    assert seen == {"specialist", "leader", "clerk"}
