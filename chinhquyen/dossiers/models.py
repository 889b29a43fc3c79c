"""The one-stop shop's dossiers (hồ sơ một cửa): intake, workflow position, clocks, history.

A ``Dossier`` is one application for a procedure. It keeps the ``ProcedureVersion`` it was
opened under, the organisation that received it (the one-stop desk's agency: its agency code
prefixes the dossier code) and the organisation competent to decide it (phi địa giới: they may
differ). Every state change goes through ``workflow.py`` and ``services.py`` and appends a
``DossierEvent``; ``DossierStep`` rows are the control sheet (phiếu kiểm soát quá trình), one
per process step executed, each with its own clock; ``DossierPause`` rows are the periods the
legal clock stood still (waiting for the applicant's supplement).

Writes happen only in ``services.py``. The models hold no business logic; the only guard here
is that history rows (``DossierEvent``) can never be changed or deleted.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from chinhquyen.catalog.models import (
    Fee,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredPaper,
)
from chinhquyen.orgs.models import Organisation


class Channel(models.IntegerChoices):
    """Submission channel (codes as in production systems, DOMAIN.md §3)."""

    COUNTER = 1, "Trực tiếp"
    ONLINE = 2, "Trực tuyến"
    POST = 3, "Bưu chính công ích"


class ResultDelivery(models.TextChoices):
    """How the applicant receives the result (chosen when submitting)."""

    ONLINE = "online", "Nhận kết quả trực tuyến (bản điện tử)"
    COUNTER = "counter", "Nhận trực tiếp tại nơi nộp hồ sơ"
    POST = "post", "Nhận qua dịch vụ bưu chính công ích"


class DossierStatus(models.TextChoices):
    RECEIVED = "received", "Đã tiếp nhận"
    TRANSFERRED = "transferred", "Đã chuyển xử lý"
    PROCESSING = "processing", "Đang xử lý"
    AWAITING_APPROVAL = "awaiting_approval", "Chờ phê duyệt"
    RESULT_READY = "result_ready", "Có kết quả, chờ trả"
    RETURNED = "returned", "Đã trả kết quả"
    SUPPLEMENT_REQUESTED = "supplement_requested", "Chờ bổ sung"
    REFUSED = "refused", "Từ chối tiếp nhận"
    STOPPED = "stopped", "Dừng giải quyết"


# Statuses after which nothing happens to the dossier any more (except rating / results).
FINAL_STATUSES = frozenset({DossierStatus.RETURNED, DossierStatus.REFUSED, DossierStatus.STOPPED})
# Statuses whose legal clock runs (the dossier is with the administration, not finished).
RUNNING_STATUSES = frozenset(
    {
        DossierStatus.RECEIVED,
        DossierStatus.TRANSFERRED,
        DossierStatus.PROCESSING,
        DossierStatus.AWAITING_APPROVAL,
    }
)
# Statuses of dossiers not yet finished or returned (what an inbox shows by default).
OPEN_STATUSES = RUNNING_STATUSES | {
    DossierStatus.SUPPLEMENT_REQUESTED,
    DossierStatus.RESULT_READY,
}


class Timeliness(models.TextChoices):
    """Trước hạn / đúng hạn / quá hạn (DOMAIN.md §4, the control sheet)."""

    EARLY = "early", "Trước hạn"
    ON_TIME = "on_time", "Đúng hạn"
    LATE = "late", "Quá hạn"


class PaymentStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", "Không thu phí, lệ phí"
    UNPAID = "unpaid", "Chưa thanh toán"
    PENDING = "pending", "Đang chờ xác nhận thanh toán"
    PAID = "paid", "Đã thanh toán"
    REFUNDED = "refunded", "Đã hoàn trả"


class StepKind(models.TextChoices):
    INTAKE = "intake", "Tiếp nhận"
    WORK = "work", "Xử lý"
    EXTERNAL = "external", "Liên thông"
    APPROVAL = "approval", "Phê duyệt"
    RETURN = "return", "Trả kết quả"


class Dossier(models.Model):
    code = models.CharField("mã hồ sơ", max_length=64, unique=True)
    # HMAC-SHA256 (keyed with SECRET_KEY) of "<code>:<PIN>"; the PIN itself is never stored.
    lookup_pin_hash = models.CharField(max_length=64, editable=False)
    procedure = models.ForeignKey(
        Procedure, verbose_name="thủ tục", on_delete=models.PROTECT, related_name="dossiers"
    )
    procedure_version = models.ForeignKey(
        ProcedureVersion,
        verbose_name="phiên bản thủ tục",
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    procedure_name = models.CharField("tên thủ tục", max_length=500)
    competent_organisation = models.ForeignKey(
        Organisation,
        verbose_name="cơ quan có thẩm quyền giải quyết",
        on_delete=models.PROTECT,
        related_name="competent_dossiers",
    )
    receiving_organisation = models.ForeignKey(
        Organisation,
        verbose_name="nơi tiếp nhận",
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    channel = models.PositiveSmallIntegerField(
        "kênh nộp", choices=Channel.choices, default=Channel.COUNTER
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản người nộp",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    applicant_name = models.CharField("người nộp hồ sơ", max_length=255)
    applicant_id_number = models.CharField("số định danh/mã số thuế", max_length=20, blank=True)
    applicant_address = models.CharField("địa chỉ", max_length=255, blank=True)
    applicant_phone = models.CharField("số điện thoại", max_length=20, blank=True)
    applicant_email = models.EmailField("thư điện tử", blank=True)
    applicant_organisation = models.CharField("tổ chức, doanh nghiệp", max_length=255, blank=True)
    form_data = models.JSONField("tờ khai điện tử", default=dict, blank=True)
    # Papers handed in at the counter: [{"paper_id", "name", "original", "certified_copy",
    # "photocopy"}] — the table of the receipt (Giấy tiếp nhận hồ sơ và hẹn trả kết quả).
    papers_received = models.JSONField("giấy tờ đã nhận", default=list, blank=True)
    set_count = models.PositiveSmallIntegerField("số bộ hồ sơ", default=1)
    idempotency_key = models.CharField(max_length=64, blank=True, default="")
    request_fingerprint = models.CharField(max_length=64, blank=True, default="")

    status = models.CharField(
        "trạng thái",
        max_length=24,
        choices=DossierStatus.choices,
        default=DossierStatus.RECEIVED,
    )
    status_before_pause = models.CharField(
        max_length=24, choices=DossierStatus.choices, blank=True, default=""
    )
    received_at = models.DateTimeField("thời điểm tiếp nhận")
    counted_from = models.DateTimeField("bắt đầu tính thời hạn")
    appointment_at = models.DateTimeField("hẹn trả kết quả")
    new_appointment_at = models.DateTimeField("hẹn trả lại (sau xin lỗi)", null=True, blank=True)
    apologised_at = models.DateTimeField("thời điểm xin lỗi", null=True, blank=True)
    apology_in_time = models.BooleanField("xin lỗi đúng hạn", null=True, blank=True)
    due_at = models.DateTimeField("hạn xử lý hiện tại")
    finished_at = models.DateTimeField("thời điểm hoàn thành", null=True, blank=True)
    returned_at = models.DateTimeField("thời điểm trả kết quả", null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField("số lần yêu cầu bổ sung", default=0)
    paused_total = models.DurationField(
        "thời gian tạm dừng (giờ làm việc)", default=dt.timedelta(0)
    )

    current_step = models.ForeignKey(
        ProcessStep,
        verbose_name="bước hiện tại",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    current_unit = models.ForeignKey(
        Organisation,
        verbose_name="đơn vị đang xử lý",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="current_dossiers",
    )
    current_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người đang xử lý",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_dossiers",
    )
    classification = models.CharField(
        "kết quả đúng hạn", max_length=8, choices=Timeliness.choices, blank=True, default=""
    )
    fee_total = models.PositiveBigIntegerField("phí, lệ phí (đồng)", default=0)
    result_delivery = models.CharField(
        "hình thức nhận kết quả",
        max_length=8,
        choices=ResultDelivery.choices,
        default=ResultDelivery.COUNTER,
    )
    # the procedure's fee case (trường hợp) the applicant or the desk chose; the fee follows it
    fee_case = models.ForeignKey(
        Fee,
        verbose_name="trường hợp thu phí, lệ phí",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payment_status = models.CharField(
        "thanh toán",
        max_length=16,
        choices=PaymentStatus.choices,
        default=PaymentStatus.NOT_REQUIRED,
    )
    search_text = models.CharField(max_length=1000, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "hồ sơ"
        verbose_name_plural = "hồ sơ"
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="dossiers_unique_idempotency_key",
                violation_error_message="Yêu cầu nộp hồ sơ này đã được ghi nhận.",
            ),
            models.CheckConstraint(
                condition=Q(supplement_count__gte=0),
                name="dossiers_supplement_count_not_negative",
            ),
        ]
        indexes = [
            models.Index(
                fields=["current_unit", "status", "due_at", "id"], name="dossiers_inbox_unit"
            ),
            models.Index(
                fields=["receiving_organisation", "status", "due_at", "id"],
                name="dossiers_inbox_desk",
            ),
            models.Index(
                fields=["competent_organisation", "status", "due_at", "id"],
                name="dossiers_inbox_competent",
            ),
            models.Index(fields=["applicant", "-received_at"], name="dossiers_applicant"),
            models.Index(fields=["received_at"], name="dossiers_received_at"),
            # on-time statistics: dossiers finished in a period (chinhquyen/reports)
            models.Index(fields=["finished_at"], name="dossiers_finished_at"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.status == DossierStatus.SUPPLEMENT_REQUESTED


class DossierCounter(models.Model):
    """The daily sequence of dossier codes of one receiving organisation (row-locked)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "bộ đếm mã hồ sơ"
        verbose_name_plural = "bộ đếm mã hồ sơ"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "day"], name="dossiers_counter_unique_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.day:%Y-%m-%d}: {self.last_number}"


