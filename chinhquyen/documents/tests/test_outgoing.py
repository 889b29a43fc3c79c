"""Outgoing documents: drafting (upload checked by content, or text), the approval chain,
numbering at issue, signing (personal, then the organisation's seal at dispatch), recipients,
revocation — and the whole transition matrix walked through the services."""

from __future__ import annotations

import hashlib
import io
import itertools
import zipfile
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyen.core.api import DomainError
from chinhquyen.core.pdf import pdf_text
from chinhquyen.documents import files, outgoing, services, workflow
from chinhquyen.documents.models import (
    ApprovalStep,
    IncomingDocument,
    IncomingStatus,
    OutgoingDocument,
    OutgoingStatus,
    ReviewDecision,
)
from chinhquyen.documents.services import RecipientInput
from chinhquyen.documents.signing import verify
from chinhquyen.documents.workflow import OutgoingAction

from .conftest import World
from .helpers import PIN, approved, draft, issued, sample_pdf

pytestmark = pytest.mark.django_db
O = OutgoingStatus  # noqa: E741
A = OutgoingAction


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Override PartName="/word/document.xml" ContentType="appl'
            'ication/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


# --- drafting -----------------------------------------------------------------------------


def test_draft_written_as_text(world):
    document = draft(world)
    assert document.status == O.DRAFT
    assert document.organisation == world.justice  # the issuing organisation of the unit
    assert document.number is None
    assert "cu ong vu duc minh" in document.search_text


def test_draft_upload_docx_or_pdf_checked_by_content(world):
    docx = draft(world, body="", upload=upload(docx_bytes(), "du-thao.docx"))
    assert docx.file_type == "docx" and docx.file_name == "du-thao.docx"
    pdf = draft(world, body="", upload=upload(sample_pdf("Dự thảo kế hoạch"), "kh.bin"))
    assert pdf.file_type == "pdf" and pdf.file_name == "kh.pdf"
    assert "Dự thảo kế hoạch" in pdf.extracted_text
    with pytest.raises(DomainError, match="DOCX, PDF"):
        draft(world, upload=upload(b"\x89PNG\r\n\x1a\n" + b"0" * 64, "anh.docx"))


def test_only_officials_of_the_unit_draft(world):
    with pytest.raises(PermissionDenied):
        draft(world, actor=world.specialist_other)


def test_recipients_internal_and_external(world):
    document = draft(
        world,
        recipients=[
            RecipientInput(organisation=world.construction),
            RecipientInput(name="Bộ Tư pháp", agency_code="000.00.00.g12"),
        ],
    )
    rows = list(document.recipients.values_list("name", "agency_code", "organisation_id"))
    assert rows[0] == ("Sở Xây dựng", world.construction.agency_code, world.construction.pk)
    assert rows[1] == ("Bộ Tư pháp", "000.00.00.G12", None)
    with pytest.raises(DomainError, match="chính cơ quan"):
        draft(world, recipients=[RecipientInput(organisation=world.justice)])
    with pytest.raises(DomainError, match="Mã định danh"):
        draft(world, recipients=[RecipientInput(name="X", agency_code="abc")])


# --- approval chain -------------------------------------------------------------------------


def test_approval_chain_in_order(world):
    document = draft(world)
    services.outgoing_submit(
        actor=world.specialist, document=document, reviewers=[world.head, world.leader]
    )
    with pytest.raises(PermissionDenied):  # not his turn yet
        services.outgoing_review(actor=world.leader, document=document, approve=True)
    document = services.outgoing_review(actor=world.head, document=document, approve=True)
    assert document.status == O.IN_REVIEW
    document = services.outgoing_review(
        actor=world.leader, document=document, approve=True, comment="Đồng ý ban hành."
    )
    assert document.status == O.APPROVED
    assert document.signer == world.leader
    steps = list(ApprovalStep.objects.filter(document=document).values_list("order", "decision"))
    assert steps == [(1, ReviewDecision.APPROVED), (2, ReviewDecision.APPROVED)]


def test_rejection_returns_the_draft_and_a_new_round_starts(world):
    document = draft(world)
    services.outgoing_submit(
        actor=world.specialist, document=document, reviewers=[world.head, world.leader]
    )
    with pytest.raises(DomainError):  # a rejection needs a comment
        services.outgoing_review(actor=world.head, document=document, approve=False)
    document = services.outgoing_review(
        actor=world.head, document=document, approve=False, comment="Sửa lại căn cứ."
    )
    assert document.status == O.RETURNED
    services.outgoing_update(actor=world.specialist, document=document, summary="Trích yếu mới")
    document = services.outgoing_submit(
        actor=world.specialist, document=document, reviewers=[world.leader]
    )
    assert document.review_round == 2 and document.status == O.IN_REVIEW
    document = services.outgoing_review(actor=world.leader, document=document, approve=True)
    assert document.status == O.APPROVED


