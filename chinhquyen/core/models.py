"""Legal calendar data an administrator can change: day exceptions and office hours.

The statutory days off come from the ``holidays`` package (see ``core/calendar.py``); these
tables only hold what differs from it: an extra day off, a make-up working Saturday, a
cancelled holiday, and the office hours. A row with a blank ``organisation_code`` applies to
the whole province; a row with an agency code applies to that organisation only and wins over
the province-wide row for the same date. ``core`` knows no domain app, so an organisation is
referred to by its agency code string (QCVN 102:2016).
"""

from __future__ import annotations

import datetime as dt
import re

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.template import TemplateSyntaxError, engines

# Same shape as the organisation tree's agency codes (QCVN 102:2016): four dot-separated
# levels written level-4.level-3.level-2.level-1, at most 35 characters of 0-9 A-Z and '.'.
ORGANISATION_CODE_RE = re.compile(
    r"^[0-9A-Z]{2,8}\.[0-9A-Z]{2,8}\.[0-9A-Z]{2,8}\.[A-Z][0-9A-Z]{2}$"
)
ORGANISATION_CODE_MESSAGE = (
    "Mã định danh không hợp lệ: cần 4 cấp phân cách bằng dấu chấm, chỉ gồm chữ số, "
    "chữ in hoa A–Z và dấu chấm, tối đa 35 ký tự (ví dụ 000.00.01.H56)."
)


def is_valid_organisation_code(value: str) -> bool:
    """True for a blank code (the whole province) or a well-formed agency code."""
    return not value or (len(value) <= 35 and ORGANISATION_CODE_RE.match(value) is not None)


def validate_organisation_code(value: str) -> None:
    if not is_valid_organisation_code(value):
        raise ValidationError(ORGANISATION_CODE_MESSAGE, code="invalid_organisation_code")


class CalendarDayKind(models.TextChoices):
    DAY_OFF = "day_off", "Ngày nghỉ"
    WORKING_DAY = "working_day", "Ngày làm việc bù/ngày làm việc"


