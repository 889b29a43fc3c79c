"""Incoming documents: registration, submission, assignment, tasks, completion, returns,
the processing slip, signatures verified on arrival, history rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chinhquyen.core.api import DomainError
from chinhquyen.core.pdf import pdf_text
from chinhquyen.documents import exports, services
from chinhquyen.documents.models import (
    Assignment,
    AssignmentRole,
    DocumentEvent,
    IncomingStatus,
    Secrecy,
    TaskStatus,
    Urgency,
)

from .helpers import assigned, register, sample_pdf

pytestmark = pytest.mark.django_db


def upload(data: bytes, name: str = "van-ban.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_register_stores_the_register_entry(world):
    document = register(
        world,
        urgency=Urgency.URGENT,
        document_date=timezone.localdate(),
        pages=2,
        signer_name="Trần Văn Bình",
        deadline=timezone.localdate() + dt.timedelta(days=3),
    )
    assert document.status == IncomingStatus.REGISTERED
    assert document.incoming_number == 1
    assert document.registered_by == world.clerk
    assert document.organisation == world.justice
    assert document.urgency == Urgency.URGENT
    event = DocumentEvent.objects.get(incoming=document)
    assert (event.action, event.to_status, event.actor) == ("register", "registered", world.clerk)
    assert "Số đến 01" in event.note


def test_register_with_a_pdf_extracts_text_and_counts_pages(world):
    document = register(world, uploads=[upload(sample_pdf("Kế hoạch chuyển đổi số năm 2026"))])
    assert "chuyển đổi số" in document.extracted_text
    assert "chuyen doi so" in document.search_text
    assert document.pages == 1
    main = document.files.get()
    assert main.is_main and main.content_type == "application/pdf" and main.name == "van-ban.pdf"
    assert document.signature_check == {}  # paper scan: not verified


def test_electronic_documents_are_verified_on_arrival(world):
    document = register(world, is_electronic=True, uploads=[upload(sample_pdf())])
    check = document.signature_check
    assert check["valid"] is False
    assert check["reason"] == "Tệp không có chữ ký số."
    assert check["checked_at"]


def test_uploads_are_checked_by_content(world):
    with pytest.raises(DomainError) as err:
        register(world, uploads=[upload(b"MZ\x90\x00 not a pdf", "van-ban.pdf")])
    assert "kiểm tra theo nội dung" in str(err.value.detail)
    with pytest.raises(DomainError):
        register(world, uploads=[upload(b"%PDF-1.4 broken", "x.pdf")])


def test_only_clerks_of_the_organisation_register(world):
    for who in ("leader", "head", "specialist", "clerk_other", "it_admin"):
        with pytest.raises(PermissionDenied):
            register(world, actor=world.users[who])


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("summary", "   ", "required"),
        ("sender_name", "", "sender_required"),
        ("urgency", "rat_khan", "invalid_choice"),
        ("secrecy", "bi_mat", "invalid_choice"),
    ],
)
def test_bad_input_gives_a_vietnamese_error(world, field, value, code):
    with pytest.raises(DomainError) as err:
        register(world, **{field: value})
    assert err.value.error_code == code


def test_dates_are_checked(world):
    today = timezone.localdate()
    with pytest.raises(DomainError, match="Ngày văn bản"):
        register(world, document_date=today + dt.timedelta(days=2))
    with pytest.raises(DomainError, match="Hạn xử lý"):
        register(world, deadline=today - dt.timedelta(days=1))


def test_submit_assign_task_and_complete(world):
    document = register(world)
    document = services.incoming_submit(actor=world.clerk, document=document, leader=world.leader)
    assert (document.status, document.submitted_to) == (IncomingStatus.SUBMITTED, world.leader)

    deadline = timezone.localdate() + dt.timedelta(days=7)
    document = services.incoming_assign(
        actor=world.leader,
        document=document,
        lead_unit=world.admin_unit,
        coordinate_units=[world.support_unit],
        inform_units=[world.office],
        deadline=deadline,
        instructions="Giao Phòng HCTP chủ trì.",
    )
    assert document.status == IncomingStatus.ASSIGNED
    roles = dict(Assignment.objects.filter(document=document).values_list("unit_id", "role"))
    assert roles == {
        world.admin_unit.pk: AssignmentRole.LEAD,
        world.support_unit.pk: AssignmentRole.COORDINATE,
        world.office.pk: AssignmentRole.INFORM,
    }

    task = services.task_create(
        actor=world.head,
        document=document,
        assignee=world.specialist,
        due=deadline - dt.timedelta(days=2),
        instructions="Dự thảo văn bản trả lời.",
    )
    document.refresh_from_db()
    assert document.status == IncomingStatus.IN_PROGRESS
    assert task.unit == world.admin_unit
    other = services.task_create(
        actor=world.head_support, document=document, assignee=world.specialist_support
    )
    assert other.unit == world.support_unit

    services.task_start(actor=world.specialist, task=task)
    task = services.task_complete(actor=world.specialist, task=task, result="Đã dự thảo.")
    assert task.status == TaskStatus.DONE and task.completed_at is not None

    document = services.incoming_complete(actor=world.head, document=document, note="Đã trả lời.")
    assert document.status == IncomingStatus.COMPLETED
    other.refresh_from_db()
    assert other.status == TaskStatus.CANCELLED  # nothing left to remind about
    actions = list(document.events.values_list("action", flat=True))
    assert actions == ["register", "submit", "assign", "start", "task", "task_done", "complete"]


def test_leader_may_assign_without_a_submission_and_reassign(world):
    document = assigned(world)
    again = services.incoming_assign(
        actor=world.leader, document=document, lead_unit=world.support_unit
    )
    assert again.status == IncomingStatus.ASSIGNED
    active = Assignment.objects.filter(document=document, active=True)
    assert [(a.unit, a.role) for a in active] == [(world.support_unit, AssignmentRole.LEAD)]
    assert Assignment.objects.filter(document=document, active=False).count() == 2


def test_assignment_rules(world):
    document = register(world)
    with pytest.raises(PermissionDenied):
        services.incoming_assign(actor=world.head, document=document, lead_unit=world.admin_unit)
    with pytest.raises(PermissionDenied):
        services.incoming_assign(
            actor=world.leader_other, document=document, lead_unit=world.admin_unit
        )
    with pytest.raises(DomainError, match="không thuộc"):
        services.incoming_assign(
            actor=world.leader, document=document, lead_unit=world.construction_unit
        )
    with pytest.raises(DomainError, match="nhiều lần"):
        services.incoming_assign(
            actor=world.leader,
            document=document,
            lead_unit=world.admin_unit,
            coordinate_units=[world.admin_unit],
        )


def test_task_rules(world):
    document = assigned(world)
    # a specialist cannot pass work on; a unit head only to people of his unit
    with pytest.raises(PermissionDenied):
        services.task_create(actor=world.specialist, document=document, assignee=world.specialist)
    with pytest.raises(DomainError, match="không công tác"):
        services.task_create(actor=world.head, document=document, assignee=world.specialist_support)
    with pytest.raises(PermissionDenied):
        services.task_create(actor=world.head_other, document=document, assignee=world.specialist)
    task = services.task_create(actor=world.head, document=document, assignee=world.specialist)
    with pytest.raises(PermissionDenied):
        services.task_complete(actor=world.head, task=task)
    # not yet assigned: no task
    fresh = register(world)
    with pytest.raises(DomainError):
        services.task_create(actor=world.head, document=fresh, assignee=world.specialist)


def test_complete_rules(world):
    document = assigned(world)
    for who in ("specialist", "head_support", "clerk", "leader_other"):
        with pytest.raises(PermissionDenied):
            services.incoming_complete(actor=world.users[who], document=document)
    done = services.incoming_complete(actor=world.leader, document=document)
    assert done.status == IncomingStatus.COMPLETED
    with pytest.raises(DomainError) as err:
        services.incoming_complete(actor=world.leader, document=done)
    assert err.value.status_code == 409


def test_return_to_sender_needs_a_reason(world):
    document = register(world)
    with pytest.raises(DomainError):
        services.incoming_return(actor=world.clerk, document=document, reason=" ")
    returned = services.incoming_return(
        actor=world.clerk, document=document, reason="Gửi nhầm cơ quan."
    )
    assert returned.status == IncomingStatus.RETURNED
    assert returned.return_reason == "Gửi nhầm cơ quan."
    with pytest.raises(DomainError):
        services.incoming_assign(actor=world.leader, document=returned, lead_unit=world.admin_unit)


def test_submit_needs_a_leader_of_the_organisation(world):
    document = register(world)
    with pytest.raises(DomainError, match="lãnh đạo"):
        services.incoming_submit(actor=world.clerk, document=document, leader=world.leader_other)
    with pytest.raises(PermissionDenied):
        services.incoming_submit(actor=world.head, document=document, leader=world.leader)


def test_add_file_later_sets_the_main_pdf(world):
    document = register(world)
    services.incoming_add_file(
        actor=world.clerk, document=document, upload=upload(sample_pdf("Báo cáo quý I"), "bc.pdf")
    )
    document.refresh_from_db()
    assert "bao cao quy i" in document.search_text
    assert document.files.get().is_main


def test_processing_slip_pdf(world):
    document = assigned(world, secrecy=Secrecy.NORMAL)
    services.task_create(
        actor=world.head,
        document=document,
        assignee=world.specialist,
        instructions="Nghiên cứu, đề xuất.",
    )
    pdf = exports.processing_slip_pdf(document)
    text = pdf_text(pdf)
    assert "PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN" in text
    assert "Phòng HCTP chủ trì" in text
    assert "Nghiên cứu, đề xuất." in text
    assert "Phòng Bổ trợ tư pháp" in text


def test_the_incoming_table_covers_every_pair():
    import itertools

    from chinhquyen.documents import workflow
    from chinhquyen.documents.workflow import IncomingAction

    for status, action in itertools.product(IncomingStatus.values, IncomingAction.values):
        if (status, action) in workflow.INCOMING:
            assert workflow.incoming_target(status, action) == workflow.INCOMING[(status, action)]
        else:
            with pytest.raises(DomainError) as err:
                workflow.incoming_target(status, action)
            assert err.value.status_code == 409
    # closed documents accept nothing but a sender's revocation
    for closed in (IncomingStatus.RETURNED, IncomingStatus.WITHDRAWN):
        assert workflow.incoming_actions(closed) == []
    assert workflow.incoming_actions(IncomingStatus.COMPLETED) == [IncomingAction.WITHDRAW]
