"""Pre-aggregated daily facts, the event table that keeps them current, and the QĐ 766 index
definition (groups, indicators, weights and threshold caps as data).

How the facts stay current (``facts.py``): every dossier change emits a dossier hook; an
in-transaction callback writes a ``FactEvent`` row (kind, object id) in the same transaction as
the change. Document history rows do the same through ``documents.history`` listeners. The
``stats.fold_facts`` job (every minute) and the dashboards' read path fold pending events: for
each changed object it recomputes the object's *contribution* (a list of fact cells), subtracts
the previous contribution kept in ``FactState`` and adds the new one. ``rebuild_facts``
recomputes everything from the source tables; a test proves both give the same rows.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from chinhquyen.catalog.models import Procedure
from chinhquyen.orgs.models import Organisation


class FactKind(models.TextChoices):
    DOSSIER = "dossier", "Hồ sơ"
    INCOMING = "incoming", "Văn bản đến"
    OUTGOING = "outgoing", "Văn bản đi"


class FactEvent(models.Model):
    """An object whose facts must be recomputed (written with the change, folded by a job)."""

    kind = models.CharField(max_length=10, choices=FactKind.choices)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "thay đổi chờ tổng hợp"
        verbose_name_plural = "thay đổi chờ tổng hợp"

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class FactState(models.Model):
    """What one object currently contributes to the fact tables: a list of
    ``[organisation_id, procedure_id or null, "YYYY-MM-DD", field]`` cells."""

    kind = models.CharField(max_length=10, choices=FactKind.choices)
    object_id = models.BigIntegerField()
    cells = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="stats_state_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class FactLock(models.Model):
    """A single row locked by every fold and rebuild, so they never run concurrently."""

    name = models.CharField(max_length=20, unique=True)

    def __str__(self) -> str:
        return self.name


DOSSIER_FIELDS = (
    "received",
    "received_counter",
    "received_online",
    "received_post",
    "fee_required",
    "paid_online",
    "finished",
    "early",
    "on_time",
    "late",
    "results_electronic",
    "due_open",
    "rated",
    "rated_dissatisfied",
)

DOCUMENT_FIELDS = (
    "in_received",
    "in_electronic",
    "in_signed",
    "in_exchanged",
    "in_completed",
    "in_completed_on_time",
    "in_due_open",
    "out_issued",
    "out_electronic",
    "out_signed",
    "out_exchanged",
)


class DossierDailyFact(models.Model):
    """Dossier figures of one competent organisation, procedure and day (Vietnam time).

    received*, fee_required, paid_online: by the day of receipt; finished, early, on_time,
    late (the class the dossier service fixed at the finish: supplement time excluded, more
    than one supplement request = late) and results_electronic: by the day the clock stopped;
    due_open: unfinished dossiers (not waiting for a supplement) by their appointment day;
    rated, rated_dissatisfied: by the day of the rating."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    received = models.IntegerField(default=0)
    received_counter = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    received_post = models.IntegerField(default=0)
    fee_required = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    finished = models.IntegerField(default=0)
    early = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    results_electronic = models.IntegerField(default=0)
    due_open = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    rated_dissatisfied = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "procedure", "day"], name="stats_dossier_fact_unique"
            )
        ]
        indexes = [models.Index(fields=["day", "organisation"], name="stats_dfact_day_org")]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.procedure_id}/{self.day}"


class DocumentDailyFact(models.Model):
    """Document figures of one organisation and day: incoming by the day received (completed by
    the completion day, open ones by their deadline), outgoing by the day numbered."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    in_received = models.IntegerField(default=0)
    in_electronic = models.IntegerField(default=0)
    in_signed = models.IntegerField(default=0)
    in_exchanged = models.IntegerField(default=0)
    in_completed = models.IntegerField(default=0)
    in_completed_on_time = models.IntegerField(default=0)
    in_due_open = models.IntegerField(default=0)
    out_issued = models.IntegerField(default=0)
    out_electronic = models.IntegerField(default=0)
    out_signed = models.IntegerField(default=0)
    out_exchanged = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "day"], name="stats_doc_fact_unique")
        ]
        indexes = [models.Index(fields=["day", "organisation"], name="stats_docfact_day_org")]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.day}"


class IndexGroup(models.Model):
    """A group of the QĐ 766 index (e.g. "Tiến độ, kết quả giải quyết", 20 points)."""

    code = models.CharField("mã nhóm", max_length=10, unique=True)
    name = models.CharField("tên nhóm", max_length=255)
    max_points = models.DecimalField("điểm tối đa", max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "nhóm chỉ số QĐ 766"
        verbose_name_plural = "nhóm chỉ số QĐ 766"

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Metric(models.TextChoices):
    """How an indicator's ratio is measured (from the facts; see ``index766.py``)."""

    ON_TIME = "on_time", "Hồ sơ giải quyết trước hạn, đúng hạn / hồ sơ đã giải quyết"
    ONLINE_SUBMISSION = "online_submission", "Hồ sơ nộp trực tuyến / hồ sơ tiếp nhận"
    ONLINE_PROCEDURES = "online_procedures", "Thủ tục có hồ sơ trực tuyến / thủ tục có hồ sơ"
    ONLINE_PAYMENT = "online_payment", "Thủ tục có thanh toán trực tuyến / thủ tục có thu phí"
    ELECTRONIC_RESULTS = "electronic_results", "Hồ sơ có kết quả điện tử / hồ sơ đã giải quyết"
    DOSSIER_SATISFACTION = "dossier_satisfaction", "100% − (tỷ lệ quá hạn + tỷ lệ không hài lòng)"
    NOT_AVAILABLE = "not_available", "Chưa có dữ liệu trên hệ thống"


class Indicator(models.Model):
    """One indicator: its points are ``max_points × min(1, ratio / full_at)`` — full marks
    from the threshold ``full_at`` (a cap, not a linear 0–100 % scale)."""

    group = models.ForeignKey(IndexGroup, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField("mã chỉ số", max_length=10, unique=True)
    name = models.CharField("tên chỉ số", max_length=500)
    metric = models.CharField("cách tính", max_length=24, choices=Metric.choices)
    max_points = models.DecimalField("điểm tối đa", max_digits=6, decimal_places=2)
    full_at = models.DecimalField(
        "ngưỡng đạt điểm tối đa (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal(100),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    note = models.CharField("ghi chú", max_length=500, blank=True)

    class Meta:
        ordering = ["group__order", "order", "code"]
        verbose_name = "chỉ số QĐ 766"
        verbose_name_plural = "chỉ số QĐ 766"

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"