def test_reviewer_rules(world):
    document = draft(world)
    for chain, message in (
        ([], "chọn người duyệt"),
        ([world.head], "lãnh đạo cơ quan"),
        ([world.leader_other], "không phải lãnh đạo"),
        ([world.head_support, world.leader], "không phải lãnh đạo"),
        ([world.leader, world.leader], "một lần"),
    ):
        with pytest.raises(DomainError, match=message):
            services.outgoing_submit(actor=world.specialist, document=document, reviewers=chain)
    mine = draft(world, actor=world.head)
    with pytest.raises(DomainError, match="tự duyệt"):
        services.outgoing_submit(
            actor=world.head, document=mine, reviewers=[world.head, world.leader]
        )


def test_only_the_drafter_edits_and_only_before_review(world):
    document = draft(world)
    with pytest.raises(PermissionDenied):
        services.outgoing_update(actor=world.head, document=document, summary="x")
    services.outgoing_submit(actor=world.specialist, document=document, reviewers=[world.leader])
    with pytest.raises(PermissionDenied):
        services.outgoing_update(actor=world.specialist, document=document, summary="x")


# --- issue, sign, dispatch -------------------------------------------------------------------


def test_issue_renders_the_pdf_with_number_and_date(world):
    document = issued(world)
    assert document.status == O.ISSUED and document.issued_by == world.clerk
    text = pdf_text(files.read_field(document.pdf_file))
    assert "Số: 01/QĐ-STP" in text
    assert "QUYẾT ĐỊNH" in text and "Cử ông Vũ Đức Minh" in text
    with pytest.raises(PermissionDenied):
        services.outgoing_issue(actor=world.clerk_other, document=approved(world))


def test_docx_drafts_need_a_pdf_before_signing(world, credentials):
    document = issued(world, body="", upload=upload(docx_bytes(), "qd.docx"))
    assert not document.pdf_file
    with pytest.raises(DomainError) as err:
        services.outgoing_sign(actor=world.leader, pin=PIN, document=document)
    assert err.value.error_code == "pdf_required"
    services.outgoing_attach_pdf(
        actor=world.clerk, document=document, upload=upload(sample_pdf("Bản PDF"), "qd.pdf")
    )
    signed = services.outgoing_sign(actor=world.leader, pin=PIN, document=document)
    assert signed.status == O.SIGNED


def test_sign_and_dispatch_to_an_internal_recipient(world, credentials):
    document = issued(world, recipients=[RecipientInput(organisation=world.construction)])
    with pytest.raises(PermissionDenied):
        services.outgoing_sign(actor=world.head, pin=PIN, document=document)
    with pytest.raises(DomainError, match="ký số trước"):
        services.outgoing_dispatch(actor=world.clerk, document=document)
    document = services.outgoing_sign(actor=world.leader, pin=PIN, document=document)
    assert document.status == O.SIGNED and document.signed_at
    document = services.outgoing_dispatch(actor=world.clerk, document=document)
    assert document.status == O.SENT and document.sealed_at
    result = verify(files.read_field(document.pdf_file))
    assert result["valid"] is True, result
    assert len(result["signers"]) == 2  # the leader, then the organisation
    incoming = IncomingDocument.objects.get(organisation=world.construction)
    assert incoming.status == IncomingStatus.RECEIVED
    assert incoming.number_notation == "01/QĐ-STP"
    assert incoming.signature_check["valid"] is True
    sent_pdf = files.read_field(document.pdf_file)
    assert incoming.files.get().sha256 == hashlib.sha256(sent_pdf).hexdigest()


def test_paper_documents_are_dispatched_without_a_digital_signature(world):
    document = issued(world, is_electronic=False, recipients=[RecipientInput(name="Bộ Tư pháp")])
    with pytest.raises(DomainError, match="ký tay"):
        services.outgoing_sign(actor=world.leader, pin=PIN, document=document)
    document = services.outgoing_dispatch(actor=world.clerk, document=document)
    assert document.status == O.SENT and document.sealed_at is None


def test_dispatch_needs_recipients(world, credentials):
    document = services.outgoing_sign(actor=world.leader, pin=PIN, document=issued(world))
    with pytest.raises(DomainError, match="nơi nhận"):
        services.outgoing_dispatch(actor=world.clerk, document=document)


# --- the transition matrix --------------------------------------------------------------------


def _recipients(world: World) -> list[RecipientInput]:
    return [RecipientInput(organisation=world.construction)]


