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
