"""Official documents (Nghị định 30/2020/NĐ-CP, công tác văn thư).

Reference data an administrator edits (``DocumentType``, ``IssuerProfile``,
``UnitAbbreviation``); registers and their counters (``Register``, ``RegisterCounter``: one
row-locked counter per organisation, year, direction and sequence); incoming documents with
their files, assignments to units and tasks for officials; outgoing documents with their
approval chain and recipients; the exchange of documents between organisations of this
deployment (``ExchangeMessage`` shaped like an edXML MessageHeader, ``ExchangeStatus`` feedback
rows); and an append-only history of every state change (``DocumentEvent``).

Numbers are given by ``numbering.next_number`` only when an incoming document is registered or
an outgoing document is issued, inside the transaction that stores them; UNIQUE constraints on
(register, number) are the backstop.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from chinhquyen.orgs.models import Organisation


def _upload_path(prefix: str, filename: str) -> str:
    """A random storage name keeping only the detected extension (see ``files.py``)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    today = timezone.localdate()
    return f"documents/{prefix}/{today:%Y/%m}/{uuid.uuid4().hex}.{ext}"


def incoming_file_path(instance: object, filename: str) -> str:
    return _upload_path("incoming", filename)


def outgoing_file_path(instance: object, filename: str) -> str:
    return _upload_path("outgoing", filename)


# --------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------


class DocumentType(models.Model):
    """A type of document (tên loại văn bản) and its abbreviation used in the notation.

    A type without abbreviation (Công văn) is numbered ``<number>/<issuer>-<drafting unit>``;
    any other as ``<number>/<type>-<issuer>``.
    """

    name = models.CharField("tên loại văn bản", max_length=100, unique=True)
    abbreviation = models.CharField(
        "chữ viết tắt",
        max_length=10,
        blank=True,
        help_text="Để trống với Công văn (ký hiệu ghi theo đơn vị soạn thảo).",
    )
    is_legal_normative = models.BooleanField(
        "văn bản quy phạm pháp luật",
        default=False,
        help_text="Mặc định cho văn bản loại này: được cấp số theo hệ thống số riêng.",
    )
    edxml_code = models.CharField(
        "mã loại văn bản khi liên thông", max_length=10, blank=True, help_text="Theo QCVN 102."
    )
    order = models.PositiveSmallIntegerField("thứ tự hiển thị", default=100)
    active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "loại văn bản"
        verbose_name_plural = "loại văn bản"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name

    @property
    def is_letter(self) -> bool:
        """Công văn: no abbreviation of its own."""
        return not self.abbreviation


