"""Organisation tree: the province, its departments, centres, communes and their units.

Any depth, adjacency list plus a materialised ``path`` ("/1/7/42/") so that "this unit and
everything below it" is one indexed prefix query. Validity dates and predecessor/successor
links record the 2025 mergers so reports can roll up across merged units.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone

from chinhquyen.core.text import normalize_search

from .validators import validate_agency_code


class OrganisationKind(models.TextChoices):
    PROVINCIAL_COMMITTEE = "provincial_committee", "UBND tỉnh/thành phố"
    DEPARTMENT = "department", "Sở, ban, ngành"
    SERVICE_CENTRE = "service_centre", "Trung tâm Phục vụ hành chính công"
    COMMUNE_COMMITTEE = "commune_committee", "UBND xã/phường/đặc khu"
    UNIT = "unit", "Phòng, đơn vị trực thuộc"
    ONE_STOP_DESK = "one_stop_desk", "Bộ phận một cửa"
    OTHER = "other", "Cơ quan khác"


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def active(self, on: dt.date | None = None) -> OrganisationQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )

    def subtree_of(self, *orgs: Organisation) -> OrganisationQuerySet:
        """The given organisations and all their descendants."""
        if not orgs:
            return self.none()
        cond = Q()
        for org in orgs:
            cond |= Q(path__startswith=org.path)
        return self.filter(cond)


class Organisation(models.Model):
    name = models.CharField("tên cơ quan, đơn vị", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=50, blank=True)
    kind = models.CharField("loại", max_length=32, choices=OrganisationKind.choices)
    agency_code = models.CharField(
        "mã định danh điện tử",
        max_length=35,
        blank=True,
        validators=[validate_agency_code],
        help_text="Theo QCVN 102:2016, ví dụ 000.00.01.H56",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    administrative_code = models.CharField(
        "mã đơn vị hành chính", max_length=10, blank=True, help_text="Mã tỉnh/xã (TCTK)"
    )
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        verbose_name="đơn vị tiền thân",
        symmetrical=False,
        blank=True,
        related_name="successors",
    )
    search_text = models.CharField(max_length=600, editable=False, default="", db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "cơ quan, đơn vị"
        verbose_name_plural = "cơ quan, đơn vị"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency_code"],
                condition=~Q(agency_code=""),
                name="orgs_unique_agency_code",
                violation_error_message="Mã định danh này đã được dùng cho cơ quan, đơn vị khác.",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="orgs_valid_range",
                violation_error_message="Ngày hết hiệu lực không được trước ngày bắt đầu hiệu lực.",
            ),
        ]
        # "This unit and everything below it" is ``path LIKE '/1/7/%'``: on PostgreSQL the
        # ``db_index`` on path also creates a varchar_pattern_ops index that serves it whatever
        # the collation; search_text gets a trigram index (migration 0002, PostgreSQL only).
        indexes = [models.Index(fields=["kind", "valid_to"], name="orgs_kind_valid_to")]

    def __str__(self) -> str:
        return self.name

    def refresh_search_text(self) -> None:
        self.search_text = normalize_search(
            " ".join(filter(None, [self.name, self.short_name, self.agency_code]))
        )[:600]

    def is_active(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or self.valid_to >= on
        )

    def ancestors(self) -> OrganisationQuerySet:
        ids = [int(p) for p in self.path.strip("/").split("/") if p]
        return Organisation.objects.filter(pk__in=ids).exclude(pk=self.pk).order_by("depth")

    def descendants(self, include_self: bool = True) -> OrganisationQuerySet:
        qs = Organisation.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)
