"""The integrity job: a page changed in the database, a template or file changed on disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from auditlog.models import LogEntry
from wagtail.models import Page, PageLogEntry

from chinhquyen.accounts.models import Role
from chinhquyen.audit.models import SecurityEvent
from chinhquyen.dossiers.tests.factories import make_official
from chinhquyen.portals.editorial import integrity
from chinhquyen.portals.editorial.models import CheckStatus, PageFingerprint
from chinhquyen.portals.editorial.tasks import integrity_check
from chinhquyen.portals.models import PortalIndexPage
from chinhquyen.secops.models import Alert

from .conftest import Portals

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _copies(settings: Any, tmp_path: Path) -> None:
    settings.PORTAL_INTEGRITY_DIR = tmp_path / "integrity"
    settings.PORTAL_INTEGRITY_RESTORE = False


def _published(portals: Portals, title: str = "Giới thiệu chung") -> Page:
    approver = portals.users["approver_x"]
    page = portals.x.add_child(instance=PortalIndexPage(title=title, slug="gioi-thieu"))
    page.save_revision(user=approver).publish(user=approver)
    page.refresh_from_db()
    return page


def _events() -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(kind=integrity.EVENT_KIND).order_by("pk"))


def test_published_pages_are_fingerprinted_and_a_clean_site_raises_nothing(
    portals: Portals,
) -> None:
    page = _published(portals)
    first = integrity_check.call()
    assert first["baselined"] >= 1 and first["findings"] == 0
    fingerprint = PageFingerprint.objects.get(page=page)
    assert fingerprint.host == "x.portal.test"
    assert fingerprint.html_sha256 and fingerprint.content_sha256
    second = integrity_check.call()
    assert second["findings"] == 0 and second["baselined"] == 0
    assert not _events()


def test_a_page_changed_in_the_database_is_detected_and_alerted(portals: Portals) -> None:
    page = _published(portals)
    it_admin = make_official(portals.x.specific.organisation, Role.IT_ADMIN, username="qt_x")
    integrity_check.call()
    # the attacker writes to the table, outside Wagtail and its workflow
    PortalIndexPage.objects.filter(pk=page.pk).update(title="Trang đã bị tấn công")
    result = integrity_check.call()
    assert result["findings"] == 1 and result["restored"] == 0
    (event,) = _events()
    assert event.detail["page_id"] == page.pk
    assert any("ngoài quy trình" in p for p in event.detail["problems"])
    assert event.detail["unit_path"] == portals.x.specific.organisation.path
    alert = Alert.objects.get(event=event)
    assert alert.unit_path == portals.x.specific.organisation.path
    from chinhquyen.secops.services import alert_recipients

    assert it_admin in alert_recipients(alert)
    assert PageFingerprint.objects.get(page=page).status == CheckStatus.MISMATCH
    page.refresh_from_db()
    assert page.title == "Trang đã bị tấn công"  # restoring is off


def test_a_page_changed_in_the_database_is_restored_when_enabled(
    portals: Portals, settings: Any
) -> None:
    settings.PORTAL_INTEGRITY_RESTORE = True
    page = _published(portals)
    integrity_check.call()
    PortalIndexPage.objects.filter(pk=page.pk).update(title="Trang đã bị tấn công")
    result = integrity_check.call()
    assert result["findings"] == 1 and result["restored"] == 1
    page.refresh_from_db()
    assert page.title == "Giới thiệu chung"
    (event,) = _events()
    assert event.detail["restored"] is True
    assert PageLogEntry.objects.filter(page=page, action=integrity.RESTORE_ACTION).exists()
    assert LogEntry.objects.filter(
        object_pk=str(page.pk), changes__icontains=integrity.RESTORE_ACTION
    ).exists()
    # the next run finds the page as approved
    assert integrity_check.call()["findings"] == 0


def test_a_template_changed_on_disk_injecting_a_script_is_detected(
    portals: Portals, settings: Any, tmp_path: Path
) -> None:
    page = _published(portals)
    integrity_check.call()
    # a template file replaced on disk: the served HTML now carries a script
    _page_showing(
        settings,
        tmp_path,
        page,
        "<html><body><h1>{{ page.title }}</h1><script>document.location='//x.example'</script>"
        "</body></html>",
    )
    from django.core.cache import cache

    cache.clear()  # anonymous pages are cached; the cache expires on its own in production
    result = integrity_check.call()
    assert result["findings"] == 1
    (event,) = _events()
    problems = " ".join(event.detail["problems"])
    assert "script" in problems
    assert "HTML trang phục vụ khác" in problems


def _page_showing(settings: Any, tmp_path: Path, page: Page, html: str) -> None:
    """The page's template on disk, as the site's templates folder holds it."""
    folder = tmp_path / "templates"
    (folder / "portals").mkdir(parents=True, exist_ok=True)
    (folder / page.specific.template).write_text(html, encoding="utf-8")
    engines = [dict(engine) for engine in settings.TEMPLATES]
    engines[0]["DIRS"] = [folder, *engines[0]["DIRS"]]
    settings.TEMPLATES = engines


def _image_and_document(portals: Portals) -> tuple[Any, Any]:
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from chinhquyen.dossiers.tests.factories import PDF

    from .test_uploads import png

    collection = portals.editorial["x"].collection
    image = get_image_model().objects.create(
        title="Ảnh trụ sở",
        description="Trụ sở Sở Thử X",
        collection=collection,
        file=ContentFile(png(), name="tru-so.png"),
    )
    document = get_document_model().objects.create(
        title="Kế hoạch", collection=collection, file=ContentFile(PDF, name="ke-hoach.pdf")
    )
    return image, document


@pytest.mark.parametrize("restore", [False, True])
def test_a_file_changed_on_disk_is_detected_and_restored_when_enabled(
    portals: Portals, settings: Any, tmp_path: Path, restore: bool
) -> None:
    from django.urls import reverse

    settings.PORTAL_INTEGRITY_RESTORE = restore
    image, document = _image_and_document(portals)
    rendition = image.get_rendition("width-20")
    image_url = reverse("wagtailimages_serve", args=("sig", image.pk, "width-20"))
    page = _published(portals)
    _page_showing(
        settings,
        tmp_path,
        page,
        f'<html><body><h1>{{{{ page.title }}}}</h1><img src="{image_url}" alt="Trụ sở">'
        f'<a href="{document.url}">Kế hoạch</a></body></html>',
    )
    integrity_check.call()
    files = PageFingerprint.objects.get(page=page).files
    assert {image.file.name, rendition.file.name, document.file.name} <= set(files)
    # somebody replaces the image and the document on disk
    original = image.file.storage.open(image.file.name).read()
    for stored, data in ((image.file, b"\x89PNG hacked"), (document.file, b"%PDF-1.4 hacked")):
        path = Path(stored.path)
        path.write_bytes(data)
    result = integrity_check.call()
    assert result["findings"] == 1
    (event,) = _events()
    problems = " ".join(event.detail["problems"])
    assert image.file.name in problems and document.file.name in problems
    assert event.detail["restored"] is restore
    restored = Path(image.file.path).read_bytes() == original
    assert restored is restore
    if restore:
        assert Path(document.file.path).read_bytes().startswith(b"%PDF") and (
            b"hacked" not in Path(document.file.path).read_bytes()
        )
        assert integrity_check.call()["findings"] == 0


def test_the_html_hash_ignores_live_listings_and_the_csrf_token() -> None:
    page = (
        "<main><h1>Văn bản</h1><!-- integrity:live --><li>{}</li><!-- /integrity:live -->"
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}"></main>'
    )
    assert integrity.html_digest(page.format("QĐ 1", "a")) == integrity.html_digest(
        page.format("QĐ 2", "b")
    )
    assert integrity.html_digest(page.format("x", "a")) != integrity.html_digest(
        page.format("x", "a").replace("Văn bản", "Bị sửa")
    )


@pytest.mark.parametrize(
    "html",
    [
        "<p>x</p><script>alert(1)</script>",
        '<script src="https://x.example/a.js"></script>',
        '<img src="a.png" onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
    ],
)
def test_scripts_in_a_public_page_are_problems(html: str, settings: Any) -> None:
    assert integrity.script_problems(html)
    assert not integrity.script_problems(
        f'<script src="{settings.STATIC_URL}portals/p.js"></script>'
    )