class IssuerProfile(models.Model):
    """An organisation that issues documents: its abbreviation in notations and its header."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name="cơ quan ban hành",
        on_delete=models.CASCADE,
        related_name="issuer_profile",
    )
    abbreviation = models.CharField(
        "chữ viết tắt tên cơ quan", max_length=20, help_text="Ví dụ UBND, STP."
    )
    parent_name = models.CharField(
        "tên cơ quan chủ quản",
        max_length=255,
        blank=True,
        help_text="Dòng trên của tiêu đề, ví dụ UBND TỈNH NINH BÌNH.",
    )
    place_name = models.CharField(
        "địa danh", max_length=100, blank=True, help_text="Ví dụ Ninh Bình."
    )

    class Meta:
        verbose_name = "cơ quan ban hành văn bản"
        verbose_name_plural = "cơ quan ban hành văn bản"
        ordering = ["organisation__path"]

    def __str__(self) -> str:
        return f"{self.abbreviation} — {self.organisation}"


class UnitAbbreviation(models.Model):
    """The abbreviation of a drafting unit, used in the notation of công văn (``12/UBND-VX``)."""

    unit = models.OneToOneField(
        Organisation,
        verbose_name="đơn vị soạn thảo",
        on_delete=models.CASCADE,
        related_name="document_abbreviation",
    )
    abbreviation = models.CharField("chữ viết tắt", max_length=20, help_text="Ví dụ VX, KT.")

    class Meta:
        verbose_name = "chữ viết tắt đơn vị soạn thảo"
        verbose_name_plural = "chữ viết tắt đơn vị soạn thảo"
        ordering = ["unit__path"]

    def __str__(self) -> str:
        return f"{self.abbreviation} — {self.unit}"


# --------------------------------------------------------------------------------------------
# Registers and numbering
# --------------------------------------------------------------------------------------------


class RegisterKind(models.TextChoices):
    INCOMING = "incoming", "Sổ văn bản đến"
    OUTGOING = "outgoing", "Sổ văn bản đi"


class SequenceKind(models.TextChoices):
    REGULAR = "regular", "Văn bản thường"
    LEGAL_NORMATIVE = "legal_normative", "Văn bản quy phạm pháp luật"
    SECRET = "secret", "Văn bản mật"


class Register(models.Model):
    """A register (sổ đăng ký văn bản) of one organisation for one year and one sequence."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="cơ quan",
        on_delete=models.PROTECT,
        related_name="document_registers",
    )
    year = models.PositiveSmallIntegerField("năm")
    kind = models.CharField("loại sổ", max_length=10, choices=RegisterKind.choices)
    sequence = models.CharField(
        "hệ thống số", max_length=20, choices=SequenceKind.choices, default=SequenceKind.REGULAR
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "sổ đăng ký văn bản"
        verbose_name_plural = "sổ đăng ký văn bản"
        ordering = ["organisation__path", "-year", "kind", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "kind", "sequence"],
                name="documents_register_unique",
            ),
        ]

    def __str__(self) -> str:
        label = RegisterKind(self.kind).label
        if self.sequence != SequenceKind.REGULAR:
            label += f" ({SequenceKind(self.sequence).label.lower()})"
        return f"{label} năm {self.year} — {self.organisation}"


class RegisterCounter(models.Model):
    """The last number given in a register; locked with ``select_for_update`` to give the next."""

    register = models.OneToOneField(Register, on_delete=models.CASCADE, related_name="counter")
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "bộ đếm số văn bản"
        verbose_name_plural = "bộ đếm số văn bản"

    def __str__(self) -> str:
        return f"{self.register}: {self.last_number}"


# --------------------------------------------------------------------------------------------
# Shared choices
# --------------------------------------------------------------------------------------------


class Urgency(models.TextChoices):
    NORMAL = "normal", "Thường"
    URGENT = "urgent", "Khẩn"
    VERY_URGENT = "very_urgent", "Thượng khẩn"
    FLASH = "flash", "Hỏa tốc"


class Secrecy(models.TextChoices):
    NORMAL = "normal", "Thường"
    CONFIDENTIAL = "confidential", "Mật"
    SECRET = "secret", "Tối mật"
    TOP_SECRET = "top_secret", "Tuyệt mật"


# edXML OtherInfo/Priority: 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc.
URGENCY_PRIORITY: dict[str, int] = {
    Urgency.NORMAL: 0,
    Urgency.URGENT: 1,
    Urgency.VERY_URGENT: 2,
    Urgency.FLASH: 3,
}
PRIORITY_URGENCY: dict[int, str] = {v: k for k, v in URGENCY_PRIORITY.items()}


# --------------------------------------------------------------------------------------------
# Incoming documents
# --------------------------------------------------------------------------------------------


class IncomingStatus(models.TextChoices):
    RECEIVED = "received", "Chờ vào sổ"
    REGISTERED = "registered", "Đã vào sổ"
    SUBMITTED = "submitted", "Đã trình lãnh đạo"
    ASSIGNED = "assigned", "Đã phân công"
    IN_PROGRESS = "in_progress", "Đang xử lý"
    COMPLETED = "completed", "Đã hoàn thành"
    RETURNED = "returned", "Đã trả lại nơi gửi"
    WITHDRAWN = "withdrawn", "Nơi gửi đã thu hồi"


