"""The portals: sites from the organisation tree, every required section rendering live data,
the search ignoring diacritics, feeds, the sitemap and the anonymous cache."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.models import GroupPagePermission, Page, Site

from chinhquyen.accounts.models import Position, Role
from chinhquyen.accounts.tests.factories import make_official
from chinhquyen.catalog.tests.factories import make_version
from chinhquyen.orgs.models import OrganisationKind
from chinhquyen.orgs.tests.factories import make_org
from chinhquyen.portals import sites
from chinhquyen.portals.models import (
    NewsIndexPage,
    NewsPage,
    PortalHomePage,
    PortalKind,
    SearchEntry,
)
from chinhquyen.portals.views import CACHE_HEADER

from .factories import make_document

pytestmark = pytest.mark.django_db


def home_of(org: Any) -> PortalHomePage:
    return PortalHomePage.objects.get(organisation=org, kind__in=["department", "commune"])


def add_news(home: PortalHomePage, title: str, **kwargs: Any) -> NewsPage:
    index = NewsIndexPage.objects.child_of(home).get()
    page = NewsPage(
        title=title,
        date=kwargs.pop("date", dt.date(2026, 3, 2)),
        summary=kwargs.pop("summary", f"Tóm tắt: {title}"),
        body=kwargs.pop("body", f"<p>{title}</p>"),
        **kwargs,
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


# --- sites from the organisation tree --------------------------------------------------------


def test_setup_creates_main_and_component_portals_with_sites_and_groups(tree: Any) -> None:
    main = PortalHomePage.objects.get(kind=PortalKind.MAIN)
    assert Site.objects.get(is_default_site=True).root_page_id == main.pk
    for key, kind in (("justice", "department"), ("health", "department"), ("commune", "commune")):
        home = home_of(tree[key])
        assert home.kind == kind
        assert home.url == f"/cong/{home.slug}/"
        assert not Site.objects.filter(root_page=home).exists()  # no PORTAL_HOST: prefix only
        slugs = set(home.get_children().values_list("slug", flat=True))
        assert {s.slug for s in sites.TEMPLATE} <= slugs
        editors = Group.objects.get(name=sites.editors_group_name(home))
        approvers = Group.objects.get(name=sites.approvers_group_name(home))
        assert set(
            GroupPagePermission.objects.filter(group=editors, page=home).values_list(
                "permission__codename", flat=True
            )
        ) == {"add_page", "change_page"}
        assert GroupPagePermission.objects.filter(
            group=approvers, page=home, permission__codename="publish_page"
        ).exists()
    # no Wagtail welcome page left, and running again creates nothing
    assert not Page.objects.filter(depth=2).exclude(pk=main.pk).exists()
    count = Page.objects.count()
    sites.setup_all()
    assert Page.objects.count() == count


def test_a_new_commune_gets_its_portal_from_the_template(
    tree: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        commune = make_org(
            "UBND phường Tân Thành",
            parent=tree["province"],
            kind=OrganisationKind.COMMUNE_COMMITTEE,
        )
    home = home_of(commune)
    assert home.get_children().live().count() == len(sites.TEMPLATE)
    assert Client().get(home.url).status_code == 200


def test_component_portal_is_served_on_its_host_name_and_under_the_prefix(
    db: None, settings: Any
) -> None:
    from .factories import make_tree

    settings.PORTAL_HOST = "ninhbinh.gov.vn"
    settings.ALLOWED_HOSTS = [".ninhbinh.gov.vn", "ninhbinh.gov.vn", "testserver"]
    orgs = make_tree()
    sites.setup_all()
    home = home_of(orgs["commune"])
    host = f"{home.slug}.ninhbinh.gov.vn"
    assert Site.objects.get(root_page=home).hostname == host
    response = Client().get("/", HTTP_HOST=host)
    assert response.status_code == 200
    assert f'<h1 id="portal-title" class="h2 mb-2">{home.title}' in response.content.decode()
    assert Client().get("/tin-tuc/", HTTP_HOST=host).status_code == 200
    # the prefix on the main host still reaches it, with links under the prefix
    prefixed = Client().get(f"/cong/{home.slug}/", HTTP_HOST="ninhbinh.gov.vn")
    assert prefixed.status_code == 200
    assert f'href="/cong/{home.slug}/tin-tuc/"' in prefixed.content.decode()


# --- the main portal's home ------------------------------------------------------------------


def test_home_links_every_section_the_component_portals_and_rss(tree: Any) -> None:
    main = PortalHomePage.objects.get(kind=PortalKind.MAIN)
    html = Client().get("/").content.decode()
    for section in main.get_children().live():
        assert f'href="{section.url}"' in html, section.slug
    for key in ("justice", "health", "commune"):
        assert f'href="{home_of(tree[key]).url}"' in html
    assert 'href="/tin-tuc/rss/"' in html
    assert 'href="/tai-khoan/dang-nhap/"' in html or "Đăng nhập" in html
    assert 'href="/ho-so/tra-cuu/"' in html


def test_landing_page_without_a_portal(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 200
    assert "Tìm thủ tục hành chính" in response.content.decode()


# --- live sections ---------------------------------------------------------------------------


def test_documents_listing_shows_public_documents_only_scoped_to_the_portal(tree: Any) -> None:
    make_document(tree["justice"], "Quyết định công bố thủ tục hộ tịch", number=11)
    make_document(tree["justice"], "Quyết định nội bộ không công khai", number=12, public=False)
    make_document(tree["health"], "Quyết định phòng chống dịch sốt xuất huyết", number=13)
    make_document(tree["justice"], "Quyết định đã ban hành chưa ký", number=14, status="issued")
    justice = home_of(tree["justice"])
    html = Client().get(f"{justice.url}van-ban-cong-khai/").content.decode()
    assert "thủ tục hộ tịch" in html
    assert "không công khai" not in html
    assert "sốt xuất huyết" not in html  # another department's
    assert "chưa ký" not in html
    main_html = Client().get("/van-ban-cong-khai/").content.decode()
    assert "thủ tục hộ tịch" in main_html and "sốt xuất huyết" in main_html
    assert "không công khai" not in main_html


def test_documents_search_filters_detail_and_signed_pdf(tree: Any) -> None:
    doc = make_document(tree["justice"], "Quyết định công bố thủ tục hộ tịch", number=11)
    hidden = make_document(tree["justice"], "Quyết định mật", number=12, public=False)
    client = Client()
    found = client.get("/van-ban-cong-khai/", {"q": "ho tich"}).content.decode()
    assert "thủ tục hộ tịch" in found
    assert (
        "thủ tục hộ tịch"
        not in client.get("/van-ban-cong-khai/", {"q": "xay dung"}).content.decode()
    )
    assert "hộ tịch" in client.get("/van-ban-cong-khai/", {"nam": "2026"}).content.decode()
    bad_year = client.get("/van-ban-cong-khai/", {"nam": "abc"})
    assert bad_year.status_code == 200
    assert "Năm ban hành không hợp lệ." in bad_year.content.decode()
    detail = client.get(f"/van-ban-cong-khai/{doc.pk}/")
    assert detail.status_code == 200
    assert "11/QĐ-UBND" in detail.content.decode()
    pdf = client.get(f"/van-ban-cong-khai/{doc.pk}/ban-ky-so/")
    assert pdf.status_code == 200
    assert pdf["Content-Disposition"].startswith("attachment")
    assert client.get(f"/van-ban-cong-khai/{hidden.pk}/").status_code == 404
    assert client.get(f"/van-ban-cong-khai/{hidden.pk}/ban-ky-so/").status_code == 404


def test_documents_listing_pages_by_keyset(tree: Any) -> None:
    from chinhquyen.portals import sections

    for n in range(sections.DOCUMENT_PAGE_SIZE + 3):
        make_document(
            tree["justice"], f"Văn bản số thứ tự {n}", number=100 + n,
            issued_on=dt.date(2026, 1, 1) + dt.timedelta(days=n),
        )  # fmt: skip
    first = Client().get("/van-ban-cong-khai/")
    cursor = first.context["next_cursor"]
    assert cursor
    second = Client().get("/van-ban-cong-khai/", {"sau": cursor})
    seen = {d.pk for d in first.context["documents"]} | {d.pk for d in second.context["documents"]}
    assert len(seen) == sections.DOCUMENT_PAGE_SIZE + 3
    assert not second.context["next_cursor"]
    assert Client().get("/van-ban-cong-khai/", {"sau": "x"}).status_code == 200


def test_procedures_live_with_submit_online_link(tree: Any) -> None:
    version = make_version(
        "Đăng ký khai sinh", code="1.001193", online_level=4, competent=[tree["justice"]]
    )
    html = Client().get("/thu-tuc-hanh-chinh/", {"q": "dang ky khai sinh"}).content.decode()
    assert "Đăng ký khai sinh" in html
    detail = Client().get(f"/thu-tuc-hanh-chinh/{version.procedure.code}/").content.decode()
    assert "Nộp hồ sơ trực tuyến" in detail
    assert f"/ho-so/nop/{version.procedure.code}/" in detail or "nop" in detail
    assert Client().get("/thu-tuc-hanh-chinh/khong-co/").status_code == 404


def test_organisation_page_shows_units_and_leaders_with_contacts(tree: Any) -> None:
    leader = make_official(tree["justice"], Role.LEADER, full_name="Nguyễn Văn Giám Đốc")
    leader.phone = "0229 3871 234"
    leader.save()
    Position.objects.filter(user=leader).update(title="Giám đốc Sở")
    make_org("Phòng Hành chính tư pháp", parent=tree["justice"], kind=OrganisationKind.UNIT)
    justice = home_of(tree["justice"])
    html = Client().get(f"{justice.url}gioi-thieu/").content.decode()
    assert "Nguyễn Văn Giám Đốc" in html and "Giám đốc Sở" in html and "0229 3871 234" in html
    assert "Phòng Hành chính tư pháp" in html


def test_every_section_renders_anonymously(tree: Any) -> None:
    client = Client()
    for home in PortalHomePage.objects.all():
        assert client.get(home.url).status_code == 200, home.url
        for page in home.get_children().live():
            response = client.get(page.url)
            assert response.status_code == 200, page.url
        for route in ("tim-kiem/", "so-do-trang/"):
            assert client.get(home.url + route).status_code == 200
    assert client.get("/du-lieu-mo/danh-muc/").json()["dataset"] == []
    assert client.get("/sitemap.xml").status_code == 200


# --- news, feeds, search, cache --------------------------------------------------------------


def test_news_rss_atom_and_unpublished_pages_do_not_leak(tree: Any) -> None:
    main = PortalHomePage.objects.get(kind=PortalKind.MAIN)
    add_news(main, "Khai mạc lễ hội Tràng An")
    draft = add_news(main, "Bản nháp chưa duyệt")
    draft.unpublish()
    client = Client()
    assert "Khai mạc lễ hội Tràng An" in client.get("/tin-tuc/").content.decode()
    rss = client.get("/tin-tuc/rss/")
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert "Khai mạc lễ hội Tràng An" in rss.content.decode()
    assert "Khai mạc lễ hội Tràng An" in client.get("/tin-tuc/atom/").content.decode()
    for url in ("/tin-tuc/", "/tin-tuc/rss/", "/", "/sitemap.xml", "/tim-kiem/?q=ban+nhap"):
        assert "Bản nháp chưa duyệt" not in client.get(url).content.decode(), url
    assert client.get(draft.url or "/tin-tuc/ban-nhap-chua-duyet/").status_code == 404


def test_search_ignores_diacritics_across_pages_documents_and_procedures(tree: Any) -> None:
    main = PortalHomePage.objects.get(kind=PortalKind.MAIN)
    add_news(main, "Thông báo tuyển dụng công chức năm 2026")
    make_document(tree["justice"], "Quyết định tuyển dụng viên chức sự nghiệp", number=21)
    make_version("Thủ tục tuyển dụng công chức cấp xã", code="2.000111")
    html = Client().get("/tim-kiem/", {"q": "tuyen dung"}).content.decode()
    assert "Thông báo tuyển dụng công chức năm 2026" in html
    assert "Quyết định tuyển dụng viên chức sự nghiệp" in html
    assert "Thủ tục tuyển dụng công chức cấp xã" in html
    assert (
        "Thông báo tuyển dụng"
        in Client().get("/tim-kiem/", {"q": "THÔNG BÁO Tuyển Dụng"}).content.decode()
    )
    assert (
        "Thông báo tuyển dụng"
        not in Client().get("/tim-kiem/", {"q": "khai sinh"}).content.decode()
    )


def test_search_entry_follows_publish_and_unpublish(tree: Any) -> None:
    main = PortalHomePage.objects.get(kind=PortalKind.MAIN)
    page = add_news(main, "Hội nghị xúc tiến đầu tư")
    assert SearchEntry.objects.filter(page=page).exists()
    page.unpublish()
    assert not SearchEntry.objects.filter(page=page).exists()


def test_anonymous_pages_are_cached_and_publishing_clears_the_cache(tree: Any) -> None:
    main = PortalHomePage.objects.get(kind=PortalKind.MAIN)
    client = Client()
    assert client.get("/tin-tuc/")[CACHE_HEADER] == "miss"
    assert client.get("/tin-tuc/")[CACHE_HEADER] == "hit"
    add_news(main, "Tin mới đăng sau khi lưu bộ nhớ đệm")
    response = client.get("/tin-tuc/")
    assert response[CACHE_HEADER] == "miss"
    assert "Tin mới đăng sau khi lưu bộ nhớ đệm" in response.content.decode()


def test_signed_in_visitors_are_never_served_from_the_cache(tree: Any) -> None:
    Client().get("/")
    official = make_official(tree["justice"], Role.SPECIALIST, totp=True)
    client = Client()
    client.force_login(official)
    response = client.get("/")
    assert CACHE_HEADER not in response
    assert (
        official.username in response.content.decode() or "Đăng xuất" in response.content.decode()
    )


def test_news_image_requires_alt_text(tree: Any) -> None:
    from django.core.exceptions import ValidationError
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="Ảnh", file=get_test_image_file())
    main = PortalHomePage.objects.get(kind=PortalKind.MAIN)
    index = NewsIndexPage.objects.child_of(main).get()
    page = NewsPage(
        title="Tin có ảnh", date=dt.date(2026, 3, 2), summary="Tóm tắt", body="<p>x</p>",
        image=image,
    )  # fmt: skip
    with pytest.raises(ValidationError) as err:
        index.add_child(instance=page)
    assert "image_alt" in err.value.message_dict


def test_public_flag_is_set_by_the_issuing_unit_and_audited(tree: Any) -> None:
    from auditlog.models import LogEntry
    from django.core.exceptions import PermissionDenied

    from chinhquyen.core.api import DomainError
    from chinhquyen.documents import services

    clerk = make_official(tree["justice"], Role.CLERK)
    other = make_official(tree["health"], Role.CLERK)
    doc = make_document(tree["justice"], "Quyết định công khai sau", number=31, public=False)
    with pytest.raises(PermissionDenied):
        services.outgoing_set_public(actor=other, document=doc, public=True)
    services.outgoing_set_public(actor=clerk, document=doc, public=True)
    doc.refresh_from_db()
    assert doc.portal_public and doc.portal_public_at
    assert doc.events.filter(action="portal_publish", actor=clerk).exists()
    assert (
        LogEntry.objects.get_for_object(doc).filter(changes_text__contains="portal_public").exists()
        or LogEntry.objects.get_for_object(doc).exists()
    )
    draft = make_document(tree["justice"], "Dự thảo", number=32, public=False, status="draft")
    with pytest.raises(DomainError):
        services.outgoing_set_public(actor=clerk, document=draft, public=True)


def test_csp_relaxations_apply_under_the_wagtail_admin_only(db: None) -> None:
    admin = Client().get("/quan-tri-cong-thong-tin/")
    assert "'unsafe-inline'" in admin["Content-Security-Policy"]
    assert "'unsafe-inline'" not in Client().get("/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in Client().get("/sitemap.xml")["Content-Security-Policy"]
