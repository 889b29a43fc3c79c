"""Page types of the portals (DOMAIN.md §12). The tree of a portal:

PortalHomePage (main)                      → /
├── section pages (news, documents, …)    → /<section>/
└── PortalIndexPage                        → /cong/
    └── PortalHomePage (component)         → /cong/<slug>/  (and <slug>.<PORTAL_HOST>)
        └── section pages                  → /cong/<slug>/<section>/
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

# Top-level URL prefixes of the other apps: a section of the main portal cannot take them.
RESERVED_SLUGS = frozenset(
    {
        "tai-khoan", "co-quan", "nhat-ky", "thu-tuc", "ky-so", "thanh-toan", "ho-so", "van-ban",
        "nhiem-vu", "lich-cong-tac", "phan-anh", "xep-hang", "thong-bao", "bao-cao", "lien-thong",
        "thong-ke", "an-ninh", "quan-tri", "quan-tri-cong-thong-tin", "cong-thong-tin", "api",
        "static", "media", "identity", "tinh-ngay-hen", "can-bo",
    }
)  # fmt: skip


class PortalKind(models.TextChoices):
    MAIN = "main", "Cổng thông tin chính"
    DEPARTMENT = "department", "Cổng thành phần sở, ban, ngành"
    COMMUNE = "commune", "Cổng thành phần xã, phường, đặc khu"


class PortalPage(Page):
    """Base of every portal page: the portal it belongs to and the reserved slugs."""

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        parent = self.get_parent() if self.pk else None
        if parent is not None and parent.depth == 2 and self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": "Đường dẫn này trùng với một chức năng khác của cổng."})

    def portal_home(self) -> PortalHomePage | None:
        """The nearest portal home at or above this page."""
        if isinstance(self, PortalHomePage):
            return self
        home = PortalHomePage.objects.ancestor_of(self).order_by("-depth").first()
        return home


class PortalHomePage(RoutablePageMixin, PortalPage):
    kind: models.CharField[str, str] = models.CharField(
        "loại cổng", max_length=16, choices=PortalKind.choices
    )
    organisation: models.ForeignKey[Any, Any] = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="cơ quan chủ quản",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    introduction: models.TextField[str, str] = models.TextField("lời giới thiệu", blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    settings_panels = [*Page.settings_panels, FieldPanel("kind"), FieldPanel("organisation")]
    parent_page_types = ["wagtailcore.Page", "portals.PortalIndexPage"]
    template = "portals/home_page.html"

    class Meta:
        verbose_name = "trang chủ cổng"
        verbose_name_plural = "trang chủ cổng"


class PortalIndexPage(PortalPage):
    """/cong/: the list of the component portals."""

    parent_page_types = ["portals.PortalHomePage"]
    subpage_types = ["portals.PortalHomePage"]
    template = "portals/portal_index_page.html"

    class Meta:
        verbose_name = "danh sách cổng thành phần"
        verbose_name_plural = "danh sách cổng thành phần"