class IncomingDocument(models.Model):
    """An incoming document (văn bản đến) and its register entry."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="cơ quan nhận",
        on_delete=models.PROTECT,
        related_name="incoming_documents",
    )
    register = models.ForeignKey(
        Register,
        verbose_name="sổ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incoming_documents",
    )
    incoming_number = models.PositiveIntegerField("số đến", null=True, blank=True)
    received_at = models.DateTimeField("ngày đến", default=timezone.now)
    registered_at = models.DateTimeField("vào sổ lúc", null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="văn thư vào sổ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sender_organisation = models.ForeignKey(
        Organisation,
        verbose_name="cơ quan gửi (trong hệ thống)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sent_incoming_documents",
    )
    sender_name = models.CharField("tác giả (cơ quan gửi)", max_length=255)
    sender_code = models.CharField("mã định danh nơi gửi", max_length=35, blank=True)
    number_notation = models.CharField("số, ký hiệu", max_length=100, blank=True)
    document_date = models.DateField("ngày văn bản", null=True, blank=True)
    document_type = models.ForeignKey(
        DocumentType,
        verbose_name="loại văn bản",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.TextField("trích yếu")
    urgency = models.CharField(
        "độ khẩn", max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    secrecy = models.CharField(
        "độ mật", max_length=12, choices=Secrecy.choices, default=Secrecy.NORMAL
    )
    pages = models.PositiveIntegerField("số trang", null=True, blank=True)
    signer_name = models.CharField("người ký", max_length=150, blank=True)
    is_electronic = models.BooleanField("văn bản điện tử", default=False)
    signature_check = models.JSONField(
        "kết quả kiểm tra chữ ký số",
        default=dict,
        blank=True,
        help_text="valid, reason, signer, checked_at",
    )
    extracted_text = models.TextField("nội dung trích xuất", blank=True, editable=False)
    search_text = models.TextField(editable=False, default="")
    status = models.CharField(
        "trạng thái",
        max_length=12,
        choices=IncomingStatus.choices,
        default=IncomingStatus.REGISTERED,
    )
    deadline = models.DateField("hạn xử lý", null=True, blank=True)
    instructions = models.TextField("ý kiến chỉ đạo", blank=True)
    submitted_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="trình lãnh đạo",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("trình lúc", null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="lãnh đạo phân công",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField("phân công lúc", null=True, blank=True)
    completed_at = models.DateTimeField("hoàn thành lúc", null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người kết thúc",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completion_note = models.TextField("kết quả xử lý", blank=True)
    reply = models.ForeignKey(
        "OutgoingDocument",
        verbose_name="văn bản trả lời",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answered_incoming",
    )
    return_reason = models.TextField("lý do trả lại", blank=True)
    note = models.TextField("ghi chú", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "văn bản đến"
        verbose_name_plural = "văn bản đến"
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "incoming_number"],
                name="documents_incoming_number_unique",
                violation_error_message="Số đến này đã được dùng trong sổ.",
            ),
            models.CheckConstraint(
                condition=(Q(register__isnull=True) & Q(incoming_number__isnull=True))
                | (Q(register__isnull=False) & Q(incoming_number__isnull=False)),
                name="documents_incoming_number_with_register",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="documents_in_org_status"),
            models.Index(fields=["organisation", "-received_at"], name="documents_in_org_recv"),
            models.Index(fields=["deadline"], name="documents_in_deadline"),
            models.Index(fields=["-received_at", "-id"], name="documents_in_recv_id"),
        ]

    def __str__(self) -> str:
        if self.incoming_number is not None:
            return f"Văn bản đến số {self.incoming_number:02d}: {self.summary[:60]}"
        return f"Văn bản đến (chờ vào sổ): {self.summary[:60]}"

    @property
    def is_secret(self) -> bool:
        return self.secrecy != Secrecy.NORMAL

    @property
    def incoming_number_display(self) -> str:
        return f"{self.incoming_number:02d}" if self.incoming_number is not None else ""

    def is_overdue(self, on: dt.date | None = None) -> bool:
        if self.deadline is None or self.status in (
            IncomingStatus.COMPLETED,
            IncomingStatus.RETURNED,
            IncomingStatus.WITHDRAWN,
        ):
            return False
        return self.deadline < (on or timezone.localdate())


class IncomingFile(models.Model):
    """A file of an incoming document (a PDF scan or the electronic document itself)."""

    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("tệp", upload_to=incoming_file_path, max_length=255)
    name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    is_main = models.BooleanField("tệp chính", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tệp văn bản đến"
        verbose_name_plural = "tệp văn bản đến"
        ordering = ["-is_main", "pk"]

    def __str__(self) -> str:
        return self.name


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "Xử lý chính"
    COORDINATE = "coordinate", "Phối hợp"
    INFORM = "inform", "Để biết"


class Assignment(models.Model):
    """A unit named by the leader for an incoming document: lead, coordinate or for information.

    Reassigning deactivates the previous rows (kept for the history)."""

    document = models.ForeignKey(
        IncomingDocument, on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        Organisation, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField("vai trò", max_length=12, choices=AssignmentRole.choices)
    deadline = models.DateField("hạn xử lý", null=True, blank=True)
    instructions = models.TextField("ý kiến chỉ đạo", blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "phân công xử lý"
        verbose_name_plural = "phân công xử lý"
        ordering = ["document", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "unit"],
                condition=Q(active=True),
                name="documents_assignment_unit_once",
            ),
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(active=True, role="lead"),
                name="documents_assignment_one_lead",
            ),
        ]
        indexes = [models.Index(fields=["unit", "active"], name="documents_assign_unit")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.unit}"


class TaskStatus(models.TextChoices):
    OPEN = "open", "Chưa xử lý"
    IN_PROGRESS = "in_progress", "Đang xử lý"
    DONE = "done", "Đã xong"
    CANCELLED = "cancelled", "Đã hủy"


OPEN_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


class Task(models.Model):
    """Work a unit head passes to an official of the unit for an incoming document."""

    document = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="tasks")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    unit = models.ForeignKey(
        Organisation, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người xử lý",
        on_delete=models.PROTECT,
        related_name="document_tasks",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField("hạn", null=True, blank=True)
    instructions = models.TextField("nội dung giao", blank=True)
    status = models.CharField(
        "trạng thái", max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    result = models.TextField("kết quả", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "việc được giao"
        verbose_name_plural = "việc được giao"
        ordering = ["due", "pk"]
        indexes = [
            models.Index(fields=["assignee", "status"], name="documents_task_assignee"),
            models.Index(fields=["status", "due"], name="documents_task_due"),
        ]

    def __str__(self) -> str:
        return f"{self.assignee}: {self.document}"

    def is_overdue(self, on: dt.date | None = None) -> bool:
        return (
            self.due is not None
            and self.status in OPEN_TASK_STATUSES
            and self.due < (on or timezone.localdate())
        )


# --------------------------------------------------------------------------------------------
# Outgoing documents
# --------------------------------------------------------------------------------------------


class OutgoingStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    IN_REVIEW = "in_review", "Đang trình duyệt"
    RETURNED = "returned", "Trả lại để sửa"
    APPROVED = "approved", "Đã duyệt"
    ISSUED = "issued", "Đã cấp số"
    SIGNED = "signed", "Đã ký số"
    SENT = "sent", "Đã phát hành"
    REVOKED = "revoked", "Đã thu hồi"
    CANCELLED = "cancelled", "Đã hủy"


class OutgoingDocument(models.Model):
    """An outgoing document (văn bản đi): drafted, reviewed, numbered, signed and sent."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="cơ quan ban hành",
        on_delete=models.PROTECT,
        related_name="outgoing_documents",
    )
    drafting_unit = models.ForeignKey(
        Organisation,
        verbose_name="đơn vị soạn thảo",
        on_delete=models.PROTECT,
        related_name="drafted_documents",
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người soạn thảo",
        on_delete=models.PROTECT,
        related_name="drafted_documents",
    )
    document_type = models.ForeignKey(
        DocumentType, verbose_name="loại văn bản", on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField("trích yếu")
    body = models.TextField("nội dung", blank=True)
    is_legal_normative = models.BooleanField("văn bản quy phạm pháp luật", default=False)
    urgency = models.CharField(
        "độ khẩn", max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    secrecy = models.CharField(
        "độ mật", max_length=12, choices=Secrecy.choices, default=Secrecy.NORMAL
    )
    is_electronic = models.BooleanField(
        "văn bản điện tử",
        default=True,
        help_text="Bỏ chọn khi văn bản được ký tay trên giấy và tệp là bản quét.",
    )
    pages = models.PositiveIntegerField("số trang", null=True, blank=True)
    due_date = models.DateField("hạn trả lời", null=True, blank=True)
    file = models.FileField("tệp dự thảo", upload_to=outgoing_file_path, max_length=255, blank=True)
    file_name = models.CharField("tên tệp", max_length=255, blank=True)
    file_type = models.CharField("định dạng", max_length=10, blank=True)
    pdf_file = models.FileField(
        "bản PDF ban hành",
        upload_to=outgoing_file_path,
        max_length=255,
        blank=True,
        help_text="Bản PDF được ký số và phát hành (có chữ ký số sau khi ký).",
    )
    status = models.CharField(
        "trạng thái", max_length=12, choices=OutgoingStatus.choices, default=OutgoingStatus.DRAFT
    )
    review_round = models.PositiveSmallIntegerField("lượt trình", default=0)
    register = models.ForeignKey(
        Register,
        verbose_name="sổ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outgoing_documents",
    )
    number = models.PositiveIntegerField("số", null=True, blank=True)
    notation = models.CharField("ký hiệu", max_length=60, blank=True)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    issued_at = models.DateTimeField("cấp số lúc", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="văn thư cấp số",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người ký",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_authority = models.CharField(
        "thẩm quyền ký", max_length=100, blank=True, help_text="Ví dụ TM. ỦY BAN NHÂN DÂN, KT."
    )
    signer_title = models.CharField("chức vụ người ký", max_length=150, blank=True)
    signed_at = models.DateTimeField("ký số lúc", null=True, blank=True)
    sealed_at = models.DateTimeField("ký số cơ quan lúc", null=True, blank=True)
    sent_at = models.DateTimeField("phát hành lúc", null=True, blank=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)
    revoke_reason = models.TextField("lý do thu hồi", blank=True)
    in_reply_to = models.ForeignKey(
        IncomingDocument,
        verbose_name="trả lời văn bản đến",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
    )
    extracted_text = models.TextField(blank=True, editable=False)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "văn bản đi"
        verbose_name_plural = "văn bản đi"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "number"],
                name="documents_outgoing_number_unique",
                violation_error_message="Số văn bản này đã được dùng trong sổ.",
            ),
            models.CheckConstraint(
                condition=(Q(register__isnull=True) & Q(number__isnull=True))
                | (Q(register__isnull=False) & Q(number__isnull=False)),
                name="documents_outgoing_number_with_register",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="documents_out_org_status"),
            models.Index(fields=["drafted_by", "status"], name="documents_out_drafter"),
            models.Index(fields=["-created_at", "-id"], name="documents_out_created_id"),
        ]

    def __str__(self) -> str:
        if self.number is not None:
            return f"{self.number_notation}: {self.summary[:60]}"
        return f"Dự thảo: {self.summary[:60]}"

    @property
    def is_secret(self) -> bool:
        return self.secrecy != Secrecy.NORMAL

    @property
    def number_notation(self) -> str:
        if self.number is None:
            return ""
        return f"{self.number:02d}/{self.notation}" if self.notation else f"{self.number:02d}"