def build(world: World, status: str) -> OutgoingDocument:
    """An outgoing document in ``status``, reached through the services."""
    if status == O.DRAFT:
        return draft(world, recipients=_recipients(world))
    if status == O.CANCELLED:
        return services.outgoing_cancel(actor=world.specialist, document=build(world, O.DRAFT))
    if status == O.IN_REVIEW:
        return services.outgoing_submit(
            actor=world.specialist,
            document=build(world, O.DRAFT),
            reviewers=[world.head, world.leader],
        )
    if status == O.RETURNED:
        return services.outgoing_review(
            actor=world.head, document=build(world, O.IN_REVIEW), approve=False, comment="Sửa."
        )
    if status == O.APPROVED:
        return approved(world, recipients=_recipients(world))
    if status == O.ISSUED:
        return services.outgoing_issue(actor=world.clerk, document=build(world, O.APPROVED))
    if status == O.SIGNED:
        return services.outgoing_sign(actor=world.leader, pin=PIN, document=build(world, O.ISSUED))
    if status == O.SENT:
        return services.outgoing_dispatch(actor=world.clerk, document=build(world, O.SIGNED))
    if status == O.REVOKED:
        return services.outgoing_revoke(
            actor=world.clerk, document=build(world, O.SENT), reason="Ban hành nhầm."
        )
    raise AssertionError(status)


def perform(world: World, document: OutgoingDocument, action: str) -> OutgoingDocument:
    calls: dict[str, Callable[[], OutgoingDocument]] = {
        A.SUBMIT: lambda: services.outgoing_submit(
            actor=world.specialist, document=document, reviewers=[world.head, world.leader]
        ),
        A.FORWARD: lambda: services.outgoing_review(
            actor=world.head, document=document, approve=True
        ),
        A.APPROVE: lambda: services.outgoing_review(
            actor=world.leader, document=document, approve=True
        ),
        A.REJECT: lambda: services.outgoing_review(
            actor=world.head, document=document, approve=False, comment="Sửa."
        ),
        A.CANCEL: lambda: services.outgoing_cancel(actor=world.specialist, document=document),
        A.ISSUE: lambda: services.outgoing_issue(actor=world.clerk, document=document),
        A.SIGN: lambda: services.outgoing_sign(actor=world.leader, pin=PIN, document=document),
        A.DISPATCH: lambda: services.outgoing_dispatch(actor=world.clerk, document=document),
        A.REVOKE: lambda: services.outgoing_revoke(
            actor=world.clerk, document=document, reason="Thu hồi."
        ),
    }
    return calls[action]()


def prepare_allowed(world: World, status: str, action: str) -> OutgoingDocument:
    """A document where ``action`` can succeed from ``status`` (the right step pending, a
    paper document for a dispatch without signature)."""
    if (status, action) == (O.IN_REVIEW, A.APPROVE):
        return services.outgoing_review(
            actor=world.head, document=build(world, O.IN_REVIEW), approve=True
        )
    if (status, action) == (O.ISSUED, A.DISPATCH):
        document = approved(world, recipients=_recipients(world), is_electronic=False)
        return services.outgoing_issue(actor=world.clerk, document=document)
    return build(world, status)


def test_the_table_covers_every_status_and_action():
    pairs = set(itertools.product(O.values, A.values))
    assert set(workflow.OUTGOING) <= pairs
    for status, action in sorted(pairs):
        if (status, action) in workflow.OUTGOING:
            assert workflow.outgoing_target(status, action) == workflow.OUTGOING[(status, action)]
        else:
            with pytest.raises(DomainError) as err:
                workflow.outgoing_target(status, action)
            assert err.value.status_code == 409


def test_every_pair_through_the_services(world, credentials):
    """Allowed pairs end in the table's target; every other pair is refused with a 409 and
    changes nothing."""
    for status in O.values:
        document = build(world, status)
        assert document.status == status
        for action in A.values:
            if (status, action) in workflow.OUTGOING:
                continue
            with pytest.raises(DomainError) as err:
                perform(world, document, action)
            assert (status, action, err.value.status_code) == (status, action, 409)
            document.refresh_from_db()
            assert document.status == status
    for (status, action), target in workflow.OUTGOING.items():
        document = prepare_allowed(world, status, action)
        assert document.status == status
        result = perform(world, document, action)
        assert (status, action, result.status) == (status, action, target)


def test_the_number_survives_a_failed_pdf_rendering(world, monkeypatch):
    """Numbering and rendering are two transactions: the register lock is never held while
    WeasyPrint works, and a rendering failure leaves an issued document to complete later."""
    document = approved(world)

    def broken(_document):
        raise RuntimeError("máy in PDF hỏng")

    monkeypatch.setattr(outgoing, "render_outgoing_pdf", broken)
    with pytest.raises(RuntimeError):
        services.outgoing_issue(actor=world.clerk, document=document)
    document.refresh_from_db()
    assert (document.status, document.number, bool(document.pdf_file)) == (O.ISSUED, 1, False)
    monkeypatch.undo()
    document = services.outgoing_prepare_pdf(actor=world.clerk, document=document)
    assert "Số: 01/QĐ-STP" in pdf_text(files.read_field(document.pdf_file))