class DossierStep(models.Model):
    """One process step executed (a row of the control sheet), with its own clock."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    step = models.ForeignKey(
        ProcessStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("loại bước", max_length=10, choices=StepKind.choices)
    name = models.CharField("tên bước", max_length=500)
    from_unit = models.ForeignKey(
        Organisation,
        verbose_name="đơn vị chuyển",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name="đơn vị nhận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    external_name = models.CharField("cơ quan liên thông", max_length=255, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người xử lý",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField("thời điểm nhận")
    allotted_hours = models.DecimalField(
        "thời gian quy định (giờ làm việc)", max_digits=7, decimal_places=2, default=0
    )
    due_at = models.DateTimeField("hạn của bước", null=True, blank=True)
    finished_at = models.DateTimeField("thời điểm chuyển", null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.CharField(
        "kết quả", max_length=8, choices=Timeliness.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = "bước xử lý hồ sơ"
        verbose_name_plural = "phiếu kiểm soát quá trình"
        ordering = ["dossier", "started_at", "id"]
        indexes = [
            models.Index(fields=["dossier", "finished_at"], name="dossiers_step_open"),
            models.Index(fields=["unit", "started_at"], name="dossiers_step_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.name}"


class DossierEventQuerySet(models.QuerySet["DossierEvent"]):
    """History is append-only: bulk updates and deletes are refused."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError("DossierEvent is append-only: history rows cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("DossierEvent is append-only: history rows cannot be deleted")


