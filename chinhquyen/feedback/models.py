"""Citizen reports (phản ánh, kiến nghị — PAKN), DOMAIN.md §11.

A ``FeedbackItem`` is received online, or entered by an officer from a phone call, a letter or
a visit. The province's coordinating unit (``FeedbackClocks.coordinating_unit``) classifies it:
rejects it with a reason, asks the sender for more information (the clock stops), or forwards
it to the competent unit that ``RoutingRule`` suggests by category and commune. A unit that is
not competent returns it. The competent unit assigns it, answers it (the unit head approves
the answer), and the answer is published on the public board when the sender consented and an
officer confirmed the published text carries no identity. The sender rates the answer and may
reopen the item once. Every state change writes a ``FeedbackEvent`` (append-only).

Clocks are working days of the legal calendar (``core.calendar``), kept as data in
``FeedbackClocks`` (one row per deployment, i.e. per province).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from chinhquyen.orgs.models import Organisation


class Kind(models.TextChoices):
    REGULATION = "regulation", "Quy định, chính sách, thủ tục hành chính"
    CONDUCT = "conduct", "Hành vi, thái độ của cán bộ, công chức"
    FIELD = "field", "Phản ánh hiện trường"


class Channel(models.TextChoices):
    ONLINE = "online", "Trực tuyến"
    PHONE = "phone", "Điện thoại"
    LETTER = "letter", "Văn bản, thư"
    IN_PERSON = "in_person", "Trực tiếp"


class Status(models.TextChoices):
    NEW = "new", "Chờ phân loại"
    INFO_REQUESTED = "info_requested", "Chờ bổ sung thông tin"
    REJECTED = "rejected", "Không tiếp nhận"
    FORWARDED = "forwarded", "Đã chuyển đơn vị xử lý"
    RETURNED = "returned", "Bị trả lại, chờ chuyển lại"
    IN_PROGRESS = "in_progress", "Đang xử lý"
    AWAITING_APPROVAL = "awaiting_approval", "Chờ lãnh đạo duyệt trả lời"
    ANSWERED = "answered", "Đã trả lời"
    PUBLISHED = "published", "Đã công khai"
    MERGED = "merged", "Đã gộp vào phản ánh khác"


class ContactChannel(models.TextChoices):
    SMS = "sms", "Điện thoại di động"
    EMAIL = "email", "Thư điện tử"


class FeedbackCategory(models.Model):
    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("tên lĩnh vực phản ánh", max_length=120)
    active = models.BooleanField("đang dùng", default=True)
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "lĩnh vực phản ánh"
        verbose_name_plural = "lĩnh vực phản ánh"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class FeedbackClocks(models.Model):
    """The province's clocks (working days) and its coordinating unit; one row (pk=1)."""

    coordinating_unit = models.ForeignKey(
        Organisation,
        verbose_name="đơn vị đầu mối tiếp nhận, phân loại",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    classify_days = models.PositiveSmallIntegerField(
        "phân loại / từ chối (ngày làm việc)", default=2
    )
    info_days = models.PositiveSmallIntegerField("đề nghị bổ sung thông tin", default=5)
    forward_days = models.PositiveSmallIntegerField("chuyển đơn vị có thẩm quyền", default=5)
    answer_days = models.PositiveSmallIntegerField("trả lời", default=15)
    publish_days = models.PositiveSmallIntegerField("công khai trả lời", default=2)
    max_photos = models.PositiveSmallIntegerField("số ảnh tối đa mỗi phản ánh", default=5)

    class Meta:
        verbose_name = "thời hạn xử lý phản ánh"
        verbose_name_plural = "thời hạn xử lý phản ánh"

    def __str__(self) -> str:
        return "Thời hạn xử lý phản ánh, kiến nghị"


class RoutingRule(models.Model):
    """Category × commune → competent unit; blank matches any (the most specific rule wins)."""

    category = models.ForeignKey(
        FeedbackCategory, verbose_name="lĩnh vực", null=True, blank=True, on_delete=models.CASCADE
    )
    commune = models.ForeignKey(
        Organisation,
        verbose_name="xã, phường",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name="đơn vị có thẩm quyền",
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "quy tắc chuyển phản ánh"
        verbose_name_plural = "quy tắc chuyển phản ánh"
        constraints = [
            models.UniqueConstraint(
                fields=["category", "commune"],
                name="feedback_routing_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.category or 'Mọi lĩnh vực'} / {self.commune or 'mọi xã'} → {self.unit}"


class FeedbackItem(models.Model):
    code = models.CharField("mã phản ánh", max_length=32, unique=True)
    lookup_pin_hash = models.CharField(max_length=64, editable=False)
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    category = models.ForeignKey(
        FeedbackCategory, verbose_name="lĩnh vực", on_delete=models.PROTECT, related_name="items"
    )
    title = models.CharField("tiêu đề", max_length=200)
    text = models.TextField("nội dung")
    latitude = models.DecimalField("vĩ độ", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        "kinh độ", max_digits=9, decimal_places=6, null=True, blank=True
    )
    address = models.CharField("địa điểm", max_length=255, blank=True)
    commune = models.ForeignKey(
        Organisation,
        verbose_name="xã, phường",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # the sender (never shown on the public board)
    sender_name = models.CharField("họ tên người gửi", max_length=120)
    sender_contact = models.CharField("số điện thoại / thư điện tử", max_length=254)
    contact_channel = models.CharField(max_length=10, choices=ContactChannel.choices)
    contact_verified = models.BooleanField("đã xác minh liên hệ", default=False)
    consent_publish = models.BooleanField("đồng ý công khai", default=False)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_items",
    )
    channel = models.CharField("kênh tiếp nhận", max_length=12, choices=Channel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField("trạng thái", max_length=20, choices=Status.choices)
    coordinating_unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị đầu mối"
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name="đơn vị xử lý",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_by = models.ManyToManyField(Organisation, blank=True, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ xử lý",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # clocks
    received_at = models.DateTimeField("thời điểm tiếp nhận")
    forward_due_at = models.DateTimeField("hạn chuyển đơn vị có thẩm quyền")
    due_at = models.DateTimeField("hạn của bước hiện tại", null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_remaining = models.DurationField(null=True, blank=True)
    info_request = models.TextField("nội dung đề nghị bổ sung", blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    answer_due_at = models.DateTimeField("hạn trả lời", null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    publish_due_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.TextField("lý do", blank=True)
    reopened = models.BooleanField("đã mở lại", default=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_items"
    )
    # the text the public board shows (confirmed by an officer: no identity)
    public_title = models.CharField(max_length=200, blank=True)
    public_text = models.TextField(blank=True)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "phản ánh, kiến nghị"
        verbose_name_plural = "phản ánh, kiến nghị"
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="feedback_item_board"),
            models.Index(fields=["unit", "status"], name="feedback_item_unit"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="feedback_item_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.PUBLISHED) | Q(consent_publish=True),
                name="feedback_item_published_with_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.code


def file_path(instance: FeedbackFile, filename: str) -> str:
    extension = filename.rpartition(".")[2].lower() or "bin"
    return f"feedback/{uuid.uuid4().hex}.{extension}"


class FileKind(models.TextChoices):
    PHOTO = "photo", "Ảnh của người phản ánh"
    EVIDENCE = "evidence", "Minh chứng xử lý"


class FeedbackFile(models.Model):
    """A photo (re-encoded: no EXIF/GPS, resized) or an answer's document. Only the processed
    file is stored; the original upload is never kept."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="files")
    answer = models.ForeignKey(
        "FeedbackAnswer", null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField(max_length=10, choices=FileKind.choices)
    file = models.FileField(upload_to=file_path)
    name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tệp phản ánh"
        verbose_name_plural = "tệp phản ánh"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class FeedbackAnswer(models.Model):
    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="answers")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("nội dung trả lời")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_back_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = "trả lời phản ánh"
        verbose_name_plural = "trả lời phản ánh"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Trả lời {self.item_id}"


class FeedbackRating(models.Model):
    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="ratings")
    answer = models.OneToOneField(FeedbackAnswer, on_delete=models.CASCADE, related_name="rating")
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    satisfied = models.BooleanField("hài lòng")
    comment = models.TextField("ý kiến", blank=True)
    rated_at = models.DateTimeField()

    class Meta:
        verbose_name = "đánh giá trả lời phản ánh"
        verbose_name_plural = "đánh giá trả lời phản ánh"

    def __str__(self) -> str:
        return "Hài lòng" if self.satisfied else "Không hài lòng"


class FeedbackEvent(models.Model):
    """Append-only history: who, when, from, to, reason."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = "lịch sử phản ánh"
        verbose_name_plural = "lịch sử phản ánh"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%d/%m/%Y}"

    def get_action_label(self) -> str:
        from .workflow import ACTION_LABELS

        return ACTION_LABELS.get(self.action, self.action)


class ContactCode(models.Model):
    """A one-time code sent to an anonymous sender's phone or e-mail (keyed hash only)."""

    contact = models.CharField(max_length=254, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "mã xác minh liên hệ"
        verbose_name_plural = "mã xác minh liên hệ"

    def __str__(self) -> str:
        return self.contact
