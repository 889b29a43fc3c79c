"""Dossier events wired to notifications, payments and result signing (dossiers/integrations)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from chinhquyen.dossiers import integrations, pdf, services
from chinhquyen.dossiers.models import Dossier, DossierResult, PaymentStatus
from chinhquyen.notifications.models import Notification
from chinhquyen.payments.services import payment_apply_ipn
from chinhquyen.payments.tests.factories import gateway_result, make_payment
from chinhquyen.signing import pki
from chinhquyen.signing.keys import signer_cache
from chinhquyen.signing.services import verify_pdf
from chinhquyen.signing.tests.conftest import make_credential

from . import scenarios
from .factories import World, receive, reload


@pytest.fixture(autouse=True)
def _transports(settings) -> None:
    settings.NOTIFY_SMS_TRANSPORT = "console"
    settings.NOTIFY_EMAIL_TRANSPORT = "django"
    settings.PAYMENT_PROVIDER = "vnpay_sandbox"


def _rows(template: str, channel: str) -> list[Notification]:
    return list(Notification.objects.filter(template_key=template, channel=channel))


@pytest.mark.django_db
def test_received_queues_one_email_and_one_sms(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        intake = receive(world)
    d = reload(intake.dossier)
    appointment = pdf.appointment_text(d.appointment_at)

    emails = _rows("dossier.received", "email")
    sms = _rows("dossier.received", "sms")
    assert len(emails) == 1 and len(sms) == 1
    assert emails[0].dedupe_key == f"dossier:{d.pk}:received:email"
    assert sms[0].dedupe_key == f"dossier:{d.pk}:received:sms"
    assert sms[0].recipient.endswith("912345678")
    assert d.code in sms[0].body and intake.pin
    # Security finding #9, point 6: the outbox never holds the PIN in clear (sealed with a key
    # outside the database, opened when sending); the message sent carries it.
    for row in (*emails, *sms):
        stored = json.dumps([row.subject, row.body, row.body_html, row.context], ensure_ascii=False)
        assert intake.pin not in stored

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [d.applicant_email]
    assert message.subject == f"Hồ sơ {d.code} đã được tiếp nhận"
    assert "Kính gửi Nguyễn Văn An" in message.body
    assert f"Thời gian hẹn trả kết quả: {appointment}." in message.body
    assert "(Cấp phiếu lý lịch tư pháp)" in message.body
    assert f"/ho-so/tra-cuu/?ma={d.code} với mã PIN {intake.pin}" in message.body

    # the same event again (a retried hook) queues nothing new
    event = integrations.hooks.HookEvent(
        name="received",
        dossier_id=d.pk,
        dossier_code=d.code,
        status=d.status,
        payload={"pin": intake.pin},
    )
    with django_capture_on_commit_callbacks(execute=True):
        integrations.on_received(event)
    assert Notification.objects.filter(template_key="dossier.received").count() == 2
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_rolled_back_intake_sends_nothing(world: World, django_capture_on_commit_callbacks) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        receive(world)
        raise RuntimeError("rollback")
    assert callbacks == []
    assert not Dossier.objects.exists()
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_outbox_rows_are_written_in_the_dossiers_transaction(
    world: World, django_capture_on_commit_callbacks
) -> None:
    """A crash right after the commit must not lose the receipt notifications: the outbox rows
    exist before any after-commit callback runs (only the delivery waits for the commit)."""
    with django_capture_on_commit_callbacks(execute=False) as pending, transaction.atomic():
        intake = receive(world)
        queued = Notification.objects.filter(template_key="dossier.received")
        assert {n.channel for n in queued} == {"email", "sms"}
    assert pending  # delivery (and the after-commit hooks) still wait for the commit
    assert mail.outbox == []
    assert Dossier.objects.filter(pk=intake.dossier.pk).exists()


@pytest.mark.django_db
def test_failing_in_transaction_hook_keeps_the_change(world: World) -> None:
    def broken(event: integrations.hooks.HookEvent) -> None:
        Notification.objects.all().delete()  # undone with the hook's savepoint
        raise RuntimeError("boom")

    with integrations.hooks.registered("received", broken, in_transaction=True):
        intake = receive(world)
    assert Dossier.objects.filter(pk=intake.dossier.pk).exists()
    # the notification handler registered before the broken one kept its rows
    assert Notification.objects.filter(template_key="dossier.received").count() == 2


@pytest.mark.django_db
def test_applicant_without_email_gets_only_the_sms(
    world: World, django_capture_on_commit_callbacks
) -> None:
    version = world.versions["province"]
    form = version.papers.get(name="Tờ khai")
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_receive_at_counter(
            actor=world.users["desk_centre"],
            procedure=version,
            applicant_details={"name": "Đỗ Thị Hằng", "phone": "0911222333"},
            papers=[services.PaperCount(paper_id=form.pk, original=1)],
        )
    assert [n.channel for n in Notification.objects.all()] == ["sms"]
    assert mail.outbox == []


@pytest.mark.django_db
def test_supplement_refusal_result_and_apology_notify(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        d = scenarios.supplement_requested(world)
    (email,) = _rows("dossier.supplement_requested", "email")
    assert email.subject == f"Yêu cầu bổ sung, hoàn thiện hồ sơ {d.code}"
    assert "Nội dung cần bổ sung: Thiếu bản sao giấy tờ tùy thân.\n" in email.body
    assert "Nơi liên hệ: Trung tâm Phục vụ hành chính công tỉnh" in email.body
    assert len(_rows("dossier.supplement_requested", "sms")) == 1

    with django_capture_on_commit_callbacks(execute=True):
        refused = scenarios.refused(world)
    (email,) = _rows("dossier.refused", "email")
    assert refused.code in email.subject and "Lý do: Sai thủ tục." in email.body

    with django_capture_on_commit_callbacks(execute=True):
        ready = scenarios.result_ready(world)
    (email,) = _rows("dossier.result_ready", "email")
    assert email.subject == f"Hồ sơ {ready.code} đã có kết quả"
    assert "Mời Ông/Bà nhận kết quả tại Trung tâm Phục vụ hành chính công tỉnh" in email.body

    d = scenarios.awaiting_approval(world)
    new = max(d.due_at, d.updated_at) + dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        d = services.dossier_apologise(
            actor=world.users["leader"], dossier=d, reason="Chờ xác minh", new_appointment_at=new
        )
    (email,) = _rows("dossier.late_apology", "email")
    assert "Sở Tư pháp chân thành xin lỗi" in email.body
    assert f"Thời gian hẹn trả kết quả mới: {pdf.appointment_text(new)}." in email.body
    assert "Lý do: Chờ xác minh." in email.body


@pytest.mark.django_db
def test_paid_fee_marks_the_dossier_paid_and_notifies(
    world: World, django_capture_on_commit_callbacks
) -> None:
    d = receive(world).dossier
    assert d.fee_total == 200_000 and d.payment_status == PaymentStatus.UNPAID
    payment = make_payment(
        payer=world.users["citizen"],
        amount=d.fee_total,
        payable_type="dossier",
        payable_id=str(d.pk),
        description=f"Lệ phí hồ sơ {d.code}",
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = payment_apply_ipn(params=gateway_result(payment))
    assert answer.rsp_code == "00"
    d.refresh_from_db()
    assert d.payment_status == PaymentStatus.PAID
    assert d.events.filter(action="payment").count() == 1
    (email,) = _rows("dossier.payment_received", "email")
    assert "200.000 đồng" in email.body and d.code in email.body
    assert len(_rows("dossier.payment_received", "sms")) == 1

    # the hook running again (process died after commit) changes nothing
    payment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        integrations.on_dossier_fee_paid(payment)
    assert d.events.filter(action="payment").count() == 1
    assert Notification.objects.filter(template_key="dossier.payment_received").count() == 2


# --- Signed results -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> pki.KeyPair:
    return pki.make_ca("CA Chính Quyền kiểm thử (hồ sơ)")


@pytest.fixture(scope="module")
def org_pair(ca: pki.KeyPair) -> pki.KeyPair:
    return pki.issue_certificate(ca, common_name="Sở Tư pháp", organisation="UBND tỉnh Thử Nghiệm")


@pytest.fixture
def pki_root(settings, tmp_path: Path, ca: pki.KeyPair) -> Iterator[Path]:
    root = tmp_path / "pki"
    pki.write_private(
        root / "ca" / "ca.key.pem", pki.private_key_pem(ca.key, pki.demo_passphrase())
    )
    (root / "ca" / "ca.cert.pem").write_text(ca.certificate_pem)
    settings.SIGNING_PKI_DIR = root
    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_SANDBOX = False
    signer_cache.invalidate()
    yield root
    signer_cache.invalidate()


@pytest.fixture
def sealed_org(world: World, pki_root: Path, ca: pki.KeyPair, org_pair: pki.KeyPair) -> None:
    make_credential(
        pki_root,
        ca,
        org_pair,
        organisation=world.orgs["dept"],
        image=pki.seal_image_png("Sở Tư pháp", "UBND tỉnh Thử Nghiệm"),
    )


@pytest.mark.django_db
def test_sign_result_pdf_verifies(world: World, sealed_org: None, ca: pki.KeyPair) -> None:
    d = reload(scenarios.refused(world))
    # a form with a signature placeholder: the seal goes there (organisation mode)
    signed = integrations.sign_result_pdf(d, pdf.refusal_pdf(d))
    result = verify_pdf(signed, trust_roots=[ca.certificate_pem])
    assert result.valid, result.reason
    assert len(result.signatures) == 1
    assert result.signatures[0].signer.startswith("Sở Tư pháp")
    # a PDF without a placeholder gets the organisation's stamp with the result code
    register = pdf.tracking_register_pdf(
        [], organisation=world.orgs["dept"], date_from=None, date_to=None
    )
    stamped = integrations.sign_result_pdf(d, register, result_code=f"{d.code}-KQ1")
    assert verify_pdf(stamped, trust_roots=[ca.certificate_pem]).valid


@pytest.mark.django_db
def test_sign_result_pdf_without_credential_is_a_vietnamese_error(world: World) -> None:
    from chinhquyen.core.api import DomainError

    d = reload(scenarios.refused(world))
    with pytest.raises(DomainError) as error:
        integrations.sign_result_pdf(d, pdf.refusal_pdf(d))
    assert "chưa có chứng thư ký số" in str(error.value.detail)


def _attach_pdf(world: World, d: Dossier, actor: str = "leader") -> DossierResult:
    document = pdf.refusal_pdf(reload(d))  # any PDF with a signature placeholder
    upload = SimpleUploadedFile("ket-qua.pdf", document, content_type="application/pdf")
    return services.dossier_attach_result(
        actor=world.users[actor], dossier=d, name="Phiếu lý lịch tư pháp", file=upload
    )


@pytest.mark.django_db
def test_result_is_sealed_at_approval_never_before(
    world: World, sealed_org: None, ca: pki.KeyPair, django_capture_on_commit_callbacks
) -> None:
    """Issue #10 item 7: attaching a result does not seal it; the leader's approval does, and
    the history shows the approval before the seal."""
    d = scenarios.awaiting_approval(world)
    with django_capture_on_commit_callbacks(execute=True):
        attached = _attach_pdf(world, d)
    result = DossierResult.objects.get(pk=attached.pk)
    assert result.signed is False and result.approved_at is None
    assert not d.events.filter(action="result_signed").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_approve(actor=world.users["leader"], dossier=d)
    result = DossierResult.objects.get(pk=attached.pk)
    assert result.signed is True and result.approved_at is not None
    assert result.approved_by == world.users["leader"]
    with result.file.open("rb") as handle:
        check = verify_pdf(handle.read(), trust_roots=[ca.certificate_pem])
    assert check.valid, check.reason
    order = list(d.events.order_by("id").values_list("action", flat=True))
    assert order[-3:] == ["attach_result", "approve", "result_signed"]
    approve, sealed = d.events.order_by("-id")[1], d.events.order_by("-id")[0]
    assert sealed.at >= approve.at


@pytest.mark.django_db
def test_result_changed_after_approval_needs_a_new_approval(
    world: World, sealed_org: None, django_capture_on_commit_callbacks
) -> None:
    from chinhquyen.core.api import DomainError

    d = scenarios.result_ready(world)
    with django_capture_on_commit_callbacks(execute=True):
        added = _attach_pdf(world, d, actor="desk_centre")
    assert DossierResult.objects.get(pk=added.pk).signed is False
    with pytest.raises(DomainError) as blocked:
        services.dossier_return_result(actor=world.users["desk_centre"], dossier=d)
    assert "phê duyệt lại" in str(blocked.value.detail)
    with pytest.raises(DomainError):  # the desk cannot approve it
        services.dossier_approve(actor=world.users["desk_centre"], dossier=d)
    with pytest.raises(DomainError) as unsigned:  # nor can anyone sign it before approval
        services.dossier_result_set_signed(
            actor=None,
            result=added,
            signed_file=SimpleUploadedFile("k.pdf", b"%PDF-1.7\nx\n%%EOF"),
        )
    assert unsigned.value.error_code == "not_approved"
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_approve(actor=world.users["leader"], dossier=d)
    assert DossierResult.objects.get(pk=added.pk).signed is True
    assert reload(d).status == "result_ready"
    services.dossier_return_result(actor=world.users["desk_centre"], dossier=d)
    assert reload(d).status == "returned"


@pytest.mark.django_db
def test_province_sealing_at_return_seals_at_the_desk(
    world: World, sealed_org: None, settings, django_capture_on_commit_callbacks
) -> None:
    settings.DOSSIER_SEAL_RESULTS_AT = "return"
    d = scenarios.awaiting_approval(world)
    with django_capture_on_commit_callbacks(execute=True):
        attached = _attach_pdf(world, d)
        services.dossier_approve(actor=world.users["leader"], dossier=d)
    assert DossierResult.objects.get(pk=attached.pk).signed is False
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_return_result(actor=world.users["desk_centre"], dossier=d)
    assert DossierResult.objects.get(pk=attached.pk).signed is True
    order = list(d.events.order_by("id").values_list("action", flat=True))
    assert order[-2:] == ["return_result", "result_signed"]
