"""Notifications: an outbox of e-mails and SMS, and the templates they are rendered from.

``Notification`` is the outbox: a service writes the row inside the caller's transaction and a
background task delivers it (``services.notify`` / ``services.notification_deliver``), so a
rolled-back write notifies nobody and a crash after the commit loses nothing. The row keeps the
rendered text that was (or will be) sent, the delivery attempts and the provider's message id.

``NotificationTemplate`` holds the Vietnamese texts as data an administrator edits; a data
migration seeds the one-stop shop's templates. ``SandboxSms`` stores the messages received by
the local SMS gateway sandbox (``views.sms_sandbox``), which speaks the ``http_json`` protocol.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .rendering import SUBJECT_MAX_LENGTH, validate_template_source

TEMPLATE_KEY_MAX_LENGTH = 100
RECIPIENT_MAX_LENGTH = 254
DEDUPE_KEY_MAX_LENGTH = 200
PROVIDER_ID_MAX_LENGTH = 255
ERROR_MAX_LENGTH = 2000

# A new delivery attempt waits this long after the n-th failed attempt; after the last delay
# one more attempt is made, and when it fails too the notification is dead.
BACKOFF: tuple[dt.timedelta, ...] = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1

template_key_validator = RegexValidator(
    r"^[a-z0-9]+(?:[._][a-z0-9]+)*\Z",
    "Mã mẫu chỉ gồm chữ thường không dấu, chữ số, dấu chấm và gạch dưới (ví dụ: dossier.received).",
)


class Channel(models.TextChoices):
    EMAIL = "email", "Thư điện tử"
    SMS = "sms", "Tin nhắn SMS"


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", "Chờ gửi"
    SENDING = "sending", "Đang gửi"
    SENT = "sent", "Đã gửi"
    FAILED = "failed", "Gửi lỗi, sẽ thử lại"
    DEAD = "dead", "Đã ngừng thử"


# Rows a delivery task may claim (once ``next_attempt_at`` has passed).
RETRYABLE_STATUSES = (NotificationStatus.QUEUED, NotificationStatus.FAILED)


class NotificationTemplate(models.Model):
    """A Vietnamese message template (Django template syntax), per key and channel."""

    key = models.CharField(
        "mã mẫu",
        max_length=TEMPLATE_KEY_MAX_LENGTH,
        validators=[template_key_validator],
        help_text="Mã mà phần mềm dùng để chọn mẫu, ví dụ dossier.received.",
    )
    channel = models.CharField("kênh", max_length=10, choices=Channel.choices)
    subject = models.CharField(
        "tiêu đề",
        max_length=SUBJECT_MAX_LENGTH,
        blank=True,
        validators=[validate_template_source],
        help_text="Bắt buộc với thư điện tử; bỏ trống với SMS.",
    )
    body = models.TextField(
        "nội dung",
        validators=[validate_template_source],
        help_text="Cú pháp mẫu Django, ví dụ {{ code }}. Biến không có sẽ hiện thành chuỗi rỗng.",
    )
    description = models.TextField(
        "ghi chú cho quản trị",
        blank=True,
        help_text="Khi nào mẫu được gửi và các biến có thể dùng.",
    )
    active = models.BooleanField(
        "đang dùng", default=True, help_text="Bỏ chọn để ngừng gửi loại thông báo này."
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "mẫu thông báo"
        verbose_name_plural = "mẫu thông báo"
        ordering = ["key", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["key", "channel"], name="ntf_template_key_channel"),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="ntf_template_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.get_channel_display()})"

    def clean(self) -> None:
        if self.channel == Channel.EMAIL and not self.subject.strip():
            raise ValidationError({"subject": "Mẫu thư điện tử phải có tiêu đề."})
        if self.channel == Channel.SMS and self.subject.strip():
            raise ValidationError({"subject": "Tin nhắn SMS không có tiêu đề: hãy bỏ trống."})


class Notification(models.Model):
    """One message to one recipient through one channel (the outbox row)."""

    channel = models.CharField("kênh", max_length=10, choices=Channel.choices)
    recipient = models.CharField(
        "người nhận",
        max_length=RECIPIENT_MAX_LENGTH,
        help_text="Địa chỉ thư điện tử, hoặc số di động dạng 84xxxxxxxxx.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    template_key = models.CharField("mã mẫu", max_length=TEMPLATE_KEY_MAX_LENGTH)
    context = models.JSONField("dữ liệu", default=dict, blank=True, encoder=DjangoJSONEncoder)
    subject = models.CharField("tiêu đề", max_length=SUBJECT_MAX_LENGTH, blank=True)
    body = models.TextField("nội dung")
    body_html = models.TextField("nội dung HTML", blank=True)
    status = models.CharField(
        "trạng thái",
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField("số lần thử", default=0)
    # The outbox's "not before": the delivery task and the sweep only take a row once this has
    # passed (the next retry after a failure, or the end of the recipient's quiet hours).
    next_attempt_at = models.DateTimeField(
        "gửi từ lúc",
        default=timezone.now,
        help_text=(
            "Không gửi trước lúc này: lần thử lại kế tiếp, hoặc hết giờ yên lặng của người nhận."
        ),
    )
    enqueued_at = models.DateTimeField(
        "đưa vào hàng đợi lúc",
        null=True,
        blank=True,
        help_text="Khi một tác vụ gửi đang chờ trong hàng đợi; xóa khi tác vụ nhận việc.",
    )
    claimed_at = models.DateTimeField("bắt đầu lần gửi gần nhất", null=True, blank=True)
    last_error = models.TextField("lỗi gần nhất", blank=True)
    transport = models.CharField("cổng gửi", max_length=50, blank=True)
    provider_message_id = models.CharField(
        "mã tin của nhà cung cấp", max_length=PROVIDER_ID_MAX_LENGTH, blank=True
    )
    sent_at = models.DateTimeField("gửi thành công lúc", null=True, blank=True)
    dedupe_key = models.CharField(
        "khóa chống trùng",
        max_length=DEDUPE_KEY_MAX_LENGTH,
        null=True,
        blank=True,
        unique=True,
        help_text="Cùng một sự kiện chỉ thông báo một lần, ví dụ dossier:42:received:email.",
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "hộp thư đi (thông báo)"
        ordering = ["-created_at", "-pk"]
        indexes = [
            # the sweep: rows waiting for an attempt, by due time
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["queued", "failed"]),
                name="ntf_due_idx",
            ),
            # the sweep: attempts interrupted by a crash
            models.Index(
                fields=["claimed_at"], condition=Q(status="sending"), name="ntf_stuck_idx"
            ),
            models.Index(fields=["created_at"], name="ntf_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="ntf_notification_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=NotificationStatus.values),
                name="ntf_notification_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_key} → {self.recipient} ({self.get_status_display()})"


class NotificationPreference(models.Model):
    """An official's choices for reminders, digests and escalations ("cài đặt nhắc việc").

    Only the kinds listed in ``preferences.PREFERENCE_KINDS`` follow it; security alerts, OTP
    codes and notices to citizens never do. Without a row the defaults apply (e-mail on, SMS
    off, the daily digest on, no quiet hours), which is the behaviour before preferences
    existed. Quiet hours are local times (Asia/Ho_Chi_Minh) and may cross midnight
    (21:00–07:00); a message falling inside them is delivered when they end, never dropped.
    The "Việc cần làm" page is the in-app view and is always there.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_enabled = models.BooleanField("nhận qua thư điện tử", default=True)
    sms_enabled = models.BooleanField("nhận qua tin nhắn SMS", default=False)
    digest_enabled = models.BooleanField("nhận bản tin việc cần làm hằng ngày", default=True)
    quiet_start = models.TimeField("giờ yên lặng từ", null=True, blank=True)
    quiet_end = models.TimeField("giờ yên lặng đến", null=True, blank=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "cài đặt nhắc việc"
        verbose_name_plural = "cài đặt nhắc việc"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(quiet_start__isnull=True, quiet_end__isnull=True)
                    | (
                        Q(quiet_start__isnull=False, quiet_end__isnull=False)
                        & ~Q(quiet_start=models.F("quiet_end"))
                    )
                ),
                name="ntf_pref_quiet_hours_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Cài đặt nhắc việc của {self.user}"

    @property
    def has_quiet_hours(self) -> bool:
        return self.quiet_start is not None and self.quiet_end is not None

    def clean(self) -> None:
        if (self.quiet_start is None) != (self.quiet_end is None):
            missing = "quiet_end" if self.quiet_end is None else "quiet_start"
            raise ValidationError({missing: "Hãy nhập cả giờ bắt đầu và giờ kết thúc yên lặng."})
        if self.quiet_start is not None and self.quiet_start == self.quiet_end:
            raise ValidationError({"quiet_end": "Giờ kết thúc yên lặng phải khác giờ bắt đầu."})


def _sandbox_message_id() -> str:
    return f"sandbox-{uuid.uuid4().hex}"


class SandboxSms(models.Model):
    """A message received by the local SMS gateway sandbox (demo and tests only)."""

    message_id = models.CharField(
        "mã tin", max_length=50, unique=True, default=_sandbox_message_id, editable=False
    )
    to = models.CharField("số nhận", max_length=20)
    message = models.TextField("nội dung")
    brandname = models.CharField("tên thương hiệu", max_length=20)
    idempotency_key = models.CharField(
        "khóa chống gửi trùng", max_length=100, null=True, blank=True, unique=True
    )
    received_at = models.DateTimeField("nhận lúc", auto_now_add=True)

    class Meta:
        verbose_name = "SMS thử nghiệm"
        verbose_name_plural = "SMS thử nghiệm (cổng sandbox)"
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.to}: {self.message[:40]}"
