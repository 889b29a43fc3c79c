"""Page types of the portals (DOMAIN.md §12). The tree of a portal:

    PortalHomePage (main)                      → /
    ├── section pages (news, documents, …)    → /<section>/
    └── PortalIndexPage                        → /cong/
        └── PortalHomePage (component)         → /cong/<slug>/  (and <slug>.<PORTAL_HOST>)
            └── section pages                  → /cong/<slug>/<section>/

Live sections (documents, procedures, organisation, calendar, statistics) read the other apps
at request time, scoped to the portal's organisation subtree; nothing is copied.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.html import strip_tags
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.snippets.models import register_snippet

from chinhquyen.core.text import normalize_search

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
    """Base of every portal page: its portal, the portal's sections, the search text."""

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
        return PortalHomePage.objects.ancestor_of(self).order_by("-depth").first()

    def search_source(self) -> list[str]:
        """Texts the portal search finds this page by (besides its title)."""
        return [self.search_description]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        portal = self.portal_home()
        context["portal"] = portal
        context["portal_sections"] = (
            list(portal.get_children().live().in_menu().specific()) if portal else []
        )
        context["breadcrumb"] = (
            list(self.get_ancestors().filter(depth__gte=portal.depth).specific())
            if portal and portal.pk != self.pk
            else []
        )
        return context


def _rich(value: str) -> str:
    return strip_tags(value or "")


class PortalHomePage(RoutablePageMixin, PortalPage):
    kind = models.CharField("loại cổng", max_length=16, choices=PortalKind.choices)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="cơ quan chủ quản",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    introduction = models.TextField("lời giới thiệu", blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    settings_panels = [*Page.settings_panels, FieldPanel("kind"), FieldPanel("organisation")]
    parent_page_types = ["wagtailcore.Page", "portals.PortalIndexPage"]
    template = "portals/home_page.html"

    class Meta:
        verbose_name = "trang chủ cổng"
        verbose_name_plural = "trang chủ cổng"

    def search_source(self) -> list[str]:
        return [self.introduction]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from . import sections

        context = super().get_context(request, *args, **kwargs)
        context.update(sections.home_context(self))
        return context

    @path("tim-kiem/", name="search")
    def search_view(self, request: HttpRequest) -> Any:
        from . import search

        return self.render(
            request,
            template="portals/search.html",
            context_overrides=search.search_context(self, request),
        )

    @path("so-do-trang/", name="sitemap")
    def sitemap_view(self, request: HttpRequest) -> Any:
        from . import sections

        return self.render(
            request,
            template="portals/sitemap.html",
            context_overrides={"tree": sections.sitemap_tree(self)},
        )


class PortalIndexPage(PortalPage):
    """/cong/: the list of the component portals."""

    introduction = models.TextField("lời giới thiệu", blank=True)
    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["portals.PortalHomePage"]
    subpage_types = ["portals.PortalHomePage"]
    template = "portals/portal_index_page.html"

    class Meta:
        verbose_name = "danh sách cổng thành phần"
        verbose_name_plural = "danh sách cổng thành phần"


# --- news and announcements ----------------------------------------------------------------


@register_snippet
class NewsCategory(models.Model):
    name = models.CharField("tên chuyên mục", max_length=100)
    slug = models.SlugField("đường dẫn", max_length=100, unique=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=100)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("order")]

    class Meta:
        verbose_name = "chuyên mục tin"
        verbose_name_plural = "chuyên mục tin"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class NewsKind(models.TextChoices):
    NEWS = "news", "Tin tức"
    ANNOUNCEMENT = "announcement", "Thông báo"


