"""Creating the portals from the organisation tree: the main portal of the province, a
component portal per department and per commune (each from the same template of sections),
its Wagtail site (host ``<slug>.<PORTAL_HOST>``, when ``PORTAL_HOST`` is set), its editors' and
approvers' groups with page permissions on its home and a collection for its images and files.

Idempotent: run again, it creates only what is missing (``manage.py portals_setup``, the
organisation admin's action, and a new commune's portal on creation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.text import slugify
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
)

from chinhquyen.core.text import normalize_search
from chinhquyen.orgs.models import Organisation, OrganisationKind

from . import models as m

COMPONENT_KINDS = {
    OrganisationKind.DEPARTMENT: m.PortalKind.DEPARTMENT,
    OrganisationKind.COMMUNE_COMMITTEE: m.PortalKind.COMMUNE,
}
INDEX_SLUG = "cong"
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
APPROVER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


@dataclass(frozen=True)
class Section:
    """One section of the portal template: page type, slug, title, introduction."""

    model: type[Page]
    slug: str
    title: str
    introduction: str


# The template every portal is created from (DOMAIN.md §12): one page per required section.
TEMPLATE: tuple[Section, ...] = (
    Section(
        m.OrganisationPage,
        "gioi-thieu",
        "Giới thiệu",
        "Chức năng, nhiệm vụ, cơ cấu tổ chức và lãnh đạo của {name}.",
    ),
    Section(m.NewsIndexPage, "tin-tuc", "Tin tức, thông báo", "Tin tức, thông báo của {name}."),
    Section(
        m.DocumentListPage,
        "van-ban-cong-khai",
        "Văn bản chỉ đạo, điều hành",
        "Văn bản quy phạm pháp luật và văn bản chỉ đạo, điều hành do {name} ban hành.",
    ),
    Section(
        m.ProcedureListPage,
        "thu-tuc-hanh-chinh",
        "Thủ tục hành chính",
        "Thủ tục hành chính và dịch vụ công trực tuyến thuộc thẩm quyền của {name}.",
    ),
    Section(m.CalendarPage, "lich-lam-viec", "Lịch làm việc", "Lịch làm việc của lãnh đạo {name}."),
    Section(
        m.PlanReportPage,
        "ke-hoach-ngan-sach",
        "Kế hoạch, ngân sách",
        "Kế hoạch phát triển, dự toán và quyết toán ngân sách công khai của {name}.",
    ),
    Section(
        m.StatisticsPage,
        "so-lieu-thong-ke",
        "Số liệu thống kê",
        "Số liệu giải quyết thủ tục hành chính công bố hằng tháng của {name}.",
    ),
    Section(
        m.OpenDataPage,
        "du-lieu-mo",
        "Dữ liệu mở",
        "Dữ liệu mở do {name} công bố, tải về dạng CSV, JSON kèm giấy phép sử dụng.",
    ),
    Section(
        m.FeedbackPage,
        "hoi-dap",
        "Hỏi đáp, phản ánh",
        "Câu hỏi thường gặp và cách gửi phản ánh, kiến nghị đến {name}.",
    ),
    Section(m.ContactPage, "lien-he", "Liên hệ", "Địa chỉ, điện thoại, thư điện tử của {name}."),
)


def portal_slug(org: Organisation) -> str:
    base = slugify(normalize_search(org.short_name or org.name))[:60].strip("-")
    return base or f"don-vi-{org.pk}"


def portal_title(org: Organisation) -> str:
    return f"Cổng thông tin điện tử {org.name}"


def editors_group_name(home: Page) -> str:
    return f"Biên tập cổng: {home.title}"[:150]


def approvers_group_name(home: Page) -> str:
    return f"Duyệt đăng cổng: {home.title}"[:150]


def portal_host(slug: str) -> str:
    return f"{slug}.{settings.PORTAL_HOST}"


def _add_child(parent: Page, page: Page, user: Any = None) -> Page:
    """Add and publish ``page`` (its revision and publication logged with ``user``)."""
    user = user if getattr(user, "pk", None) else None
    parent.add_child(instance=page)
    page.save_revision(user=user, log_action=True).publish(user=user)
    return page


def add_sections(home: m.PortalHomePage, name: str, user: Any = None) -> list[Page]:
    """The template's sections missing under ``home`` (created and published)."""
    existing = set(home.get_children().values_list("slug", flat=True))
    created = []
    for section in TEMPLATE:
        if section.slug in existing:
            continue
        page = section.model(
            title=section.title,
            slug=section.slug,
            show_in_menus=True,
            introduction=section.introduction.format(name=name),
        )
        created.append(_add_child(home, page, user))
    return created


def _site_for(home: Page, hostname: str, *, default: bool, name: str) -> Site:
    site = Site.objects.filter(root_page=home).first()
    if site is None:
        site = Site.objects.filter(hostname=hostname, port=80).first() or Site(
            hostname=hostname, port=80
        )
        site.root_page = home
    site.site_name = name[:255]
    site.is_default_site = default
    site.save()
    return site


