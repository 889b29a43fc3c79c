"""Admin: templates edited through the service, read-only outbox with "gửi lại"."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from chinhquyen.notifications.models import (
    MAX_ATTEMPTS,
    Notification,
    NotificationStatus,
    NotificationTemplate,
)
from chinhquyen.notifications.services import notify

from .conftest import RecordingTransport


def test_outbox_is_read_only_with_a_retry_action(
    templates: None,
    admin_client: Client,
    email_transport: RecordingTransport,
    django_capture_on_commit_callbacks: Any,
) -> None:
    dead = notify(
        channel="email",
        recipient="an@example.vn",
        template="dossier.refused",
        context={"code": "H56-1", "reason": "Sai thủ tục"},
    )
    sent = notify(
        channel="email",
        recipient="binh@example.vn",
        template="dossier.refused",
        context={"code": "H56-2", "reason": "Sai thủ tục"},
    )
    assert dead is not None and sent is not None
    Notification.objects.filter(pk=dead.pk).update(
        status="dead", attempts=MAX_ATTEMPTS, last_error="Máy chủ thư không nhận thư."
    )
    Notification.objects.filter(pk=sent.pk).update(status="sent", attempts=1)

    changelist = reverse("admin:notifications_notification_changelist")
    page = admin_client.get(changelist)
    assert page.status_code == 200
    content = page.content.decode()
    assert "an@example.vn" in content and "Gửi lại các thông báo đã chọn" in content
    assert admin_client.get(reverse("admin:notifications_notification_add")).status_code == 403
    detail = admin_client.get(reverse("admin:notifications_notification_change", args=[dead.pk]))
    assert detail.status_code == 200
    assert "Máy chủ thư không nhận thư." in detail.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            changelist,
            {"action": "retry", "_selected_action": [dead.pk, sent.pk]},
            follow=True,
        )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Đã đưa 1 thông báo vào hàng đợi gửi lại." in text
    assert "Bỏ qua 1 thông báo" in text
    dead.refresh_from_db()
    assert dead.status == NotificationStatus.SENT
    assert dead.attempts == 1
    assert email_transport.calls == 1
    assert email_transport.sent[0].recipient == "an@example.vn"


def test_template_admin_validates_and_audits_edits(
    templates: None, admin_client: Client, admin_user: Any
) -> None:
    template = NotificationTemplate.objects.get(key="dossier.result_ready", channel="sms")
    url = reverse("admin:notifications_notificationtemplate_change", args=[template.pk])
    assert admin_client.get(url).status_code == 200
    form = {"active": "on", "subject": "", "body": "Hồ sơ {% if code %}", "description": "x"}

    bad = admin_client.post(url, form)
    assert bad.status_code == 200  # the form again, with the error
    assert "Mẫu sai cú pháp" in bad.content.decode()
    template.refresh_from_db()
    assert template.body.startswith("Hồ sơ {{ code }} đã có kết quả")

    with_subject = admin_client.post(url, {**form, "subject": "Tiêu đề", "body": "{{ code }}"})
    assert with_subject.status_code == 200
    assert "Tin nhắn SMS không có tiêu đề" in with_subject.content.decode()

    good = admin_client.post(url, {**form, "body": "Hồ sơ {{ code }} có kết quả rồi."})
    assert good.status_code == 302
    template.refresh_from_db()
    assert template.body == "Hồ sơ {{ code }} có kết quả rồi."
    assert template.key == "dossier.result_ready"  # read-only once created
    entry = LogEntry.objects.get_for_object(template).latest("timestamp")
    assert entry.actor == admin_user

    delete = reverse("admin:notifications_notificationtemplate_delete", args=[template.pk])
    assert admin_client.get(delete).status_code == 403


def test_template_admin_adds_a_template(templates: None, admin_client: Client) -> None:
    url = reverse("admin:notifications_notificationtemplate_add")
    response = admin_client.post(
        url,
        {
            "key": "Sai Ma",
            "channel": "email",
            "active": "on",
            "subject": "Tiêu đề",
            "body": "Nội dung",
        },
    )
    assert response.status_code == 200
    assert "Mã mẫu chỉ gồm chữ thường không dấu" in response.content.decode()
    response = admin_client.post(
        url,
        {
            "key": "dossier.received",
            "channel": "email",
            "active": "on",
            "subject": "Tiêu đề",
            "body": "Nội dung",
        },
    )
    assert response.status_code == 200  # already exists for this channel
    assert NotificationTemplate.objects.filter(key="dossier.received", channel="email").count() == 1
    response = admin_client.post(
        url,
        {
            "key": "dossier.transferred",
            "channel": "email",
            "active": "on",
            "subject": "Hồ sơ {{ code }} dừng giải quyết",
            "body": "Hồ sơ {{ code }} đã dừng giải quyết.",
        },
    )
    assert response.status_code == 302
    assert NotificationTemplate.objects.get(key="dossier.transferred").channel == "email"