class ReviewDecision(models.TextChoices):
    PENDING = "pending", "Chờ cho ý kiến"
    APPROVED = "approved", "Đồng ý"
    REJECTED = "rejected", "Trả lại"


class ApprovalStep(models.Model):
    """One reviewer in the approval chain of an outgoing document (in order, per round)."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="approval_steps"
    )
    round = models.PositiveSmallIntegerField("lượt trình", default=1)
    order = models.PositiveSmallIntegerField("thứ tự")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người duyệt",
        on_delete=models.PROTECT,
        related_name="document_reviews",
    )
    decision = models.CharField(
        "ý kiến", max_length=10, choices=ReviewDecision.choices, default=ReviewDecision.PENDING
    )
    comment = models.TextField("nhận xét", blank=True)
    at = models.DateTimeField("lúc", null=True, blank=True)

    class Meta:
        verbose_name = "bước duyệt văn bản"
        verbose_name_plural = "bước duyệt văn bản"
        ordering = ["document", "round", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "round", "order"], name="documents_approval_step_unique"
            ),
        ]
        indexes = [models.Index(fields=["reviewer", "decision"], name="documents_review_todo")]

    def __str__(self) -> str:
        return f"{self.order}. {self.reviewer}: {self.get_decision_display()}"


class OutgoingRecipient(models.Model):
    """A recipient (nơi nhận): an organisation of this deployment or an external one by name."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="recipients"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="cơ quan nhận (trong hệ thống)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField("tên nơi nhận", max_length=255)
    agency_code = models.CharField("mã định danh", max_length=35, blank=True)

    class Meta:
        verbose_name = "nơi nhận"
        verbose_name_plural = "nơi nhận"
        ordering = ["document", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "organisation"],
                condition=Q(organisation__isnull=False),
                name="documents_recipient_org_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_internal(self) -> bool:
        return self.organisation_id is not None


