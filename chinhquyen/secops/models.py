"""Security operations: alert rules (data), alerts raised by them, and the SIEM outbox.

Every security event recorded by :func:`chinhquyen.audit.services.security_event_record`
passes through :func:`chinhquyen.secops.services.security_event_pipeline`: the enabled rules
for its kind are evaluated and the event is queued in :class:`ForwardItem` for the SIEM.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chinhquyen.audit.models import SecurityEventKind


class GroupBy(models.TextChoices):
    USER = "user", "Theo tài khoản"
    IP = "ip", "Theo địa chỉ IP"
    UNIT = "unit", "Theo đơn vị"


class Severity(models.TextChoices):
    LOW = "low", "Thấp"
    MEDIUM = "medium", "Trung bình"
    HIGH = "high", "Cao"
    CRITICAL = "critical", "Nghiêm trọng"


class AlertStatus(models.TextChoices):
    OPEN = "open", "Mới"
    ACKNOWLEDGED = "acknowledged", "Đã tiếp nhận"
    CLOSED = "closed", "Đã đóng"


class AlertRule(models.Model):
    name = models.CharField("tên quy tắc", max_length=200)
    kind = models.CharField("loại sự kiện", max_length=32, choices=SecurityEventKind.choices)
    threshold = models.PositiveIntegerField("số lần")
    window_seconds = models.PositiveIntegerField("trong khoảng (giây)")
    group_by = models.CharField("gom theo", max_length=10, choices=GroupBy.choices)
    severity = models.CharField("mức độ", max_length=10, choices=Severity.choices)
    enabled = models.BooleanField("đang áp dụng", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "quy tắc cảnh báo"
        verbose_name_plural = "quy tắc cảnh báo"
        ordering = ["kind", "group_by", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold__gte=1) & models.Q(window_seconds__gte=1),
                name="secops_rule_positive",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    rule = models.ForeignKey(
        AlertRule, verbose_name="quy tắc", on_delete=models.PROTECT, related_name="alerts"
    )
    kind = models.CharField("loại sự kiện", max_length=32, choices=SecurityEventKind.choices)
    severity = models.CharField("mức độ", max_length=10, choices=Severity.choices)
    group_by = models.CharField("gom theo", max_length=10, choices=GroupBy.choices)
    group_value = models.CharField("đối tượng", max_length=200)
    count = models.PositiveIntegerField("số sự kiện")
    window_start = models.DateTimeField("từ")
    event = models.ForeignKey(
        "audit.SecurityEvent",
        verbose_name="sự kiện kích hoạt",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit_path = models.CharField("đơn vị (đường dẫn cây)", max_length=255, blank=True)
    status = models.CharField(
        "trạng thái", max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người tiếp nhận",
    )
    acknowledged_at = models.DateTimeField("tiếp nhận lúc", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người đóng",
    )
    closed_at = models.DateTimeField("đóng lúc", null=True, blank=True)
    close_note = models.TextField("ghi chú khi đóng", blank=True)
    created_at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "cảnh báo an ninh"
        verbose_name_plural = "cảnh báo an ninh"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["rule", "group_value", "created_at"], name="secops_alert_rule_grp"
            ),
            models.Index(fields=["status", "created_at"], name="secops_alert_status"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} — {self.group_value}"


class ForwardSource(models.TextChoices):
    EVENT = "event", "Sự kiện"
    ALERT = "alert", "Cảnh báo"


class ForwardItem(models.Model):
    """One event or alert waiting for (or already given to) the SIEM targets, in id order."""

    source = models.CharField(max_length=10, choices=ForwardSource.choices)
    severity = models.PositiveSmallIntegerField("mức syslog (0–7)")
    msgid = models.CharField(max_length=32)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    syslog_sent_at = models.DateTimeField(null=True, blank=True)
    jsonl_sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "hàng đợi chuyển SIEM"
        verbose_name_plural = "hàng đợi chuyển SIEM"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.source} {self.msgid} #{self.pk}"


class IntegrityCheck(models.Model):
    """One run of the periodic integrity check of stored files (:mod:`.integrity`)."""

    started_at = models.DateTimeField("bắt đầu")
    finished_at = models.DateTimeField("kết thúc", db_index=True)
    pass_started_at = models.DateTimeField("lượt kiểm tra bắt đầu")
    files_checked = models.PositiveIntegerField("số tệp đã kiểm tra")
    failures = models.PositiveIntegerField("số tệp sai lệch")
    findings = models.JSONField("sai lệch phát hiện", default=list, blank=True)
    cursor = models.JSONField("vị trí dừng", default=dict, blank=True)
    pass_completed = models.BooleanField("hoàn thành một lượt", default=False)

    class Meta:
        verbose_name = "lần kiểm tra toàn vẹn"
        verbose_name_plural = "các lần kiểm tra toàn vẹn"
        ordering = ["-finished_at", "-id"]

    def __str__(self) -> str:
        return f"Kiểm tra toàn vẹn {self.finished_at:%d/%m/%Y %H:%M}: {self.files_checked} tệp"