class NewsIndexPage(RoutablePageMixin, PortalPage):
    """News and announcements of a portal, with RSS and Atom feeds (per category)."""

    introduction = models.TextField("lời giới thiệu", blank=True)
    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["portals.PortalHomePage"]
    subpage_types = ["portals.NewsPage"]
    template = "portals/news_index_page.html"
    PAGE_SIZE = 12

    class Meta:
        verbose_name = "chuyên trang tin tức, thông báo"
        verbose_name_plural = "chuyên trang tin tức, thông báo"

    def items(self) -> Any:
        return (
            NewsPage.objects.child_of(self)
            .live()
            .select_related("category", "image")
            .order_by("-date", "-pk")
        )

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        items = self.items()
        category = NewsCategory.objects.filter(slug=request.GET.get("chuyen-muc") or "").first()
        if category is not None:
            items = items.filter(category=category)
        kind = request.GET.get("loai") or ""
        if kind in NewsKind.values:
            items = items.filter(kind=kind)
        paginator = Paginator(items, self.PAGE_SIZE)
        context["page_obj"] = paginator.get_page(request.GET.get("trang"))
        context["category"] = category
        context["kind"] = kind
        context["categories"] = NewsCategory.objects.all()
        return context

    @path("rss/", name="rss")
    def rss(self, request: HttpRequest) -> Any:
        from . import feeds

        return feeds.news_feed(self, request, atom=False)

    @path("atom/", name="atom")
    def atom(self, request: HttpRequest) -> Any:
        from . import feeds

        return feeds.news_feed(self, request, atom=True)