# --------------------------------------------------------------------------------------------
# Exchange between organisations (edXML-shaped, QCVN 102:2016)
# --------------------------------------------------------------------------------------------


class BusinessType(models.IntegerChoices):
    NEW = 0, "Văn bản mới"
    REVOKE = 1, "Thu hồi"
    UPDATE = 2, "Cập nhật"
    REPLACE = 3, "Thay thế"


class StatusCode(models.TextChoices):
    ARRIVED = "01", "Đã đến"
    REFUSED = "02", "Từ chối tiếp nhận"
    ACCEPTED = "03", "Đã tiếp nhận"
    ASSIGNED = "04", "Đã phân công"
    IN_PROGRESS = "05", "Đang xử lý"
    COMPLETED = "06", "Hoàn thành"
    TAKE_BACK_REQUESTED = "13", "Đề nghị lấy lại"
    TAKE_BACK_AGREED = "15", "Đồng ý cho lấy lại"
    TAKE_BACK_REFUSED = "16", "Từ chối cho lấy lại"


class ExchangeMessage(models.Model):
    """One document sent from one organisation to one recipient (an edXML MessageHeader).

    Internal recipients get an incoming entry (``incoming``) at once; external ones wait for
    the transport between deployments. ``status`` is the latest feedback code.
    """

    outgoing = models.ForeignKey(
        OutgoingDocument,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exchange_messages",
    )
    incoming = models.ForeignKey(
        IncomingDocument,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exchange_messages",
    )
    related = models.ForeignKey(
        "self",
        verbose_name="thông điệp gốc",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followups",
        help_text="Với thu hồi, cập nhật, thay thế: thông điệp văn bản ban đầu.",
    )
    from_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_organ_id = models.CharField("mã định danh nơi gửi", max_length=35)
    from_name = models.CharField("tên nơi gửi", max_length=255)
    to_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_organ_id = models.CharField("mã định danh nơi nhận", max_length=35, blank=True)
    to_name = models.CharField("tên nơi nhận", max_length=255)
    code_number = models.CharField("số", max_length=20, blank=True)
    code_notation = models.CharField("ký hiệu", max_length=60, blank=True)
    promulgation_place = models.CharField("địa danh", max_length=100, blank=True)
    promulgation_date = models.DateField("ngày ban hành", null=True, blank=True)
    document_type_code = models.CharField("mã loại văn bản", max_length=10, blank=True)
    document_type_name = models.CharField("tên loại văn bản", max_length=100, blank=True)
    subject = models.TextField("trích yếu")
    content = models.TextField("nội dung", blank=True)
    signer_competence = models.CharField("thẩm quyền ký", max_length=100, blank=True)
    signer_position = models.CharField("chức vụ người ký", max_length=150, blank=True)
    signer_name = models.CharField("người ký", max_length=150, blank=True)
    due_date = models.DateField("hạn trả lời", null=True, blank=True)
    priority = models.PositiveSmallIntegerField("độ khẩn (0-3)", default=0)
    secrecy = models.CharField(
        "độ mật", max_length=12, choices=Secrecy.choices, default=Secrecy.NORMAL
    )
    page_count = models.PositiveIntegerField("số trang", null=True, blank=True)
    document_id = models.CharField("mã văn bản (DocumentId)", max_length=255)
    business_type = models.PositiveSmallIntegerField(
        "nghiệp vụ", choices=BusinessType.choices, default=BusinessType.NEW
    )
    business_reason = models.TextField("lý do", blank=True)
    attachments = models.JSONField("danh mục tệp đính kèm", default=list, blank=True)
    status = models.CharField(
        "trạng thái",
        max_length=2,
        choices=StatusCode.choices,
        blank=True,
        default="",
        help_text="Mã trạng thái phản hồi gần nhất; để trống khi nơi nhận chưa phản hồi.",
    )
    status_at = models.DateTimeField("cập nhật trạng thái lúc", null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "thông điệp liên thông"
        verbose_name_plural = "thông điệp liên thông"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["document_id"], name="documents_exchange_docid"),
            models.Index(fields=["to_organisation", "status"], name="documents_exchange_to"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.to_name} ({self.status})"


