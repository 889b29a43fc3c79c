"""Users: officials (with positions in units), citizens and businesses, API clients."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone

from chinhquyen.core.text import normalize_search

from .validators import validate_citizen_id, validate_phone, validate_tax_code


class UserKind(models.TextChoices):
    OFFICIAL = "official", "Cán bộ, công chức"
    CITIZEN = "citizen", "Công dân"
    BUSINESS = "business", "Tổ chức, doanh nghiệp"
    API_CLIENT = "api_client", "Hệ thống kết nối (API)"


class User(AbstractUser):
    kind = models.CharField(
        "loại tài khoản", max_length=16, choices=UserKind.choices, default=UserKind.CITIZEN
    )
    full_name = models.CharField("họ và tên", max_length=150, blank=True)
    phone = models.CharField(
        "số điện thoại", max_length=20, blank=True, validators=[validate_phone]
    )
    citizen_id = models.CharField(
        "số định danh cá nhân (CCCD)",
        max_length=12,
        blank=True,
        validators=[validate_citizen_id],
    )
    # A CCCD typed at a local sign-up proves nothing: it is verified by an identity-provider
    # sign-in (VNeID) or by an officer who saw the card at the counter (security finding #9).
    # Only a verified CCCD identifies the citizen; an identity never attaches to an unverified one.
    citizen_id_verified = models.BooleanField("CCCD đã xác minh", default=False)
    citizen_id_verified_by = models.CharField(
        "xác minh CCCD bởi", max_length=150, blank=True, editable=False
    )
    tax_code = models.CharField(
        "mã số thuế/mã số doanh nghiệp", max_length=14, blank=True, validators=[validate_tax_code]
    )
    organisation_name = models.CharField("tên tổ chức, doanh nghiệp", max_length=255, blank=True)
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    search_text = models.CharField(max_length=500, editable=False, default="", db_index=True)

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        verbose_name = "tài khoản"
        verbose_name_plural = "tài khoản"
        constraints = [
            # Several local accounts may claim a CCCD; one account at most holds it verified.
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=~Q(citizen_id="") & Q(citizen_id_verified=True),
                name="accounts_unique_verified_cccd",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)

    @property
    def is_official(self) -> bool:
        return self.kind == UserKind.OFFICIAL

    @property
    def is_applicant(self) -> bool:
        return self.kind in (UserKind.CITIZEN, UserKind.BUSINESS)

    def refresh_search_text(self) -> None:
        self.search_text = normalize_search(
            " ".join(
                filter(
                    None,
                    [
                        self.full_name,
                        self.username,
                        self.email,
                        self.phone,
                        self.organisation_name,
                    ],
                )
            )
        )[:500]


def user_display(user: object) -> str:
    """How allauth shows a user (``ACCOUNT_USER_DISPLAY``): the full name, else the username."""
    return str(user)


class Role(models.TextChoices):
    DESK_OFFICER = "desk_officer", "Cán bộ một cửa"
    SPECIALIST = "specialist", "Chuyên viên"
    UNIT_HEAD = "unit_head", "Lãnh đạo phòng"
    LEADER = "leader", "Lãnh đạo đơn vị"
    CLERK = "clerk", "Văn thư"
    IT_ADMIN = "it_admin", "Quản trị hệ thống"
    API_CLIENT = "api_client", "Hệ thống kết nối"


class PositionQuerySet(models.QuerySet["Position"]):
    def active(self, at: dt.datetime | None = None) -> PositionQuerySet:
        on = timezone.localdate(at) if at else timezone.localdate()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )


class Position(models.Model):
    """An official's role in a unit; an official may hold several, some acting or delegated."""

    user = models.ForeignKey(
        User, verbose_name="cán bộ", on_delete=models.CASCADE, related_name="positions"
    )
    unit = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="đơn vị",
        on_delete=models.PROTECT,
        related_name="positions",
    )
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    title = models.CharField("chức danh", max_length=150, blank=True)
    is_acting = models.BooleanField("quyền/phụ trách", default=False)
    delegated_by = models.ForeignKey(
        User,
        verbose_name="ủy quyền bởi",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delegations_given",
    )
    valid_from = models.DateField("từ ngày", null=True, blank=True)
    valid_to = models.DateField("đến ngày", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = "vị trí công tác"
        verbose_name_plural = "vị trí công tác"
        indexes = [models.Index(fields=["unit", "role"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="accounts_position_valid_range",
            ),
        ]

    def __str__(self) -> str:
        prefix = "Q. " if self.is_acting else ""
        return f"{prefix}{self.get_role_display()} — {self.unit}"

    def is_active(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or self.valid_to >= on
        )


class ApiToken(models.Model):
    """A bearer token for API clients and officials; only a SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("tên", max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("hết hạn", null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "khóa API"
        verbose_name_plural = "khóa API"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