class DossierEvent(models.Model):
    """Append-only history: who did what, when, from which status to which, and why."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("người thực hiện", max_length=255, blank=True)
    at = models.DateTimeField("thời điểm")
    action = models.CharField("thao tác", max_length=32)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    reason = models.TextField("lý do, ghi chú", blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = DossierEventQuerySet.as_manager()

    class Meta:
        verbose_name = "lịch sử hồ sơ"
        verbose_name_plural = "lịch sử hồ sơ"
        ordering = ["dossier", "at", "id"]
        indexes = [models.Index(fields=["dossier", "at", "id"], name="dossiers_event_timeline")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("DossierEvent is append-only: history rows cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("DossierEvent is append-only: history rows cannot be deleted")


class PauseKind(models.TextChoices):
    SUPPLEMENT = "supplement", "Chờ bổ sung, hoàn thiện hồ sơ"


class DossierPause(models.Model):
    """A period during which the legal clock stood still."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(max_length=16, choices=PauseKind.choices, default=PauseKind.SUPPLEMENT)
    started_at = models.DateTimeField("bắt đầu")
    ended_at = models.DateTimeField("kết thúc", null=True, blank=True)
    reason = models.TextField("lý do, nội dung cần bổ sung")
    # [{"paper_id": int | None, "name": str, "note": str}]
    requested_papers = models.JSONField("giấy tờ cần bổ sung", default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer_note = models.TextField("ghi chú khi bổ sung", blank=True)
    working_time = models.DurationField("thời gian làm việc tạm dừng", null=True, blank=True)

    class Meta:
        verbose_name = "thời gian tạm dừng"
        verbose_name_plural = "thời gian tạm dừng"
        ordering = ["dossier", "started_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.get_kind_display()} từ {self.started_at:%d/%m/%Y}"


class AttachmentKind(models.TextChoices):
    PAPER = "paper", "Thành phần hồ sơ"
    SUPPLEMENT = "supplement", "Hồ sơ bổ sung"
    RESULT = "result", "Kết quả"
    OTHER = "other", "Tài liệu khác"


class CopyKind(models.TextChoices):
    ORIGINAL = "original", "Bản chính"
    CERTIFIED_COPY = "certified_copy", "Bản sao chứng thực"
    PHOTOCOPY = "photocopy", "Bản photocopy"


def attachment_path(instance: Any, filename: str) -> str:
    """A random storage name: the original name is kept (sanitised) in ``original_name``."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    ext = ext if ext.isalnum() and len(ext) <= 5 else "bin"
    return f"ho-so/{secrets.token_hex(2)}/{secrets.token_hex(16)}.{ext}"


class DossierAttachment(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField("loại", max_length=12, choices=AttachmentKind.choices)
    paper = models.ForeignKey(
        RequiredPaper,
        verbose_name="thành phần hồ sơ",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    paper_name = models.CharField("tên giấy tờ", max_length=1000, blank=True)
    copy_kind = models.CharField(
        "hình thức", max_length=16, choices=CopyKind.choices, blank=True, default=""
    )
    pause = models.ForeignKey(
        DossierPause, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField("dung lượng (byte)")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("thời điểm tải lên")

    class Meta:
        verbose_name = "tệp đính kèm hồ sơ"
        verbose_name_plural = "tệp đính kèm hồ sơ"
        ordering = ["dossier", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class DossierResult(models.Model):
    """An (electronic) result: ``<dossier code>-KQ<n>``; cancelled results stay retrievable."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="results")
    number = models.PositiveSmallIntegerField("số thứ tự")
    code = models.CharField("mã kết quả", max_length=80, unique=True)
    name = models.CharField("tên kết quả", max_length=500)
    file = models.FileField(upload_to=attachment_path, max_length=255, blank=True)
    original_name = models.CharField("tên tệp", max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    signed = models.BooleanField("đã ký số", default=False)
    issued_at = models.DateTimeField("thời điểm ban hành")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The competent person's approval (the leader's «Phê duyệt», or «Hoàn thành xử lý» where
    # the process has no approval step). A result is sealed only once approved; a result
    # added after the approval needs a new approval before it is returned.
    approved_at = models.DateTimeField("thời điểm phê duyệt", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancelled_at = models.DateTimeField("thời điểm hủy", null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancel_reason = models.TextField("lý do hủy", blank=True)

    class Meta:
        verbose_name = "kết quả giải quyết"
        verbose_name_plural = "kết quả giải quyết"
        ordering = ["dossier", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "number"], name="dossiers_result_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class SatisfactionScore(models.IntegerChoices):
    """The three-level scale of the national public service portal's evaluation."""

    DISSATISFIED = 1, "Không hài lòng"
    SATISFIED = 2, "Hài lòng"
    VERY_SATISFIED = 3, "Rất hài lòng"


class SatisfactionRating(models.Model):
    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(
        "mức độ hài lòng",
        choices=SatisfactionScore.choices,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    comment = models.TextField("ý kiến", blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rated_at = models.DateTimeField("thời điểm đánh giá")

    class Meta:
        verbose_name = "đánh giá mức độ hài lòng"
        verbose_name_plural = "đánh giá mức độ hài lòng"
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=3), name="dossiers_rating_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.get_score_display()}"


class NoticeKind(models.TextChoices):
    """The one-stop forms issued when their action happens (DOMAIN.md §2, Phụ lục I)."""

    SUPPLEMENT_REQUEST = "supplement_request", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
    REFUSAL = "refusal", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"
    APOLOGY = "apology", "Văn bản xin lỗi và hẹn lại ngày trả kết quả"
    STOP_NOTICE = "stop_notice", "Thông báo dừng giải quyết hồ sơ"
    CONTROL_SHEET = "control_sheet", "Phiếu kiểm soát quá trình giải quyết hồ sơ"


class DossierNotice(models.Model):
    """A one-stop form issued for a dossier (PDF, stored as issued; sealed when the issuing
    unit has a digital seal). One per history event and kind."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField("loại", max_length=24, choices=NoticeKind.choices)
    event = models.ForeignKey(
        DossierEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pause = models.ForeignKey(
        DossierPause, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to=attachment_path, max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    signed = models.BooleanField("đã ký số", default=False)
    for_applicant = models.BooleanField("người nộp được tải", default=True)
    issued_at = models.DateTimeField("thời điểm phát hành")

    class Meta:
        verbose_name = "phiếu, văn bản một cửa"
        verbose_name_plural = "phiếu, văn bản một cửa"
        ordering = ["dossier", "issued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "kind", "event"], name="dossiers_notice_one_per_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.get_kind_display()}"

    @property
    def content_type(self) -> str:
        return "application/pdf"

    @property
    def original_name(self) -> str:
        return f"{NOTICE_FILE_STEMS.get(self.kind, 'phieu')}-{self.dossier.code}.pdf"


NOTICE_FILE_STEMS: dict[str, str] = {
    NoticeKind.SUPPLEMENT_REQUEST: "phieu-yeu-cau-bo-sung",
    NoticeKind.REFUSAL: "phieu-tu-choi-tiep-nhan",
    NoticeKind.APOLOGY: "van-ban-xin-loi-hen-lai",
    NoticeKind.STOP_NOTICE: "thong-bao-dung-giai-quyet",
    NoticeKind.CONTROL_SHEET: "phieu-kiem-soat",
}


class ReminderKind(models.TextChoices):
    STEP_DUE = "step_due", "Nhắc trước hạn của bước xử lý"
    APOLOGY = "apology", "Nhắc gửi văn bản xin lỗi, hẹn lại (trước hạn hồ sơ)"


class ReminderRule(models.Model):
    """A reminder lead time (data, not code): the handler and the unit head are reminded when
    the working time left before a step's deadline (``step_due``) — or before the dossier's
    deadline, to send the apology in time (``apology``) — falls to ``lead_hours``."""

    kind = models.CharField("loại nhắc", max_length=12, choices=ReminderKind.choices)
    lead_hours = models.DecimalField("nhắc trước (giờ làm việc)", max_digits=6, decimal_places=2)
    is_active = models.BooleanField("đang áp dụng", default=True)

    class Meta:
        verbose_name = "mốc nhắc hạn hồ sơ"
        verbose_name_plural = "mốc nhắc hạn hồ sơ"
        ordering = ["kind", "-lead_hours"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "lead_hours"], name="dossiers_reminder_once"),
            models.CheckConstraint(
                condition=models.Q(lead_hours__gt=0), name="dossiers_reminder_lead_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.lead_hours} giờ"


class DossierDraft(models.Model):
    """An online submission saved as a draft by the applicant, to come back to (one per
    applicant and procedure; the typed fields only — files are attached when submitting)."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dossier_drafts"
    )
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    # {"field name as posted": ["value", ...]}
    data = models.JSONField("nội dung nháp", default=dict)
    updated_at = models.DateTimeField("lưu lúc", auto_now=True)

    class Meta:
        verbose_name = "hồ sơ nháp"
        verbose_name_plural = "hồ sơ nháp"
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "procedure"], name="dossiers_draft_one_per_procedure"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant_id}: {self.procedure_id}"