class ExchangeStatus(models.Model):
    """Status feedback of a recipient about one message (append-only)."""

    message = models.ForeignKey(ExchangeMessage, on_delete=models.CASCADE, related_name="statuses")
    code = models.CharField("mã trạng thái", max_length=2, choices=StatusCode.choices)
    description = models.TextField("mô tả", blank=True)
    organ_id = models.CharField("mã định danh nơi báo", max_length=35, blank=True)
    organ_name = models.CharField("nơi báo", max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "trạng thái liên thông"
        verbose_name_plural = "trạng thái liên thông"
        ordering = ["message", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.code} {self.get_code_display()}"


# --------------------------------------------------------------------------------------------
# History
# --------------------------------------------------------------------------------------------


class DocumentEvent(models.Model):
    """Append-only history of an incoming or outgoing document: who, when, from, to, why."""

    incoming = models.ForeignKey(
        IncomingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    outgoing = models.ForeignKey(
        OutgoingDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("thao tác", max_length=30)
    from_status = models.CharField("từ trạng thái", max_length=12, blank=True)
    to_status = models.CharField("sang trạng thái", max_length=12, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "lịch sử xử lý văn bản"
        verbose_name_plural = "lịch sử xử lý văn bản"
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(incoming__isnull=False) & Q(outgoing__isnull=True))
                | (Q(incoming__isnull=True) & Q(outgoing__isnull=False)),
                name="documents_event_one_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
