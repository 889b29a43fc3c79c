"""Intake, routing, workflow services, history and hooks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from chinhquyen.catalog.models import OnlineLevel
from chinhquyen.core.api import DomainError
from chinhquyen.dossiers import hooks, routing, selectors, services
from chinhquyen.dossiers.models import (
    AttachmentKind,
    Channel,
    Dossier,
    DossierAttachment,
    DossierEvent,
    DossierResult,
    DossierStatus,
    DossierStep,
    PaymentStatus,
    StepKind,
)
from chinhquyen.dossiers.pins import PIN_DIGITS, pin_digest, pin_matches

from . import scenarios as sc
from .factories import T0, World, pdf, receive, reload, submit

S = DossierStatus


# --------------------------------------------------------------------------------------------
# Intake
# --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_counter_intake_records_everything_the_receipt_needs(world: World) -> None:
    version = world.versions["province"]
    paper = version.papers.get(required=True)
    result = services.dossier_receive_at_counter(
        actor=world.users["desk_centre"],
        procedure=version.procedure.code,
        applicant_details={
            "name": "Phạm Thị Dung",
            "id_number": "037190001111",
            "address": "Phường A",
            "phone": "0912 345 678",
            "email": "dung@example.vn",
        },
        papers=[services.PaperCount(paper_id=paper.pk, original=1, photocopy=2)],
        set_count=2,
        at=T0,
    )
    d = reload(result.dossier)
    assert result.created and result.pin is not None and len(result.pin) == PIN_DIGITS
    assert result.pin.isdigit()
    assert d.lookup_pin_hash == pin_digest(d.code, result.pin)
    assert result.pin not in d.lookup_pin_hash
    assert d.channel == Channel.COUNTER
    assert d.applicant is None and d.applicant_name == "Phạm Thị Dung"
    assert d.applicant_phone == "0912 345 678"
    assert d.papers_received == [
        {
            "paper_id": paper.pk,
            "name": "Tờ khai",
            "original": 1,
            "certified_copy": 0,
            "photocopy": 2,
        }
    ]
    assert d.set_count == 2
    assert d.fee_total == 200000 and d.payment_status == PaymentStatus.UNPAID
    assert d.procedure_version == version and d.procedure_name == version.name
    assert d.status == S.RECEIVED
    assert d.current_unit == world.orgs["centre"]
    assert "pham thi dung" in d.search_text and d.code.lower() in d.search_text
    event = DossierEvent.objects.get(dossier=d)
    assert (event.action, event.from_status, event.to_status) == ("receive", "", S.RECEIVED)
    assert event.actor == world.users["desk_centre"]
    intake = DossierStep.objects.get(dossier=d)
    assert intake.kind == StepKind.INTAKE and intake.assignee == world.users["desk_centre"]


@pytest.mark.django_db
def test_counter_intake_needs_every_required_paper(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        services.dossier_receive_at_counter(
            actor=world.users["desk_centre"],
            procedure=world.versions["province"],
            applicant_details={"name": "Khách"},
            papers=[],
            at=T0,
        )
    assert "chưa đủ thành phần" in str(exc.value)
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_counter_intake_validates_the_applicant(world: World) -> None:
    version = world.versions["commune"]
    papers = [services.PaperCount(paper_id=p.pk, original=1) for p in version.papers.all()]
    with pytest.raises(ValidationError) as exc:
        services.dossier_receive_at_counter(
            actor=world.users["desk_commune"],
            procedure=version,
            applicant_details={"name": "", "phone": "12", "email": "x@"},
            papers=papers,
            at=T0,
        )
    errors = exc.value.message_dict
    assert set(errors) == {"applicant.name", "applicant.phone", "applicant.email"}


@pytest.mark.django_db
def test_linking_a_counter_dossier_to_an_account_needs_the_matching_id(world: World) -> None:
    version = world.versions["province"]
    papers = [services.PaperCount(paper_id=version.papers.get(required=True).pk, original=1)]
    for details in ({}, {"id_number": "001190000002"}, {"id_number": "037090001235"}):
        with pytest.raises(DomainError) as exc:
            services.dossier_receive_at_counter(
                actor=world.users["desk_centre"],
                procedure=version,
                applicant=world.users["citizen"],
                applicant_details=details,
                papers=papers,
                at=T0,
            )
        assert exc.value.error_code == "applicant_mismatch"
    d = services.dossier_receive_at_counter(
        actor=world.users["desk_centre"],
        procedure=version,
        applicant=world.users["citizen"],
        applicant_details={"id_number": "0370 9000 1234"},
        papers=papers,
        at=T0,
    ).dossier
    assert d.applicant == world.users["citizen"]
    assert d.applicant_id_number == "037090001234"
    assert not Dossier.objects.exclude(pk=d.pk).exists()


@pytest.mark.django_db
def test_only_desk_officers_receive_at_the_counter(world: World) -> None:
    for user in ("spec", "leader", "citizen"):
        with pytest.raises(DomainError) as exc:
            receive(world, desk=world.users[user])
        assert exc.value.status_code == 403
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_phi_dia_gioi_received_at_one_commune_decided_by_another(world: World) -> None:
    r = receive(
        world,
        version="commune",
        desk=world.users["desk_commune2"],
        competent=world.orgs["commune"],
    )
    d = r.dossier
    assert d.receiving_organisation == world.orgs["commune2"]
    assert d.competent_organisation == world.orgs["commune"]
    assert d.code.startswith(world.orgs["commune2"].agency_code)
    d = services.dossier_transfer(actor=world.users["desk_commune2"], dossier=d)
    # the specialist step goes to the competent commune's staffed unit, not the first by path
    assert d.current_unit == world.orgs["commune_culture"]
    d = services.dossier_assign(
        actor=world.users["commune_leader"], dossier=d, assignee=world.users["spec_commune"]
    )
    d = services.dossier_submit_for_approval(actor=world.users["spec_commune"], dossier=d)
    assert d.current_unit == world.orgs["commune"]
    d = services.dossier_approve(actor=world.users["commune_leader"], dossier=d)
    # the result is returned where it was received
    assert d.current_unit == world.orgs["commune2"]
    with pytest.raises(DomainError):
        services.dossier_return_result(actor=world.users["desk_commune"], dossier=d)
    d = services.dossier_return_result(actor=world.users["desk_commune2"], dossier=d)
    assert d.status == S.RETURNED


@pytest.mark.django_db
def test_commune_procedure_at_the_centre_needs_a_chosen_commune(world: World) -> None:
    with pytest.raises(DomainError) as exc:
        receive(world, version="commune", desk=world.users["desk_centre"])
    assert exc.value.error_code == "competent_organisation_required"
    with pytest.raises(DomainError) as exc:
        receive(
            world,
            version="commune",
            desk=world.users["desk_centre"],
            competent=world.orgs["dept"],
        )
    assert exc.value.error_code == "not_competent"


@pytest.mark.django_db
def test_online_submission(world: World, django_capture_on_commit_callbacks) -> None:
    captured: list[hooks.HookEvent] = []
    with (
        hooks.registered("received", captured.append),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = submit(world, version="commune", competent=world.orgs["commune"])
    d = reload(result.dossier)
    assert d.channel == Channel.ONLINE
    assert d.applicant == world.users["citizen"]
    assert d.applicant_name == "Nguyễn Văn An" and d.applicant_id_number == "037090001234"
    assert d.form_data == {"ho_ten": "Nguyễn Văn An", "so_luong": 1}
    assert d.receiving_organisation == world.orgs["commune"]
    assert d.payment_status == PaymentStatus.NOT_REQUIRED
    attachment = DossierAttachment.objects.get(dossier=d)
    assert attachment.kind == AttachmentKind.PAPER
    assert attachment.paper is not None and attachment.paper.required
    assert attachment.content_type == "application/pdf"
    # hooks run on commit with the plain PIN (the only time it exists)
    assert [e.name for e in captured] == ["received"]
    assert captured[0].payload["pin"] == result.pin
    assert captured[0].dossier_id == d.pk and captured[0].dossier_code == d.code


@pytest.mark.django_db
def test_online_submission_validates_the_form_and_papers(world: World) -> None:
    version = world.versions["province"]
    with pytest.raises(ValidationError) as exc:
        services.dossier_submit_online(
            actor=world.users["citizen"],
            procedure=version,
            form_data={"so_luong": 9},
            uploads=[],
            at=T0,
        )
    errors = exc.value.message_dict
    assert "form_data.ho_ten" in errors and "form_data.so_luong" in errors
    with pytest.raises(ValidationError) as exc:
        services.dossier_submit_online(
            actor=world.users["citizen"],
            procedure=version,
            form_data={"ho_ten": "Nguyễn Văn An"},
            uploads=[],
            at=T0,
        )
    assert exc.value.message_dict == {"papers": ["Chưa đính kèm: Tờ khai."]}
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_online_submission_rules(world: World) -> None:
    # officials do not submit online
    with pytest.raises(DomainError) as exc:
        submit(world, applicant=world.users["spec"])
    assert exc.value.status_code == 403
    # a procedure without an online service
    with pytest.raises(DomainError) as exc:
        submit(world, version="vertical")
    assert exc.value.error_code == "not_online"
    # commune procedures need the commune
    with pytest.raises(DomainError) as exc:
        submit(world, version="commune")
    assert exc.value.error_code == "competent_organisation_required"
    assert world.versions["vertical"].online_level == OnlineLevel.NONE


@pytest.mark.django_db
def test_idempotent_submission(world: World) -> None:
    first = submit(world, key="abc-123")
    again = submit(world, key="abc-123")
    assert first.created and not again.created
    assert again.dossier.pk == first.dossier.pk
    assert again.pin is None
    assert Dossier.objects.count() == 1
    assert DossierEvent.objects.filter(action="receive").count() == 1
    # the same key for a different request is a conflict
    with pytest.raises(DomainError) as exc:
        services.dossier_submit_online(
            actor=world.users["citizen"],
            procedure=world.versions["province"],
            form_data={"ho_ten": "Người khác"},
            uploads=[
                services.Upload(
                    file=pdf(), paper_id=world.versions["province"].papers.get(required=True).pk
                )
            ],
            idempotency_key="abc-123",
            at=T0,
        )
    assert exc.value.status_code == 409
    # another applicant may use the same key; another key makes a new dossier
    other = submit(world, key="abc-123", applicant=world.users["citizen2"])
    assert other.created and other.dossier.pk != first.dossier.pk
    assert submit(world, key="xyz").created
    assert Dossier.objects.count() == 3


@pytest.mark.django_db
def test_idempotency_key_format(world: World) -> None:
    with pytest.raises(DomainError) as exc:
        submit(world, key="khóa có dấu")
    assert exc.value.error_code == "invalid_idempotency_key"
    with pytest.raises(DomainError):
        submit(world, key="x" * 65)


# --------------------------------------------------------------------------------------------
# Workflow details
# --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_inter_agency_step_outside_the_directory(world: World) -> None:
    d = receive(world, version="vertical").dossier
    d = services.dossier_transfer(actor=world.users["desk_centre"], dossier=d)
    assert d.status == S.TRANSFERRED
    step = DossierStep.objects.get(dossier=d, finished_at__isnull=True)
    # the centre hands over to the police and tracks the hand-back
    assert step.kind == StepKind.EXTERNAL
    assert step.external_name == "Phòng CSGT Công an tỉnh"
    assert d.current_unit == world.orgs["centre"]
    assert d.competent_organisation == world.orgs["centre"]  # nothing in the directory
    assert "finish" in selectors.actions_for(world.users["desk_centre"], reload(d))
    d = services.dossier_finish(actor=world.users["desk_centre"], dossier=d, note="Đã nhận GPLX.")
    assert d.status == S.RESULT_READY
    d = services.dossier_return_result(actor=world.users["desk_centre"], dossier=d)
    assert d.status == S.RETURNED


@pytest.mark.django_db
def test_inter_agency_step_in_the_middle(world: World) -> None:
    d = receive(world, version="external").dossier
    d = services.dossier_transfer(actor=world.users["desk_centre"], dossier=d)
    d = services.dossier_assign(actor=world.users["head"], dossier=d, assignee=world.users["spec"])
    # specialist -> police (outside the directory): the unit keeps the dossier
    d = services.dossier_step_complete(actor=world.users["spec"], dossier=d)
    assert d.current_unit == world.orgs["dept_unit"]
    assert d.current_assignee is None
    step = DossierStep.objects.get(dossier=d, finished_at__isnull=True)
    assert step.kind == StepKind.EXTERNAL and step.external_name == "Công an tỉnh"
    assert step.due_at is not None
    # the unit records the hand-back by submitting to the leader
    d = services.dossier_submit_for_approval(actor=world.users["spec2"], dossier=d)
    assert d.status == S.AWAITING_APPROVAL and d.current_unit == world.orgs["dept"]


@pytest.mark.django_db
def test_a_process_whose_first_step_is_the_leaders(world: World) -> None:
    from chinhquyen.catalog.models import ProcedureLevel
    from chinhquyen.catalog.tests.factories import make_version

    from .factories import VALID_FROM, step

    o = world.orgs
    version = make_version(
        "Thủ tục lãnh đạo xử lý trực tiếp",
        level=ProcedureLevel.PROVINCE,
        processing_time=1,
        competent=[o["dept"]],
        all_communes=False,
        valid_from=VALID_FROM,
        steps=[
            step("Tiếp nhận", 1, "desk_officer", unit=o["centre"]),
            step("Lãnh đạo Sở xem xét, ký", 4, "leader", unit=o["dept"]),
            step("Trả kết quả", 1, "desk_officer", unit=o["centre"]),
        ],
    )
    world.versions["leader_only"] = version
    d = receive(world, version="leader_only").dossier
    d = services.dossier_transfer(actor=world.users["desk_centre"], dossier=d)
    assert d.status == S.TRANSFERRED and d.current_unit == o["dept"]
    assert "finish" in selectors.actions_for(world.users["leader"], reload(d))
    d = services.dossier_finish(actor=world.users["leader"], dossier=d)
    assert d.status == S.RESULT_READY


@pytest.mark.django_db
def test_step_complete_and_approval_preconditions(world: World) -> None:
    d = sc.processing(world)
    with pytest.raises(DomainError) as exc:
        services.dossier_submit_for_approval(actor=world.users["spec"], dossier=d)
    assert exc.value.error_code == "precondition_failed"
    assert "không phải bước phê duyệt" in str(exc.value.detail)
    with pytest.raises(DomainError) as exc:
        services.dossier_finish(actor=world.users["spec"], dossier=d)
    assert "còn bước xử lý tiếp theo" in str(exc.value.detail)
    d = services.dossier_step_complete(actor=world.users["spec"], dossier=d)
    with pytest.raises(DomainError) as exc:
        services.dossier_step_complete(actor=world.users["head"], dossier=d)
    assert "Trình phê duyệt" in str(exc.value.detail)


@pytest.mark.django_db
def test_assignment_rules(world: World) -> None:
    d = sc.transferred(world)
    # a specialist may not assign; an official of another unit may not be assigned
    with pytest.raises(DomainError) as exc:
        services.dossier_assign(actor=world.users["spec"], dossier=d, assignee=world.users["spec"])
    assert exc.value.status_code == 403
    with pytest.raises(DomainError) as exc:
        services.dossier_assign(
            actor=world.users["head"], dossier=d, assignee=world.users["spec_other"]
        )
    assert exc.value.error_code == "invalid_assignee"
    with pytest.raises(DomainError):
        services.dossier_assign(
            actor=world.users["head"], dossier=d, assignee=world.users["citizen"]
        )
    d = services.dossier_assign(actor=world.users["head"], dossier=d, assignee=world.users["spec"])
    # once assigned, the other specialists of the unit no longer act on it
    with pytest.raises(DomainError) as exc:
        services.dossier_step_complete(actor=world.users["spec2"], dossier=d)
    assert exc.value.status_code == 403
    d = services.dossier_step_complete(actor=world.users["spec"], dossier=d)
    assert d.status == S.PROCESSING


@pytest.mark.django_db
def test_transfer_to_a_chosen_unit_stays_inside_the_competent_organisation(world: World) -> None:
    d = sc.received(world)
    with pytest.raises(DomainError) as exc:
        services.dossier_transfer(
            actor=world.users["desk_centre"], dossier=d, unit=world.orgs["dept2_unit"]
        )
    assert exc.value.error_code == "invalid_unit"
    d = services.dossier_transfer(
        actor=world.users["desk_centre"], dossier=d, unit=world.orgs["dept_unit2"]
    )
    assert d.current_unit == world.orgs["dept_unit2"]


@pytest.mark.django_db
def test_send_back_returns_to_the_previous_step_and_its_assignee(world: World) -> None:
    d = sc.multi_first_approval(world)
    d = services.dossier_send_back(
        actor=world.users["leader"], dossier=d, reason="Thiếu căn cứ pháp lý."
    )
    assert d.status == S.PROCESSING
    assert d.current_unit == world.orgs["dept_unit"]
    assert d.current_assignee == world.users["spec"]
    assert d.current_step is not None and d.current_step.name == "Chuyên viên thẩm định"
    event = DossierEvent.objects.filter(dossier=d).latest("id")
    assert event.reason == "Thiếu căn cứ pháp lý."
    with pytest.raises(ValidationError):
        services.dossier_send_back(actor=world.users["leader"], dossier=d, reason="  ")


@pytest.mark.django_db
def test_results_are_numbered_and_cancelled_results_stay(world: World) -> None:
    d = sc.awaiting_approval(world)
    first = services.dossier_attach_result(
        actor=world.users["leader"], dossier=d, name="Phiếu LLTP số 1", file=pdf("kq.pdf")
    )
    second = services.dossier_attach_result(actor=world.users["leader"], dossier=d)
    assert first.code == f"{d.code}-KQ1"
    assert second.code == f"{d.code}-KQ2"
    assert second.name == "Kết quả giải quyết hồ sơ" and not second.file
    assert first.sha256 and first.content_type == "application/pdf" and first.size > 0
    services.dossier_cancel_result(
        actor=world.users["leader"], dossier=d, result=first, reason="Sai họ tên."
    )
    first.refresh_from_db()
    assert first.is_cancelled and first.file
    assert DossierResult.objects.filter(dossier=d).count() == 2
    with pytest.raises(DomainError) as exc:
        services.dossier_cancel_result(
            actor=world.users["leader"], dossier=d, result=first, reason="Lần nữa"
        )
    assert exc.value.error_code == "already_cancelled"
    third = services.dossier_attach_result(actor=world.users["leader"], dossier=d)
    assert third.code.endswith("-KQ3")  # numbers are never reused


@pytest.mark.django_db
def test_rating_only_by_the_applicant_once_after_return(world: World) -> None:
    d = sc.returned(world)
    with pytest.raises(DomainError) as exc:
        services.dossier_rate(actor=world.users["citizen2"], dossier=d, score=1)
    assert exc.value.status_code == 403
    with pytest.raises(ValidationError):
        services.dossier_rate(actor=world.users["citizen"], dossier=d, score=5)
    rating = services.dossier_rate(actor=world.users["citizen"], dossier=d, score=2, comment="Ổn")
    assert rating.get_score_display() == "Hài lòng"
    with pytest.raises(DomainError) as exc:
        services.dossier_rate(actor=world.users["citizen"], dossier=d, score=3)
    assert "đã được đánh giá" in str(exc.value.detail)


@pytest.mark.django_db
def test_stop_while_paused_closes_the_pause(world: World) -> None:
    d = receive(world, when=T0).dossier
    services.dossier_request_supplement(
        actor=world.users["desk_centre"], dossier=d, reason="Thiếu giấy tờ.", at=T0
    )
    with pytest.raises(DomainError) as exc:  # never before the previous action
        services.dossier_withdraw(
            actor=world.users["citizen"], dossier=d, at=T0 - dt.timedelta(minutes=1)
        )
    assert exc.value.error_code == "invalid_time"
    d = services.dossier_withdraw(
        actor=world.users["citizen"], dossier=d, at=T0 + dt.timedelta(days=3)
    )
    assert d.status == S.STOPPED and d.finished_at is not None
    pause = d.pauses.get()
    assert pause.ended_at == T0 + dt.timedelta(days=3)
    assert pause.working_time == dt.timedelta(hours=24)
    assert d.paused_total == dt.timedelta(hours=24)
    event = DossierEvent.objects.filter(dossier=d).latest("id")
    assert event.action == "withdraw" and event.reason == "Người nộp rút hồ sơ."
    assert not DossierStep.objects.filter(dossier=d, finished_at__isnull=True).exists()


@pytest.mark.django_db
def test_bulk_transfer_is_all_or_nothing(world: World) -> None:
    a = sc.received(world)
    b = sc.received(world)
    c = sc.transferred(world)  # not in "received": cannot be transferred again
    with pytest.raises(DomainError) as exc:
        services.dossier_bulk_transfer(actor=world.users["desk_centre"], dossiers=[a, b, c])
    assert c.code in str(exc.value.detail)
    assert reload(a).status == S.RECEIVED and reload(b).status == S.RECEIVED
    moved = services.dossier_bulk_transfer(
        actor=world.users["desk_centre"], dossiers=[b.pk, a.pk], note="Chuyển buổi sáng"
    )
    assert [d.pk for d in moved] == sorted([a.pk, b.pk])
    assert {reload(d).status for d in moved} == {S.TRANSFERRED}
    with pytest.raises(DomainError):
        services.dossier_bulk_transfer(actor=world.users["desk_centre"], dossiers=[])


@pytest.mark.django_db
def test_reset_pin(world: World) -> None:
    r = receive(world)
    d = r.dossier
    new = services.dossier_reset_pin(actor=world.users["citizen"], dossier=d)
    d = reload(d)
    assert pin_matches(d, new)
    if new != r.pin:
        assert not pin_matches(d, r.pin or "")
    again = services.dossier_reset_pin(actor=world.users["desk_centre"], dossier=d)
    assert pin_matches(reload(d), again)
    for outsider in ("citizen2", "spec", "desk_commune"):
        with pytest.raises(DomainError):
            services.dossier_reset_pin(actor=world.users[outsider], dossier=d)


@pytest.mark.django_db
def test_payment_status_hook(world: World, django_capture_on_commit_callbacks) -> None:
    d = sc.received(world)
    seen: list[hooks.HookEvent] = []
    with (
        hooks.registered("payment_updated", seen.append),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.dossier_set_payment_status(
            actor=None, dossier=d, status=PaymentStatus.PAID, reference="GD-001"
        )
    assert reload(d).payment_status == PaymentStatus.PAID
    assert seen[0].payload == {"payment_status": "paid", "reference": "GD-001"}
    with pytest.raises(DomainError):
        services.dossier_set_payment_status(actor=None, dossier=d, status="free")


@pytest.mark.django_db
def test_signed_result_replaces_the_file(world: World) -> None:
    d = sc.awaiting_approval(world)
    result = services.dossier_attach_result(actor=world.users["leader"], dossier=d, file=pdf())
    services.dossier_approve(actor=world.users["leader"], dossier=d)  # signed once approved
    signed = services.dossier_result_set_signed(
        actor=None, result=result, signed_file=pdf("signed.pdf", b"%PDF-1.7\nsigned\n%%EOF")
    )
    assert signed.signed and signed.sha256 != result.sha256


# --------------------------------------------------------------------------------------------
# History and hooks
# --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_history_is_append_only(world: World) -> None:
    d = sc.processing(world)
    event = DossierEvent.objects.filter(dossier=d).first()
    assert event is not None
    event.reason = "sửa lịch sử"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        DossierEvent.objects.filter(dossier=d).update(reason="x")
    with pytest.raises(TypeError):
        DossierEvent.objects.filter(dossier=d).delete()
    assert [e.action for e in DossierEvent.objects.filter(dossier=d).order_by("id")] == [
        "receive",
        "transfer",
        "assign",
    ]


@pytest.mark.django_db(transaction=True)
def test_hooks_run_only_after_commit_and_failures_are_contained(world: World) -> None:
    calls: list[str] = []

    def broken(event: hooks.HookEvent) -> None:
        raise RuntimeError("boom")

    with (
        hooks.registered("transferred", broken),
        hooks.registered("transferred", lambda e: calls.append(e.dossier_code)),
    ):
        d = sc.received(world)
        with transaction.atomic():
            services.dossier_transfer(actor=world.users["desk_centre"], dossier=d)
            assert calls == []  # not yet committed
        assert calls == [d.code]
        with transaction.atomic():
            e = sc.received(world)
            services.dossier_transfer(actor=world.users["desk_centre"], dossier=e)
            transaction.set_rollback(True)
        assert calls == [d.code]  # rolled back: nothing announced


def test_hook_registry_rejects_unknown_events() -> None:
    with pytest.raises(ValueError):
        hooks.register("nonsense", lambda e: None)
    assert {
        "received",
        "supplement_requested",
        "result_ready",
        "apologised",
        "refused",
        "returned",
    } <= hooks.EVENTS


@pytest.mark.django_db
def test_routing_plan_classifies_steps(world: World) -> None:
    plan = routing.plan_of(world.versions["multi"])
    assert [p.kind for p in plan] == [
        StepKind.INTAKE,
        StepKind.WORK,
        StepKind.APPROVAL,
        StepKind.APPROVAL,
        StepKind.WORK,
        StepKind.RETURN,
    ]
    assert Decimal(plan[1].step.allotted_hours) == Decimal(40)
