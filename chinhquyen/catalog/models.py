"""The administrative procedure catalogue (danh mục thủ tục hành chính).

A ``Procedure`` is the stable identity (national code, e.g. ``1.001193``); what the law says
about it at a given time lives in a ``ProcedureVersion``: name, competent organisations, online
level, statutory processing time, fees, required papers, the internal process and the
applicant's form. Versions are drafted, published (then immutable: a dossier keeps the version
it was opened under) and eventually superseded or retired. Writes go through ``services``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from chinhquyen.accounts.models import Role
from chinhquyen.orgs.models import Organisation, OrganisationKind

from .validators import validate_form_schema, validate_paper_template

HOURS_PER_WORKING_DAY = 8

validate_procedure_code = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$",
    message="Mã thủ tục chỉ gồm chữ, số, dấu chấm, gạch ngang (ví dụ 1.001193).",
    code="invalid_procedure_code",
)
validate_field_code = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z._-]{0,29}$",
    message="Mã lĩnh vực chỉ gồm chữ, số, dấu chấm, gạch ngang.",
    code="invalid_field_code",
)


class ProcedureLevel(models.TextChoices):
    PROVINCE = "province", "Cấp tỉnh"
    COMMUNE = "commune", "Cấp xã"
    VERTICAL = "vertical", "Cơ quan ngành dọc tại địa phương"


class OnlineLevel(models.IntegerChoices):
    """ND 42/2022 levels with the codes production systems use (DOMAIN.md §3)."""

    NONE = 2, "Không trực tuyến"
    PARTIAL = 3, "Trực tuyến một phần"
    FULL = 4, "Trực tuyến toàn trình"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Bản nháp"
    PUBLISHED = "published", "Đã công bố"
    RETIRED = "retired", "Đã bãi bỏ"


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", "ngày làm việc"
    WORKING_HOURS = "working_hours", "giờ làm việc"


class ResultType(models.TextChoices):
    CERTIFICATE = "certificate", "Giấy chứng nhận"
    LICENCE = "licence", "Giấy phép"
    EXTRACT = "extract", "Trích lục, bản sao"
    CONFIRMATION = "confirmation", "Văn bản xác nhận, chứng thực"
    DECISION = "decision", "Quyết định"
    OTHER = "other", "Khác"


class FeeKind(models.TextChoices):
    FEE = "fee", "Lệ phí"
    CHARGE = "charge", "Phí"


class Field(models.Model):
    """Lĩnh vực: a grouping of procedures (Hộ tịch, Chứng thực, Đất đai ...)."""

    code = models.CharField(
        "mã lĩnh vực", max_length=30, unique=True, validators=[validate_field_code]
    )
    name = models.CharField("tên lĩnh vực", max_length=255)
    search_text = models.CharField(max_length=300, editable=False, default="", db_index=True)

    class Meta:
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """Thủ tục hành chính: the stable identity behind every version."""

    code = models.CharField(
        "mã thủ tục",
        max_length=40,
        unique=True,
        validators=[validate_procedure_code],
        help_text="Mã TTHC trên Cơ sở dữ liệu quốc gia, ví dụ 1.001193",
    )
    field = models.ForeignKey(
        Field, verbose_name="lĩnh vực", on_delete=models.PROTECT, related_name="procedures"
    )
    level = models.CharField("cấp thực hiện", max_length=16, choices=ProcedureLevel.choices)
    search_text = models.CharField(max_length=700, editable=False, default="", db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "thủ tục hành chính"
        verbose_name_plural = "thủ tục hành chính"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ProcedureVersionQuerySet(models.QuerySet["ProcedureVersion"]):
    def published(self) -> ProcedureVersionQuerySet:
        return self.filter(status=VersionStatus.PUBLISHED)

    def valid_on(self, on: dt.date | None = None) -> ProcedureVersionQuerySet:
        """Published versions in force on ``on`` (today by default)."""
        on = on or timezone.localdate()
        return (
            self.published()
            .filter(valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        )


class ProcedureVersion(models.Model):
    procedure = models.ForeignKey(
        Procedure, verbose_name="thủ tục", on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField("phiên bản số")
    status = models.CharField(
        "trạng thái", max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    name = models.CharField("tên thủ tục", max_length=500)
    competent_organisations = models.ManyToManyField(
        Organisation,
        verbose_name="cơ quan có thẩm quyền giải quyết",
        blank=True,
        related_name="competent_procedure_versions",
    )
    competent_all_communes = models.BooleanField(
        "mọi UBND cấp xã",
        default=False,
        help_text="Thủ tục cấp xã: UBND xã/phường/đặc khu nơi người yêu cầu cư trú hoặc lựa chọn.",
    )
    competent_description = models.CharField(
        "mô tả cơ quan thực hiện",
        max_length=500,
        blank=True,
        help_text="Ví dụ: UBND cấp xã nơi cư trú của người cha hoặc người mẹ.",
    )
    online_level = models.PositiveSmallIntegerField(
        "mức độ dịch vụ công trực tuyến", choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    processing_time = models.DecimalField(
        "thời hạn giải quyết",
        max_digits=7,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    processing_time_unit = models.CharField(
        "đơn vị thời hạn", max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    processing_time_note = models.CharField(
        "ghi chú thời hạn",
        max_length=500,
        blank=True,
        help_text="Ví dụ: ngay trong ngày; trường hợp cần xác minh không quá 05 ngày làm việc.",
    )
    legal_basis = models.TextField("căn cứ pháp lý", blank=True)
    result_type = models.CharField(
        "loại kết quả", max_length=16, choices=ResultType.choices, default=ResultType.OTHER
    )
    result_name = models.CharField("tên kết quả", max_length=500, blank=True)
    applicants = models.CharField("đối tượng thực hiện", max_length=255, blank=True)
    description = models.TextField("mô tả", blank=True)
    conditions = models.TextField("yêu cầu, điều kiện thực hiện", blank=True)
    implementing_steps = models.TextField("trình tự thực hiện", blank=True)
    no_papers_required = models.BooleanField(
        "không yêu cầu thành phần hồ sơ",
        default=False,
        help_text="Đánh dấu khi thủ tục thật sự không yêu cầu giấy tờ nào.",
    )
    form_schema = models.JSONField(
        "biểu mẫu điện tử (JSON Schema)",
        default=dict,
        blank=True,
        validators=[validate_form_schema],
    )
    search_text = models.CharField(max_length=700, editable=False, default="", db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tạo",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField("thời điểm công bố", null=True, blank=True)
    retired_at = models.DateTimeField("thời điểm bãi bỏ", null=True, blank=True)

    objects = ProcedureVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "phiên bản thủ tục"
        verbose_name_plural = "phiên bản thủ tục"
        ordering = ["procedure__code", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"],
                name="catalog_version_number_unique",
                violation_error_message="Số phiên bản đã tồn tại cho thủ tục này.",
            ),
            # At most one draft at a time: editing a published version means one new draft.
            models.UniqueConstraint(
                fields=["procedure"],
                condition=Q(status="draft"),
                name="catalog_one_draft_per_procedure",
                violation_error_message="Thủ tục này đã có một bản nháp đang soạn.",
            ),
            # At most one published version without an end date (the services close the
            # previous one the day before the next takes effect).
            models.UniqueConstraint(
                fields=["procedure"],
                condition=Q(status="published", valid_to__isnull=True),
                name="catalog_one_open_published_version",
                violation_error_message="Thủ tục này đã có một phiên bản đang có hiệu lực.",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(valid_from__isnull=False),
                name="catalog_published_has_valid_from",
                violation_error_message="Phiên bản đã công bố phải có ngày hiệu lực.",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="catalog_version_valid_range",
                violation_error_message="Ngày hết hiệu lực không được trước ngày hiệu lực.",
            ),
            models.CheckConstraint(
                condition=Q(processing_time__gte=0),
                name="catalog_processing_time_not_negative",
                violation_error_message="Thời hạn giải quyết không được âm.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_from", "valid_to"], name="catalog_ver_validity"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} — {self.name} (phiên bản {self.number})"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    def statutory_hours(self) -> Decimal:
        """The statutory processing time in working hours (working days × 8)."""
        if self.processing_time_unit == TimeUnit.WORKING_HOURS:
            return Decimal(self.processing_time)
        return Decimal(self.processing_time) * HOURS_PER_WORKING_DAY

    def processing_time_display(self) -> str:
        value = Decimal(self.processing_time).normalize()
        text = f"{value:f}".replace(".", ",")
        if value == 0 and self.processing_time_note:
            return self.processing_time_note
        return f"{text} {self.get_processing_time_unit_display()}"

    def is_valid_on(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.is_published
            and self.valid_from is not None
            and self.valid_from <= on
            and (self.valid_to is None or self.valid_to >= on)
        )


class Fee(models.Model):
    """Phí, lệ phí by case (trường hợp)."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name="phiên bản", on_delete=models.CASCADE, related_name="fees"
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    kind = models.CharField("loại", max_length=8, choices=FeeKind.choices, default=FeeKind.FEE)
    case_description = models.CharField("trường hợp áp dụng", max_length=500, blank=True)
    amount = models.PositiveBigIntegerField("mức thu (đồng)", default=0)
    note = models.CharField("ghi chú", max_length=500, blank=True)

    class Meta:
        verbose_name = "phí, lệ phí"
        verbose_name_plural = "phí, lệ phí"
        ordering = ["version", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="catalog_fee_amount_not_negative",
                violation_error_message="Mức thu không được âm.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount:,} đồng".replace(",", ".")


def paper_template_path(instance: RequiredPaper, filename: str) -> str:
    # The stored name is random; the download name is kept in ``template_name``.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"catalog/mau-giay-to/{secrets.token_hex(16)}.{ext}"


class RequiredPaper(models.Model):
    """Thành phần hồ sơ: one paper and how many originals / certified copies / photocopies."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name="phiên bản",
        on_delete=models.CASCADE,
        related_name="papers",
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    name = models.CharField("tên giấy tờ", max_length=1000)
    original_count = models.PositiveSmallIntegerField("số bản chính", default=0)
    certified_copy_count = models.PositiveSmallIntegerField("số bản sao chứng thực", default=0)
    photocopy_count = models.PositiveSmallIntegerField("số bản photocopy", default=0)
    required = models.BooleanField("bắt buộc", default=True)
    note = models.CharField("ghi chú", max_length=1000, blank=True)
    template = models.FileField(
        "mẫu đơn, tờ khai",
        upload_to=paper_template_path,
        blank=True,
        max_length=255,
        validators=[validate_paper_template],
        help_text="PDF, DOC, DOCX, XLS hoặc XLSX; tối đa 10 MB.",
    )
    template_name = models.CharField("tên tệp mẫu", max_length=255, blank=True)

    class Meta:
        verbose_name = "thành phần hồ sơ"
        verbose_name_plural = "thành phần hồ sơ"
        ordering = ["version", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class ProcessStep(models.Model):
    """One step of the internal process (quy trình nội bộ) with its allotted working time."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name="phiên bản", on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    name = models.CharField("tên bước", max_length=500)
    responsible_unit = models.ForeignKey(
        Organisation,
        verbose_name="đơn vị thực hiện",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Để trống: đơn vị thuộc cơ quan có thẩm quyền, theo loại đơn vị bên dưới.",
    )
    responsible_unit_kind = models.CharField(
        "loại đơn vị (khi để trống đơn vị)",
        max_length=32,
        choices=OrganisationKind.choices,
        blank=True,
    )
    responsible_role = models.CharField(
        "vai trò thực hiện", max_length=20, choices=Role.choices, blank=True
    )
    allotted_hours = models.DecimalField(
        "thời gian (giờ làm việc)",
        max_digits=7,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    is_external = models.BooleanField("liên thông (cơ quan khác thực hiện)", default=False)
    external_organisation = models.ForeignKey(
        Organisation,
        verbose_name="cơ quan liên thông",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    external_organisation_name = models.CharField(
        "tên cơ quan liên thông",
        max_length=255,
        blank=True,
        help_text="Khi cơ quan liên thông không có trong danh bạ (ví dụ cơ quan ngành dọc).",
    )

    class Meta:
        verbose_name = "bước xử lý"
        verbose_name_plural = "quy trình nội bộ"
        ordering = ["version", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(allotted_hours__gte=0),
                name="catalog_step_hours_not_negative",
                violation_error_message="Thời gian của bước không được âm.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.is_external and not (
            self.external_organisation_id or self.external_organisation_name
        ):
            raise ValidationError(
                {"external_organisation": "Bước liên thông phải ghi rõ cơ quan liên thông."}
            )
        if not self.is_external and (
            self.external_organisation_id or self.external_organisation_name
        ):
            raise ValidationError(
                {"is_external": "Chỉ ghi cơ quan liên thông khi bước này là bước liên thông."}
            )

    @property
    def responsible_display(self) -> str:
        if self.is_external:
            org = self.external_organisation
            return str(org) if org else self.external_organisation_name
        if self.responsible_unit_id:
            return str(self.responsible_unit)
        if self.responsible_unit_kind:
            return f"{self.get_responsible_unit_kind_display()} của cơ quan có thẩm quyền"
        return "Cơ quan có thẩm quyền"