class NewsPage(PortalPage):
    date = models.DateField("ngày đăng")
    kind = models.CharField("loại tin", max_length=16, choices=NewsKind.choices, default="news")
    category = models.ForeignKey(
        NewsCategory,
        verbose_name="chuyên mục",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    featured = models.BooleanField("tin nổi bật", default=False)
    summary = models.TextField("tóm tắt", max_length=600)
    body = RichTextField(
        "nội dung", features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="ảnh đại diện",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        "mô tả ảnh (văn bản thay thế)",
        max_length=255,
        blank=True,
        help_text="Bắt buộc khi có ảnh: mô tả nội dung ảnh cho người khiếm thị.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("kind"),
        FieldPanel("category"),
        FieldPanel("featured"),
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("image_alt"),
        FieldPanel("body"),
        InlinePanel("attachments", label="tệp đính kèm"),
    ]
    parent_page_types = ["portals.NewsIndexPage"]
    subpage_types: list[str] = []
    template = "portals/news_page.html"

    class Meta:
        verbose_name = "tin bài, thông báo"
        verbose_name_plural = "tin bài, thông báo"

    def clean(self) -> None:
        super().clean()
        if self.image_id and not (self.image_alt or "").strip():
            raise ValidationError({"image_alt": "Hãy nhập mô tả ảnh (văn bản thay thế)."})

    def search_source(self) -> list[str]:
        return [self.summary, _rich(self.body)]


class NewsAttachment(Orderable):
    page = ParentalKey(NewsPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="tệp", on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField("tên tệp hiển thị", max_length=255)

    panels = [FieldPanel("document"), FieldPanel("title")]


# --- live sections ---------------------------------------------------------------------------


class LiveSectionPage(PortalPage):
    """A section whose content is read live from another app (no copy)."""

    introduction = models.TextField("lời giới thiệu", blank=True)
    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["portals.PortalHomePage"]
    subpage_types: list[str] = []

    class Meta:
        abstract = True

    def search_source(self) -> list[str]:
        return [self.introduction]


class DocumentListPage(RoutablePageMixin, LiveSectionPage):
    """Legal and administrative documents issued by the portal's organisation subtree and
    marked public by the issuing unit (documents app, live)."""

    legal_only = models.BooleanField("chỉ văn bản quy phạm pháp luật", default=False)
    settings_panels = [*Page.settings_panels, FieldPanel("legal_only")]
    template = "portals/document_list_page.html"

    class Meta:
        verbose_name = "văn bản chỉ đạo, điều hành"
        verbose_name_plural = "văn bản chỉ đạo, điều hành"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from . import sections

        context = super().get_context(request, *args, **kwargs)
        if "document" not in context:
            context.update(sections.document_list(self, request))
        return context

    @path("<int:pk>/", name="document")
    def document_view(self, request: HttpRequest, pk: int) -> Any:
        from . import sections

        return self.render(
            request,
            template="portals/document_detail.html",
            context_overrides={"document": sections.public_document(self, pk)},
        )

    @path("<int:pk>/ban-ky-so/", name="document_pdf")
    def document_pdf(self, request: HttpRequest, pk: int) -> Any:
        from . import sections

        return sections.document_pdf(sections.public_document(self, pk))


class ProcedureListPage(RoutablePageMixin, LiveSectionPage):
    """Administrative procedures and online services (catalog app, live)."""

    template = "portals/procedure_list_page.html"

    class Meta:
        verbose_name = "thủ tục hành chính, dịch vụ công"
        verbose_name_plural = "thủ tục hành chính, dịch vụ công"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from . import sections

        context = super().get_context(request, *args, **kwargs)
        if "version" not in context:
            context.update(sections.procedure_list(self, request))
        return context

    @re_path(r"^(?P<code>[\w.\-]+)/$", name="procedure")
    def procedure_view(self, request: HttpRequest, code: str) -> Any:
        from . import sections

        return self.render(
            request,
            template="portals/procedure_detail.html",
            context_overrides={"version": sections.procedure(code)},
        )


class OrganisationPage(LiveSectionPage):
    """Organisation chart, functions and duties, leaders with their contacts (orgs, accounts)."""

    functions = RichTextField("chức năng, nhiệm vụ", blank=True, features=["bold", "ol", "ul"])
    content_panels = [*LiveSectionPage.content_panels, FieldPanel("functions")]
    template = "portals/organisation_page.html"

    class Meta:
        verbose_name = "giới thiệu, cơ cấu tổ chức"
        verbose_name_plural = "giới thiệu, cơ cấu tổ chức"

    def search_source(self) -> list[str]:
        return [self.introduction, _rich(self.functions)]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from . import sections

        context = super().get_context(request, *args, **kwargs)
        context.update(sections.organisation(self))
        return context


class CalendarPage(LiveSectionPage):
    """The work calendar: this week's published events (tasks calendar, live)."""

    template = "portals/calendar_page.html"

    class Meta:
        verbose_name = "lịch làm việc"
        verbose_name_plural = "lịch làm việc"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from . import sections

        context = super().get_context(request, *args, **kwargs)
        context.update(sections.calendar(self, request))
        return context


class StatisticsPage(LiveSectionPage):
    """Sector statistics: the published one-stop-shop figures (stats app, live)."""

    template = "portals/statistics_page.html"

    class Meta:
        verbose_name = "số liệu thống kê"
        verbose_name_plural = "số liệu thống kê"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from . import sections

        context = super().get_context(request, *args, **kwargs)
        context.update(sections.statistics(self))
        return context


# --- edited sections ------------------------------------------------------------------------


class ReportCategory(models.TextChoices):
    PLAN = "plan", "Kế hoạch"
    BUDGET_ESTIMATE = "budget_estimate", "Dự toán ngân sách"
    BUDGET_EXECUTION = "budget_execution", "Tình hình thực hiện ngân sách"
    BUDGET_FINAL = "budget_final", "Quyết toán ngân sách"
    REPORT = "report", "Báo cáo"


class PlanReportPage(LiveSectionPage):
    """Plans and budget reports: files with a category and a year."""

    template = "portals/plan_report_page.html"

    class Meta:
        verbose_name = "kế hoạch, báo cáo ngân sách"
        verbose_name_plural = "kế hoạch, báo cáo ngân sách"

    content_panels = [*LiveSectionPage.content_panels, InlinePanel("reports", label="tài liệu")]

    def search_source(self) -> list[str]:
        return [self.introduction, *(r.title for r in self.reports.all())]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        reports = self.reports.select_related("document").order_by("-year", "sort_order")
        category = request.GET.get("loai") or ""
        if category in ReportCategory.values:
            reports = reports.filter(category=category)
        context["reports"] = reports
        context["category"] = category
        context["categories"] = ReportCategory.choices
        return context


class PlanReport(Orderable):
    page = ParentalKey(PlanReportPage, on_delete=models.CASCADE, related_name="reports")
    title = models.CharField("tên tài liệu", max_length=255)
    category = models.CharField("loại", max_length=20, choices=ReportCategory.choices)
    year = models.PositiveSmallIntegerField("năm")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="tệp", on_delete=models.PROTECT, related_name="+"
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("category"),
        FieldPanel("year"),
        FieldPanel("document"),
    ]


class Licence(models.TextChoices):
    CC_BY = "CC-BY-4.0", "Creative Commons Ghi công 4.0 (CC BY 4.0)"
    CC0 = "CC0-1.0", "Creative Commons Không bảo lưu (CC0 1.0)"
    ODBL = "ODbL-1.0", "Giấy phép Cơ sở dữ liệu mở (ODbL 1.0)"


class OpenDataPage(RoutablePageMixin, LiveSectionPage):
    """Open data: the catalogue of datasets (CSV/JSON files with a licence); its JSON
    catalogue at ``danh-muc/``."""

    template = "portals/open_data_page.html"
    content_panels = [*LiveSectionPage.content_panels, InlinePanel("datasets", label="bộ dữ liệu")]

    class Meta:
        verbose_name = "dữ liệu mở"
        verbose_name_plural = "dữ liệu mở"

    def search_source(self) -> list[str]:
        return [self.introduction, *(f"{d.title} {d.description}" for d in self.datasets.all())]

    @path("danh-muc/", name="catalogue")
    def catalogue(self, request: HttpRequest) -> Any:
        from . import sections

        return sections.open_data_catalogue(self, request)


class Dataset(Orderable):
    page = ParentalKey(OpenDataPage, on_delete=models.CASCADE, related_name="datasets")
    title = models.CharField("tên bộ dữ liệu", max_length=255)
    description = models.TextField("mô tả")
    publisher = models.CharField("đơn vị cung cấp", max_length=255)
    licence = models.CharField(
        "giấy phép", max_length=20, choices=Licence.choices, default=Licence.CC_BY
    )
    updated_on = models.DateField("cập nhật ngày")
    csv_file = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="tệp CSV",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    json_file = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="tệp JSON",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("publisher"),
        FieldPanel("licence"),
        FieldPanel("updated_on"),
        FieldPanel("csv_file"),
        FieldPanel("json_file"),
    ]

    def clean(self) -> None:
        if not self.csv_file_id and not self.json_file_id:
            raise ValidationError("Bộ dữ liệu cần ít nhất một tệp CSV hoặc JSON.")


