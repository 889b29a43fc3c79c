"""The service-centre floor: service areas, counters, queue tickets and counter ratings.

A ``ServiceArea`` belongs to one desk (the provincial service centre or a commune's one-stop
desk) and has a ticket prefix letter; tickets are numbered per area per day ("A012") from a
``TicketCounter`` row (see ``services.next_ticket_number``) with a UNIQUE backstop.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ServiceArea(models.Model):
    desk = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="bộ phận một cửa",
        on_delete=models.PROTECT,
        related_name="service_areas",
    )
    name = models.CharField("tên khu vực", max_length=200)
    prefix = models.CharField("chữ cái đầu số thứ tự", max_length=1)
    fields_served = models.CharField("lĩnh vực phục vụ", max_length=500, blank=True)
    procedures = models.ManyToManyField(
        "catalog.Procedure", verbose_name="thủ tục", blank=True, related_name="service_areas"
    )
    active = models.BooleanField("đang hoạt động", default=True)

    class Meta:
        verbose_name = "khu vực phục vụ"
        verbose_name_plural = "khu vực phục vụ"
        ordering = ("desk", "prefix")
        constraints = [
            models.UniqueConstraint(fields=("desk", "prefix"), name="floor_area_desk_prefix")
        ]

    def __str__(self) -> str:
        return f"{self.prefix} — {self.name}"


class Counter(models.Model):
    desk = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="bộ phận một cửa",
        on_delete=models.PROTECT,
        related_name="counters",
    )
    number = models.PositiveSmallIntegerField("số quầy")
    areas = models.ManyToManyField(ServiceArea, verbose_name="khu vực", related_name="counters")
    current_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ đang trực",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "quầy"
        verbose_name_plural = "quầy"
        ordering = ("desk", "number")
        constraints = [
            models.UniqueConstraint(fields=("desk", "number"), name="floor_counter_desk_number")
        ]

    def __str__(self) -> str:
        return f"Quầy {self.number}"


class TicketCounter(models.Model):
    """The last ticket number of an area on a day (one row, incremented atomically)."""

    area = models.ForeignKey(ServiceArea, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("area", "day"), name="floor_ticket_counter_area_day")
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.day}: {self.last_number}"


class TicketStatus(models.TextChoices):
    WAITING = "waiting", "Đang chờ"
    CALLED = "called", "Đã gọi"
    SERVING = "serving", "Đang phục vụ"
    DONE = "done", "Đã phục vụ"
    NO_SHOW = "no_show", "Vắng mặt"


class TicketChannel(models.TextChoices):
    KIOSK = "kiosk", "Máy lấy số"
    PHONE = "phone", "Điện thoại (mã QR)"


class Ticket(models.Model):
    area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField("ngày")
    number = models.PositiveIntegerField("số")
    status = models.CharField(
        max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    channel = models.CharField(
        max_length=10, choices=TicketChannel.choices, default=TicketChannel.KIOSK
    )
    # the ticket's status page is reached by this unguessable key (the QR code), not the pk
    key = models.CharField(max_length=32, unique=True)
    issued_at = models.DateTimeField("lấy số lúc")
    called_at = models.DateTimeField("gọi lúc", null=True, blank=True)
    recalls = models.PositiveSmallIntegerField("số lần gọi lại", default=0)
    counter = models.ForeignKey(
        Counter, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    served_started_at = models.DateTimeField("bắt đầu phục vụ", null=True, blank=True)
    served_ended_at = models.DateTimeField("kết thúc phục vụ", null=True, blank=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "số thứ tự"
        verbose_name_plural = "số thứ tự"
        ordering = ("day", "issued_at", "pk")
        constraints = [
            models.UniqueConstraint(fields=("area", "day", "number"), name="floor_ticket_number")
        ]
        indexes = [models.Index(fields=("area", "day", "status"), name="floor_ticket_queue")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.area.prefix}{self.number:03d}"


class CounterScore(models.IntegerChoices):
    NOT_SATISFIED = 1, "Không hài lòng"
    SATISFIED = 2, "Hài lòng"
    VERY_SATISFIED = 3, "Rất hài lòng"


class CounterRating(models.Model):
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="rating")
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, related_name="ratings")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    score = models.PositiveSmallIntegerField("mức độ hài lòng", choices=CounterScore.choices)
    reason = models.CharField("lý do", max_length=500, blank=True)
    rated_at = models.DateTimeField("đánh giá lúc")

    class Meta:
        verbose_name = "đánh giá tại quầy"
        verbose_name_plural = "đánh giá tại quầy"

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.score}"