def _groups(home: m.PortalHomePage) -> tuple[Group, Group]:
    """The portal's editors and approvers, with page rights on its home and image/file
    rights on its collection."""
    collection = Collection.objects.filter(name=home.title[:255]).first()
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=home.title[:255])
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    media = Permission.objects.filter(
        content_type__app_label__in=("wagtailimages", "wagtaildocs"),
        codename__in=(
            "add_image",
            "change_image",
            "choose_image",
            "add_document",
            "change_document",
            "choose_document",
        ),
    )
    out = []
    for name, rights in (
        (editors_group_name(home), EDITOR_PAGE_PERMISSIONS),
        (approvers_group_name(home), APPROVER_PAGE_PERMISSIONS),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access)
        for codename in rights:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=home,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
        for permission in media:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )
        out.append(group)
    return out[0], out[1]


def _editorial(home: m.PortalHomePage) -> None:
    """The portal's writer/editor/approver groups and its Wagtail workflow (portals.editorial:
    editors cannot publish; the editorial board approves)."""
    from chinhquyen.portals.editorial import ensure_workflow

    ensure_workflow(home)


def province(on: Any = None) -> Organisation | None:
    return (
        Organisation.objects.active(on)
        .filter(kind=OrganisationKind.PROVINCIAL_COMMITTEE)
        .order_by("path")
        .first()
    )


def _drop_welcome_page(root: Page) -> None:
    """Wagtail's "Welcome to your new Wagtail site!" page, once no site uses it."""
    for page in root.get_children().exact_type(Page):
        if not Site.objects.filter(root_page=page).exists() and not page.get_children().exists():
            page.delete()


def _ensure_roots() -> None:
    """Wagtail's default locale, root page and root collection (made by its migrations; gone
    after a database flush, e.g. between transactional tests)."""
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale

    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", live=True))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


@transaction.atomic
def ensure_main_portal(org: Organisation | None = None, user: Any = None) -> m.PortalHomePage:
    _ensure_roots()
    home = m.PortalHomePage.objects.filter(kind=m.PortalKind.MAIN).first()
    org = org or province()
    if home is None:
        root = Page.get_first_root_node()
        title = settings.WAGTAIL_SITE_NAME
        home = m.PortalHomePage(
            title=title,
            slug="trang-chu",
            kind=m.PortalKind.MAIN,
            organisation=org,
            introduction=(
                f"Cổng thông tin điện tử của Ủy ban nhân dân tỉnh {settings.PROVINCE_NAME}: "
                "tin tức, văn bản chỉ đạo điều hành, thủ tục hành chính và dịch vụ công trực "
                "tuyến, lịch làm việc, số liệu thống kê và dữ liệu mở của tỉnh."
            ),
        )
        _add_child(root, home, user)
    Site.objects.filter(is_default_site=True).exclude(root_page=home).update(is_default_site=False)
    _site_for(home, settings.PORTAL_HOST or "localhost", default=True, name=home.title)
    _drop_welcome_page(Page.get_first_root_node())
    add_sections(home, f"tỉnh {settings.PROVINCE_NAME}", user)
    if not m.PortalIndexPage.objects.child_of(home).exists():
        index = m.PortalIndexPage(
            title="Cổng thành phần",
            slug=INDEX_SLUG,
            show_in_menus=True,
            introduction="Cổng thông tin điện tử của các sở, ban, ngành và xã, phường.",
        )
        _add_child(home, index, user)
    _groups(home)
    _editorial(home)
    return home


@transaction.atomic
def ensure_component_portal(org: Organisation, user: Any = None) -> m.PortalHomePage:
    """The component portal of a department or commune (created from the template)."""
    kind = COMPONENT_KINDS.get(org.kind)  # type: ignore[call-overload]
    if kind is None:
        raise ValueError(f"{org.name}: chỉ sở, ban, ngành và xã, phường có cổng thành phần.")
    home = m.PortalHomePage.objects.filter(organisation=org).exclude(kind=m.PortalKind.MAIN).first()
    if home is None:
        main = ensure_main_portal(user=user)
        index = m.PortalIndexPage.objects.child_of(main).get()
        slug = portal_slug(org)
        if index.get_children().filter(slug=slug).exists():
            slug = f"{slug}-{org.pk}"
        home = m.PortalHomePage(
            title=portal_title(org),
            slug=slug,
            kind=kind,
            organisation=org,
            show_in_menus=False,
            introduction=f"Cổng thông tin điện tử thành phần của {org.name}.",
        )
        _add_child(index, home, user)
    if settings.PORTAL_HOST:  # its own host name; always under /cong/<slug>/ too
        _site_for(home, portal_host(home.slug), default=False, name=home.title)
    add_sections(home, org.name, user)
    _groups(home)
    _editorial(home)
    return home


def portal_organisations() -> list[Organisation]:
    return list(
        Organisation.objects.active().filter(kind__in=list(COMPONENT_KINDS)).order_by("path")
    )


def setup_all() -> list[m.PortalHomePage]:
    """The main portal and every active department's and commune's portal."""
    homes = [ensure_main_portal()]
    homes += [ensure_component_portal(org) for org in portal_organisations()]
    return homes
