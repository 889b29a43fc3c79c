"""The outbox: notify in the caller's transaction, idempotent delivery, backoff, sweep, retry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chinhquyen.accounts.tests.factories import make_user
from chinhquyen.core.api import DomainError
from chinhquyen.jobs.registry import get_job
from chinhquyen.notifications.models import (
    BACKOFF,
    MAX_ATTEMPTS,
    Notification,
    NotificationStatus,
    NotificationTemplate,
)
from chinhquyen.notifications.services import (
    INTERRUPTED_MESSAGE,
    notification_retry,
    notification_template_save,
    notify,
)
from chinhquyen.notifications.tasks import (
    deliver_notification,
    prune_notifications,
    sweep_notifications,
)
from chinhquyen.notifications.transports import DeliveryError

from .conftest import RecordingTransport

CODE = "000.17.22.H56-260302-0001"
RECEIVED = {
    "code": CODE,
    "appointment": "14:00 ngày 05/03/2026",
    "lookup_url": "https://dichvucong.ninhbinh.gov.vn/tra-cuu",
    "pin": "482913",
    "applicant_name": "Nguyễn Văn An",
    "organisation": "Trung tâm Phục vụ hành chính công tỉnh",
}


def queue_email(**kwargs: Any) -> Notification:
    """A queued e-mail whose delivery was never enqueued (its on_commit never runs)."""
    params: dict[str, Any] = {
        "channel": "email",
        "recipient": "an.nguyen@example.vn",
        "template": "dossier.received",
        "context": RECEIVED,
    }
    params.update(kwargs)
    notification = notify(**params)
    assert notification is not None
    return notification


def make_due(notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )


# --- notify and the caller's transaction --------------------------------------------------


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_rolled_back_transaction_leaves_no_row_and_sends_nothing(templates: None) -> None:
    with pytest.raises(Boom), transaction.atomic():
        notification = queue_email(dedupe_key="dossier:42:received:email")
        assert Notification.objects.filter(pk=notification.pk).exists()
        raise Boom
    assert Notification.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_committed_notification_is_mailed_with_the_rendered_vietnamese_text(
    templates: None,
) -> None:
    user = make_user(email="an.nguyen@example.vn")
    with transaction.atomic():
        notification = queue_email(
            recipient="An.Nguyen@Example.VN", user=user, dedupe_key="dossier:42:received:email"
        )
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == f"Hồ sơ {CODE} đã được tiếp nhận"
    assert message.to == ["An.Nguyen@example.vn"]
    assert message.body.startswith("Kính gửi Nguyễn Văn An,\n\n")
    assert (
        f"Hồ sơ {CODE} đã được tiếp nhận tại Trung tâm Phục vụ hành chính công tỉnh.\n"
        "Thời gian hẹn trả kết quả: 14:00 ngày 05/03/2026." in message.body
    )
    assert (
        "tra cứu tình trạng hồ sơ tại https://dichvucong.ninhbinh.gov.vn/tra-cuu "
        "với mã PIN 482913." in message.body
    )
    html, mimetype = message.alternatives[0]  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    assert "<p>Kính gửi Nguyễn Văn An,</p>" in str(html)

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.attempts == 1
    assert notification.sent_at is not None
    assert notification.transport == "django"
    assert notification.provider_message_id == message.extra_headers["Message-ID"]
    assert notification.provider_message_id.startswith("<")
    assert notification.user == user
    assert notification.context["pin"] == "" and "482913" not in str(notification.context)
    assert notification.enqueued_at is None


def test_delivery_is_enqueued_on_commit(
    templates: None, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = queue_email()
    assert len(callbacks) == 1
    assert mailoutbox == []
    assert notification.status == NotificationStatus.QUEUED
    assert notification.enqueued_at is not None
    callbacks[0]()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert len(mailoutbox) == 1


def test_dedupe_key_makes_the_second_notify_a_no_op(
    templates: None, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = queue_email(dedupe_key="dossier:42:received:email")
        second = queue_email(dedupe_key="dossier:42:received:email")
    assert second.pk == first.pk
    assert len(callbacks) == 1
    assert Notification.objects.count() == 1
    assert len(mailoutbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        third = queue_email(dedupe_key="  dossier:42:received:email ")
    assert third.pk == first.pk
    assert len(mailoutbox) == 1


def test_blank_dedupe_keys_do_not_deduplicate(
    templates: None, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(dedupe_key="")
        queue_email(dedupe_key="   ")
        queue_email()
    assert Notification.objects.filter(dedupe_key__isnull=True).count() == 3
    assert len(mailoutbox) == 3


def test_inactive_template_notifies_nobody(templates: None, mailoutbox: list[Any]) -> None:
    NotificationTemplate.objects.filter(key="dossier.received", channel="email").update(
        active=False
    )
    assert (
        notify(
            channel="email",
            recipient="an@example.vn",
            template="dossier.received",
            context=RECEIVED,
        )
        is None
    )
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(
    ("kwargs", "code", "message"),
    [
        ({"template": "khong.co"}, "unknown_template", "Chưa có mẫu thông báo «khong.co»"),
        ({"channel": "fax"}, "invalid_channel", "Kênh thông báo không hợp lệ."),
        ({"recipient": "khong-phai-email"}, "invalid_recipient", "thư điện tử không hợp lệ"),
        (
            {"channel": "sms", "recipient": "0241234567"},
            "invalid_recipient",
            "Số điện thoại di động không hợp lệ",
        ),
        ({"context": {"x": object()}}, "invalid_context", "chuyển được sang JSON"),
        ({"dedupe_key": "k" * 201}, "invalid_dedupe_key", "Khóa chống trùng quá dài."),
    ],
)
def test_bad_input_is_a_clear_vietnamese_domain_error(
    templates: None, kwargs: dict[str, Any], code: str, message: str
) -> None:
    with pytest.raises(DomainError) as excinfo:
        queue_email(**kwargs)
    assert excinfo.value.error_code == code
    assert message in str(excinfo.value.detail)
    assert Notification.objects.count() == 0


def test_context_dates_are_stored_as_json(templates: None) -> None:
    notification = queue_email(context={**RECEIVED, "appointment": dt.date(2026, 3, 5)})
    notification.refresh_from_db()
    assert notification.context["appointment"] == "2026-03-05"
    assert "2026" in notification.body


def test_sms_notification_normalises_the_phone_and_folds_the_text(
    templates: None, settings: Any
) -> None:
    settings.NOTIFY_SMS_ASCII = True
    notification = notify(
        channel="sms", recipient="+84 912 345 678", template="dossier.received", context=RECEIVED
    )
    assert notification is not None
    assert notification.recipient == "84912345678"
    assert notification.subject == ""
    # the PIN is sealed in the outbox row and put back only in the message sent
    from chinhquyen.notifications.services import _outgoing

    assert "482913" not in notification.body + str(notification.context)
    assert _outgoing(notification).body == (
        f"Ho so {CODE} da duoc tiep nhan, hen tra ket qua 14:00 ngay 05/03/2026. "
        "Tra cuu tai https://dichvucong.ninhbinh.gov.vn/tra-cuu voi ma PIN 482913."
    )


# --- delivery: idempotence, backoff, dead ------------------------------------------------


def test_failures_back_off_then_the_notification_is_dead(
    templates: None,
    broken_email_transport: RecordingTransport,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue_email()
    for attempt, delay in enumerate(BACKOFF, start=1):
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.FAILED
        assert notification.attempts == attempt
        assert notification.claimed_at is not None
        assert notification.next_attempt_at - notification.claimed_at == delay
        assert notification.last_error == "Máy chủ thư tạm thời không trả lời."
        assert notification.transport == "test_recording"
        # not due yet: a duplicate task does nothing
        assert deliver_notification.enqueue(notification.pk).return_value == "failed"
        assert broken_email_transport.calls == attempt
        make_due(notification)
        deliver_notification.enqueue(notification.pk)

    notification.refresh_from_db()
    assert notification.status == NotificationStatus.DEAD
    assert notification.attempts == MAX_ATTEMPTS == 6
    assert broken_email_transport.calls == 6
    make_due(notification)
    assert deliver_notification.enqueue(notification.pk).return_value == "dead"
    assert broken_email_transport.calls == 6


def test_a_permanent_failure_is_dead_at_once(
    templates: None,
    email_transport: RecordingTransport,
    django_capture_on_commit_callbacks: Any,
) -> None:
    email_transport.error = DeliveryError("Người nhận bị từ chối.", permanent=True)
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue_email()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.DEAD
    assert notification.attempts == 1
    assert notification.last_error == "Người nhận bị từ chối."


def test_an_unexpected_exception_is_recorded_and_retried(
    templates: None,
    email_transport: RecordingTransport,
    django_capture_on_commit_callbacks: Any,
) -> None:
    email_transport.error = RuntimeError("lỗi lập trình")
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue_email()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.last_error == "RuntimeError: lỗi lập trình"


def test_an_unknown_transport_name_fails_with_a_clear_message(
    templates: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTIFY_EMAIL_TRANSPORT = "chua_co"
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue_email()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert "Chưa có cổng gửi «chua_co»" in notification.last_error
    assert "NOTIFY_EMAIL_TRANSPORT" in notification.last_error


def test_a_sent_notification_is_never_sent_again(
    templates: None, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue_email()
    assert len(mailoutbox) == 1
    make_due(notification)
    assert deliver_notification.enqueue(notification.pk).return_value == "sent"
    assert deliver_notification.enqueue(notification.pk).return_value == "sent"
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 1


def test_two_deliveries_of_a_queued_row_send_once(
    templates: None, email_transport: RecordingTransport
) -> None:
    notification = queue_email()  # on_commit never runs inside the test transaction
    first = deliver_notification.enqueue(notification.pk)
    second = deliver_notification.enqueue(notification.pk)
    assert (first.return_value, second.return_value) == ("sent", "sent")
    assert email_transport.calls == 1
    assert email_transport.sent[0].recipient == "an.nguyen@example.vn"
    assert email_transport.sent[0].idempotency_key.endswith(f":notification:{notification.pk}")
    notification.refresh_from_db()
    assert notification.provider_message_id == "rec-1"


def test_delivering_a_missing_notification_is_harmless(db: None) -> None:
    assert deliver_notification.enqueue(987654).return_value == "missing"


# --- the sweep ------------------------------------------------------------------------------


def test_sweep_enqueues_due_rows_and_recovers_interrupted_attempts(
    templates: None,
    email_transport: RecordingTransport,
    django_capture_on_commit_callbacks: Any,
) -> None:
    now = timezone.now()
    long_ago = now - dt.timedelta(minutes=11)
    recently = now - dt.timedelta(minutes=2)
    rows = {name: queue_email(dedupe_key=f"sweep:{name}") for name in "ABCDEFGH"}

    def set_row(name: str, **fields: Any) -> None:
        Notification.objects.filter(pk=rows[name].pk).update(**fields)

    # A: queued, due, its task was lost long ago -> enqueued
    set_row("A", next_attempt_at=long_ago, enqueued_at=long_ago)
    # B: queued, due, its task was enqueued a moment ago -> left to that task
    set_row("B", next_attempt_at=recently, enqueued_at=recently)
    # C: failed, due -> enqueued
    set_row("C", status="failed", attempts=1, next_attempt_at=recently, enqueued_at=None)
    # D: failed, not due yet -> waits
    set_row("D", status="failed", attempts=1, next_attempt_at=now + dt.timedelta(minutes=4))
    # E: stuck in "sending" for 11 minutes -> recovered and enqueued
    set_row("E", status="sending", attempts=1, claimed_at=long_ago, enqueued_at=None)
    # F: stuck on its last attempt -> dead
    set_row("F", status="sending", attempts=MAX_ATTEMPTS, claimed_at=long_ago, enqueued_at=None)
    # G: sending for 2 minutes -> still in progress, untouched
    set_row("G", status="sending", attempts=1, claimed_at=recently, enqueued_at=None)
    # H: sent long ago -> untouched
    set_row("H", status="sent", attempts=1, sent_at=long_ago, next_attempt_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        result = sweep_notifications.enqueue()
    assert result.return_value == 3

    status = {
        name: Notification.objects.values_list("status", "attempts").get(pk=row.pk)
        for name, row in rows.items()
    }
    assert status == {
        "A": ("sent", 1),
        "B": ("queued", 0),
        "C": ("sent", 2),
        "D": ("failed", 1),
        "E": ("sent", 2),
        "F": ("dead", MAX_ATTEMPTS),
        "G": ("sending", 1),
        "H": ("sent", 1),
    }
    assert email_transport.calls == 3
    assert Notification.objects.get(pk=rows["F"].pk).last_error == INTERRUPTED_MESSAGE

    # nothing is due any more: a second sweep enqueues nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_notifications.enqueue().return_value == 0
    assert email_transport.calls == 3


def test_sweep_leaves_a_lost_task_alone_until_it_is_overdue(
    templates: None, email_transport: RecordingTransport, django_capture_on_commit_callbacks: Any
) -> None:
    notification = queue_email()  # committed, but its on_commit enqueue was lost
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_notifications.enqueue().return_value == 0
    Notification.objects.filter(pk=notification.pk).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=11)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_notifications.enqueue().return_value == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert email_transport.calls == 1


def test_periodic_jobs_are_registered() -> None:
    assert get_job("notifications.sweep").every == dt.timedelta(minutes=1)
    assert get_job("notifications.sweep").task.module_path == sweep_notifications.module_path
    assert get_job("notifications.prune").every == dt.timedelta(days=1)


# --- retry, prune, templates ------------------------------------------------------------------


def test_retry_requeues_failed_and_dead_rows_only(
    templates: None, email_transport: RecordingTransport, django_capture_on_commit_callbacks: Any
) -> None:
    admin = make_user(is_staff=True)
    dead = queue_email(dedupe_key="r:dead")
    failed = queue_email(dedupe_key="r:failed")
    sent = queue_email(dedupe_key="r:sent")
    queued = queue_email(dedupe_key="r:queued")
    Notification.objects.filter(pk=dead.pk).update(status="dead", attempts=MAX_ATTEMPTS)
    Notification.objects.filter(pk=failed.pk).update(
        status="failed", attempts=2, next_attempt_at=timezone.now() + dt.timedelta(hours=2)
    )
    Notification.objects.filter(pk=sent.pk).update(status="sent", attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        count = notification_retry(
            actor=admin, notification_ids=[dead.pk, failed.pk, sent.pk, queued.pk]
        )
    assert count == 2
    assert dict(Notification.objects.values_list("dedupe_key", "status")) == {
        "r:dead": "sent",
        "r:failed": "sent",
        "r:sent": "sent",
        "r:queued": "queued",
    }
    assert Notification.objects.get(pk=dead.pk).attempts == 1
    assert email_transport.calls == 2


def test_prune_deletes_old_finished_notifications_only(templates: None) -> None:
    old = timezone.now() - dt.timedelta(days=181)
    rows = {name: queue_email(dedupe_key=f"p:{name}") for name in ("sent", "dead", "failed", "new")}
    for name in ("sent", "dead", "failed"):
        Notification.objects.filter(pk=rows[name].pk).update(status=name, created_at=old)
    Notification.objects.filter(pk=rows["new"].pk).update(status="sent")
    assert prune_notifications.enqueue().return_value == 2
    assert sorted(Notification.objects.values_list("dedupe_key", flat=True)) == [
        "p:failed",
        "p:new",
    ]


def test_seeded_templates_cover_the_one_stop_shop(templates: None, settings: Any) -> None:
    settings.NOTIFY_SMS_ASCII = True
    keys = {
        "dossier.received",
        "dossier.supplement_requested",
        "dossier.result_ready",
        "dossier.late_apology",
        "dossier.refused",
        "dossier.payment_received",
    }
    seeded = set(NotificationTemplate.objects.values_list("key", "channel"))
    assert seeded >= {(key, channel) for key in keys for channel in ("email", "sms")}
    context = {
        **RECEIVED,
        "reason": "Thiếu bản sao chứng thực Giấy khai sinh",
        "deadline": "17:00 ngày 10/03/2026",
        "contact": "Bộ phận một cửa, điện thoại 0229 3871 234",
        "place": "Quầy số 3, Trung tâm Phục vụ hành chính công tỉnh",
        "new_appointment": "14:00 ngày 12/03/2026",
        "amount": "50.000 đồng",
        "paid_at": "09:15 ngày 02/03/2026",
        "procedure_name": "Đăng ký khai sinh",
    }
    for key in sorted(keys):
        sms = notify(channel="sms", recipient="0912345678", template=key, context=context)
        email = notify(channel="email", recipient="an@example.vn", template=key, context=context)
        assert sms is not None and email is not None
        assert CODE in sms.body and CODE in email.subject and CODE in email.body
        assert sms.body.isascii() and len(sms.body) <= 306
        assert "  " not in sms.body and "{" not in sms.body and "{" not in email.body
        assert email.body.startswith("Kính gửi Nguyễn Văn An,")
    apology = Notification.objects.get(template_key="dossier.late_apology", channel="email")
    assert "Thời gian hẹn trả kết quả mới: 14:00 ngày 12/03/2026." in apology.body
    assert apology.subject == f"Xin lỗi và hẹn lại thời gian trả kết quả hồ sơ {CODE}"


def test_template_save_validates_and_is_audited(templates: None) -> None:
    admin = make_user(is_staff=True)
    template = NotificationTemplate.objects.get(key="dossier.refused", channel="email")
    template.subject = ""
    with pytest.raises(ValidationError) as excinfo:
        notification_template_save(actor=admin, template=template)
    assert "Mẫu thư điện tử phải có tiêu đề." in excinfo.value.message_dict["subject"]
    template.subject = "Hồ sơ {{ code }} bị từ chối"
    template.body = "{% if reason %}thiếu endif"
    with pytest.raises(ValidationError) as excinfo:
        notification_template_save(actor=admin, template=template)
    assert "Mẫu sai cú pháp" in excinfo.value.message_dict["body"][0]
    template.body = "Hồ sơ {{ code }} bị từ chối: {{ reason }}."
    notification_template_save(actor=admin, template=template)
    entry = LogEntry.objects.get_for_object(template).latest("timestamp")
    assert entry.actor == admin
    rendered = notify(
        channel="email",
        recipient="an@example.vn",
        template="dossier.refused",
        context={"code": "X1", "reason": "sai thủ tục"},
    )
    assert rendered is not None
    assert (rendered.subject, rendered.body) == (
        "Hồ sơ X1 bị từ chối",
        "Hồ sơ X1 bị từ chối: sai thủ tục.",
    )


@pytest.mark.django_db
def test_sms_without_a_pin_does_not_print_an_empty_pin():
    from chinhquyen.notifications.models import NotificationTemplate

    for key in ("dossier.supplement_requested", "dossier.result_ready", "dossier.late_apology"):
        body = NotificationTemplate.objects.get(key=key, channel="sms").body
        assert "{% if pin %} với mã PIN {{ pin }}{% endif %}" in body, key
    assert NotificationTemplate.objects.filter(key="dossier.stopped").count() == 2