class CalendarDay(models.Model):
    """An exception to the statutory calendar for one date."""

    date = models.DateField("ngày")
    kind = models.CharField("loại ngày", max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField(
        "tên ngày",
        max_length=255,
        help_text="Ví dụ: Nghỉ Tết Nguyên đán bổ sung, Làm việc bù cho ngày 02/05/2025",
    )
    organisation_code = models.CharField(
        "mã định danh cơ quan",
        max_length=35,
        blank=True,
        validators=[validate_organisation_code],
        help_text="Để trống nếu áp dụng cho toàn tỉnh; ghi mã định danh (ví dụ 000.00.01.H56) "
        "nếu chỉ áp dụng cho một cơ quan.",
    )
    note = models.TextField("ghi chú", blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "ngày nghỉ/ngày làm việc điều chỉnh"
        verbose_name_plural = "lịch ngày nghỉ, ngày làm việc điều chỉnh"
        ordering = ["date", "organisation_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "organisation_code"],
                name="core_calendarday_unique_date_org",
                violation_error_message="Ngày này đã được khai báo cho phạm vi áp dụng này.",
            ),
        ]
        indexes = [models.Index(fields=["organisation_code", "date"])]

    def __str__(self) -> str:
        scope = self.organisation_code or "toàn tỉnh"
        return f"{self.date:%d/%m/%Y} – {self.get_kind_display()}: {self.name} ({scope})"


DEFAULT_MORNING_START = dt.time(7, 30)
DEFAULT_MORNING_END = dt.time(11, 30)
DEFAULT_AFTERNOON_START = dt.time(13, 0)
DEFAULT_AFTERNOON_END = dt.time(17, 0)
DEFAULT_CUTOFF = dt.time(15, 0)


class OfficeHours(models.Model):
    """Office hours of the province (blank code, the default) or of one organisation."""

    organisation_code = models.CharField(
        "mã định danh cơ quan",
        max_length=35,
        blank=True,
        unique=True,
        validators=[validate_organisation_code],
        help_text="Để trống cho giờ làm việc mặc định của toàn tỉnh.",
    )
    morning_start = models.TimeField("bắt đầu buổi sáng", default=DEFAULT_MORNING_START)
    morning_end = models.TimeField("kết thúc buổi sáng", default=DEFAULT_MORNING_END)
    afternoon_start = models.TimeField("bắt đầu buổi chiều", default=DEFAULT_AFTERNOON_START)
    afternoon_end = models.TimeField("kết thúc buổi chiều", default=DEFAULT_AFTERNOON_END)
    cutoff = models.TimeField(
        "giờ chốt tiếp nhận",
        null=True,
        blank=True,
        default=DEFAULT_CUTOFF,
        help_text="Hồ sơ tiếp nhận từ giờ này trở đi được tính thời hạn từ đầu ngày làm việc "
        "tiếp theo. Để trống nếu không áp dụng.",
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "giờ làm việc"
        verbose_name_plural = "giờ làm việc"
        ordering = ["organisation_code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(morning_start__lt=F("morning_end")),
                name="core_officehours_morning_order",
                violation_error_message="Giờ bắt đầu buổi sáng phải trước giờ kết thúc buổi sáng.",
            ),
            models.CheckConstraint(
                condition=Q(morning_end__lte=F("afternoon_start")),
                name="core_officehours_lunch_order",
                violation_error_message="Buổi chiều phải bắt đầu sau khi buổi sáng kết thúc.",
            ),
            models.CheckConstraint(
                condition=Q(afternoon_start__lt=F("afternoon_end")),
                name="core_officehours_afternoon_order",
                violation_error_message=(
                    "Giờ bắt đầu buổi chiều phải trước giờ kết thúc buổi chiều."
                ),
            ),
        ]

    def __str__(self) -> str:
        scope = self.organisation_code or "mặc định toàn tỉnh"
        return (
            f"Giờ làm việc ({scope}): {self.morning_start:%H:%M}–{self.morning_end:%H:%M}, "
            f"{self.afternoon_start:%H:%M}–{self.afternoon_end:%H:%M}"
        )


DOCUMENT_TEMPLATE_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


def validate_template_key(value: str) -> None:
    if not DOCUMENT_TEMPLATE_KEY_RE.match(value or ""):
        raise ValidationError(
            "Mã mẫu chỉ gồm chữ thường không dấu, chữ số, dấu gạch dưới và dấu chấm "
            "(ví dụ dossiers.receipt).",
            code="invalid_template_key",
        )


def validate_template_body(value: str) -> None:
    """The body must compile as a Django template (errors in Vietnamese for the admin)."""
    try:
        engines["django"].from_string(value)
    except TemplateSyntaxError as exc:
        raise ValidationError(
            "Mẫu văn bản có lỗi cú pháp: %(error)s",
            code="invalid_template",
            params={"error": str(exc)},
        ) from exc


class DocumentTemplate(models.Model):
    """An administrator's override of a PDF form template (legal forms change: DOMAIN.md).

    ``key`` names the form (e.g. ``dossiers.receipt``); the code that renders the form passes
    its file template as the default, so a form without an active row here uses the file.
    ``body`` is a Django template (usually ``{% extends "pdf/base.html" %}``) rendered with the
    same context as the file template; ``css`` is added to the page's styles.
    """

    key = models.CharField(
        "mã mẫu",
        max_length=100,
        unique=True,
        validators=[validate_template_key],
        help_text="Ví dụ: dossiers.receipt (Giấy tiếp nhận hồ sơ và hẹn trả kết quả).",
    )
    name = models.CharField("tên mẫu", max_length=255)
    body = models.TextField(
        "nội dung mẫu (HTML, cú pháp mẫu Django)",
        validators=[validate_template_body],
        help_text='Thường bắt đầu bằng {% extends "pdf/base.html" %}; dùng các biến như mẫu '
        "mặc định của hệ thống.",
    )
    css = models.TextField("CSS bổ sung", blank=True)
    is_active = models.BooleanField(
        "đang áp dụng",
        default=True,
        help_text="Bỏ chọn để quay lại dùng mẫu mặc định của hệ thống.",
    )
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người cập nhật",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "mẫu văn bản PDF"
        verbose_name_plural = "mẫu văn bản PDF"
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"


auditlog.register(CalendarDay)
auditlog.register(OfficeHours)
auditlog.register(DocumentTemplate)
