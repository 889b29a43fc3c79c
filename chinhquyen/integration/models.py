"""Exchange between deployments: the peer registry, the outbox, received messages and the
local sandbox of the national document axis."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class TransportKind(models.TextChoices):
    DIRECT = "direct", "Trực tiếp (điểm - điểm)"
    AXIS = "axis", "Qua Trục liên thông văn bản quốc gia"


class Peer(models.Model):
    """An agency of another deployment this one exchanges documents with (danh bạ liên thông).

    Managed by the IT administrator; the certificate is the one its messages are signed with.
    """

    agency_code = models.CharField("mã định danh", max_length=35, unique=True)
    name = models.CharField("tên cơ quan", max_length=255)
    endpoint_url = models.URLField(
        "địa chỉ nhận",
        max_length=500,
        help_text="Điểm nhận edXML của hệ thống bên kia, ví dụ "
        "https://vanban.tinh-b.gov.vn/api/v1/integration/edxml/",
    )
    transport = models.CharField(
        "cách gửi", max_length=10, choices=TransportKind.choices, default=TransportKind.DIRECT
    )
    certificate_pem = models.TextField("chứng thư số (PEM)")
    fingerprint = models.CharField(
        "dấu vân tay SHA-256", max_length=64, editable=False, default="", db_index=True
    )
    not_after = models.DateTimeField("chứng thư hết hạn", null=True, editable=False)
    is_active = models.BooleanField("đang liên thông", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "cơ quan liên thông"
        verbose_name_plural = "danh bạ liên thông"
        ordering = ["agency_code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency_code})"


class OutboxKind(models.TextChoices):
    DOCUMENT = "document", "Văn bản"
    STATUS = "status", "Trạng thái"


class OutboxState(models.TextChoices):
    PENDING = "pending", "Chờ gửi"
    SENT = "sent", "Đã gửi"
    DEAD = "dead", "Gửi thất bại (chờ xử lý)"


class OutboxMessage(models.Model):
    """A message waiting to leave for a peer. It is built and signed at each attempt (a fresh
    message id and time), so a retry is never taken for a replay; the receiver is idempotent
    on the DocumentId."""

    kind = models.CharField("loại", max_length=10, choices=OutboxKind.choices)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="outbox")
    exchange_message = models.ForeignKey(
        "documents.ExchangeMessage", on_delete=models.CASCADE, related_name="+"
    )
    status_code = models.CharField("mã trạng thái", max_length=2, blank=True)
    status_description = models.TextField("mô tả trạng thái", blank=True)
    status_at = models.DateTimeField("thời điểm trạng thái", null=True, blank=True)
    state = models.CharField(
        "tình trạng", max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveIntegerField("số lần gửi", default=0)
    next_attempt_at = models.DateTimeField("gửi lần tới", default=timezone.now)
    last_error = models.TextField("lỗi gần nhất", blank=True)
    receipt = models.JSONField("biên nhận", default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField("gửi thành công lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thông điệp chờ gửi"
        verbose_name_plural = "hàng đợi gửi liên thông"
        ordering = ["pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="integ_outbox_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.peer.agency_code} ({self.state})"


class InboundMessage(models.Model):
    """A message accepted from a peer: the original signed XML, kept beside what it created.

    ``message_id`` is unique (a replayed message is refused); ``document_key`` makes a
    document delivered twice register once.
    """

    message_id = models.CharField("mã thông điệp", max_length=64, unique=True)
    sent_at = models.DateTimeField("gửi lúc")
    received_at = models.DateTimeField("nhận lúc", default=timezone.now)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="inbound")
    kind = models.CharField("loại", max_length=10, choices=OutboxKind.choices)
    document_id = models.CharField("mã văn bản (DocumentId)", max_length=255)
    business_type = models.PositiveSmallIntegerField("nghiệp vụ", default=0)
    status_code = models.CharField("mã trạng thái", max_length=2, blank=True)
    to_organ_id = models.CharField("mã định danh nơi nhận", max_length=35, blank=True)
    document_key = models.CharField(
        "khóa chống trùng", max_length=400, null=True, blank=True, unique=True
    )
    exchange_message = models.ForeignKey(
        "documents.ExchangeMessage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    xml = models.FileField("thông điệp gốc", upload_to="integration/inbound/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = "thông điệp đã nhận"
        verbose_name_plural = "thông điệp đã nhận"
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.document_id}"


class AxisEnvelope(models.Model):
    """The local sandbox of the national document axis: a stored message waiting for its
    recipient to fetch it (store and forward)."""

    to_organ_id = models.CharField("mã định danh nơi nhận", max_length=35, db_index=True)
    from_organ_id = models.CharField("mã định danh nơi gửi", max_length=35)
    data = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "thông điệp trên trục (thử nghiệm)"
        verbose_name_plural = "trục liên thông thử nghiệm"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.from_organ_id} → {self.to_organ_id} #{self.pk}"


# --- outgoing webhooks (Standard Webhooks) ----------------------------------------------------


class WebhookEndpoint(models.Model):
    """An external system that receives the platform's events, signed per Standard Webhooks.

    The secret is kept sealed (encrypted with a key derived from SECRET_KEY); after a rotation
    the previous secret also signs until ``previous_secret_until``, so the receiver can switch
    without losing a message."""

    name = models.CharField("tên hệ thống nhận", max_length=200)
    url = models.URLField("địa chỉ nhận (HTTPS)", max_length=500)
    event_types = models.JSONField("loại sự kiện", default=list)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="phạm vi (cơ quan và các đơn vị trực thuộc)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Để trống: sự kiện của toàn tỉnh.",
    )
    secret_sealed = models.TextField(editable=False)
    previous_secret_sealed = models.TextField(editable=False, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField("đang gửi", default=True)
    # one sender at a time per endpoint keeps the order (claimed by a conditional UPDATE)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "điểm nhận webhook"
        verbose_name_plural = "điểm nhận webhook"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class WebhookState(models.TextChoices):
    PENDING = "pending", "Chờ gửi"
    DELIVERED = "delivered", "Đã gửi"
    DEAD = "dead", "Gửi thất bại"


class WebhookDelivery(models.Model):
    """One event for one endpoint, delivered in id order per endpoint (a failing head holds the
    later events back, so a receiver that was down gets them later, in order)."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_type = models.CharField("loại sự kiện", max_length=40)
    key = models.CharField("khóa sự kiện", max_length=120)
    msg_id = models.CharField("webhook-id", max_length=40, unique=True)
    payload = models.JSONField()
    state = models.CharField(
        "trạng thái", max_length=10, choices=WebhookState.choices, default=WebhookState.PENDING
    )
    attempts = models.PositiveIntegerField("số lần gửi", default=0)
    next_attempt_at = models.DateTimeField("gửi lần tới", default=timezone.now)
    last_status = models.PositiveSmallIntegerField("mã HTTP gần nhất", null=True, blank=True)
    last_error = models.CharField("lỗi gần nhất", max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField("gửi thành công lúc", null=True, blank=True)

    class Meta:
        verbose_name = "lần gửi webhook"
        verbose_name_plural = "nhật ký gửi webhook"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "key"], name="integration_webhook_once")
        ]
        indexes = [
            models.Index(fields=["endpoint", "state", "id"], name="integration_webhook_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint} ({self.get_state_display()})"


class WebhookAttempt(models.Model):
    """The delivery log: every HTTP attempt with its answer."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    at = models.DateTimeField(default=timezone.now)
    status = models.PositiveSmallIntegerField("mã HTTP", null=True, blank=True)
    error = models.CharField("lỗi", max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField("thời gian (ms)", default=0)

    class Meta:
        verbose_name = "lượt gửi webhook"
        verbose_name_plural = "lượt gửi webhook"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M:%S} — {self.status or self.error}"