class FeedbackPage(LiveSectionPage):
    """Questions and answers, and the ways to send feedback (the feedback app)."""

    template = "portals/feedback_page.html"
    content_panels = [*LiveSectionPage.content_panels, InlinePanel("questions", label="hỏi đáp")]

    class Meta:
        verbose_name = "hỏi đáp, phản ánh kiến nghị"
        verbose_name_plural = "hỏi đáp, phản ánh kiến nghị"

    def search_source(self) -> list[str]:
        return [self.introduction, *(f"{q.question} {q.answer}" for q in self.questions.all())]


class Question(Orderable):
    page = ParentalKey(FeedbackPage, on_delete=models.CASCADE, related_name="questions")
    question = models.CharField("câu hỏi", max_length=500)
    answer = models.TextField("trả lời")

    panels = [FieldPanel("question"), FieldPanel("answer")]


class ContactPage(LiveSectionPage):
    """Contact: the organisation's address, telephone and e-mail (orgs, live) and office hours."""

    office_hours = models.TextField("thời gian làm việc", blank=True)
    content_panels = [*LiveSectionPage.content_panels, FieldPanel("office_hours")]
    template = "portals/contact_page.html"

    class Meta:
        verbose_name = "liên hệ"
        verbose_name_plural = "liên hệ"


# --- search --------------------------------------------------------------------------------


class SearchEntry(models.Model):
    """The search form of a live portal page (rebuilt on publish, gone on unpublish): the
    portal search is accent-insensitive (core.search) over pages, documents and procedures."""

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="portal_search_entry"
    )
    tree_path = models.CharField(max_length=255, db_index=True)
    search_text = models.TextField(default="")

    class Meta:
        verbose_name = "chỉ mục tìm kiếm trang cổng"
        verbose_name_plural = "chỉ mục tìm kiếm trang cổng"

    def __str__(self) -> str:
        return f"#{self.page_id}"

    @classmethod
    def refresh(cls, page: Page) -> None:
        specific = page.specific
        if not page.live or not isinstance(specific, PortalPage):
            cls.objects.filter(page_id=page.pk).delete()
            return
        text = normalize_search(" ".join([specific.title, *specific.search_source()]))
        cls.objects.update_or_create(
            page_id=page.pk, defaults={"tree_path": page.path, "search_text": text[:20000]}
        )
