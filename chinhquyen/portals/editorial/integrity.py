"""Anti-defacement: fingerprints of the published pages, checked against what the site serves.

When a page's revision goes live through the workflow (or the scheduler), the next check takes
its fingerprint (:class:`PageFingerprint`):

- **content**: SHA-256 of the page's fields as stored in the database (canonical JSON, Wagtail's
  bookkeeping columns left out; inline children included);
- **HTML**: SHA-256 of the public page fetched through the whole HTTP stack (Django's test
  client runs every middleware, the cache included) on the site's host name, with the parts
  marked as live listings left out (``<!-- integrity:live -->…<!-- /integrity:live -->``:
  documents, procedures, calendar change without a page being published) and the CSRF token
  blanked. Publishing any page changes menus and listings of others, so the HTML of every page
  is taken again after each publish (the *generation*: the last publishing log entry);
- **files**: SHA-256 of every image (original and renditions) and document the page refers to
  (Wagtail's reference index, plus the image and document links found in its HTML); a copy of
  each file is kept under ``PORTAL_INTEGRITY_DIR``, named by its hash.

The periodic check (``portal_editorial.integrity_check``, :func:`check_all`) compares each live
page with its fingerprint. A mismatch — fields changed outside the workflow (a direct database
write), other HTML than published, a script, inline event handler or ``javascript:`` link in
the HTML, a file changed or missing on disk — is a security event ``portal_integrity`` (the
``secops`` pipeline: SIEM forwarding and the alert rule "Trang cổng thông tin bị thay đổi ngoài
quy trình", raised to the IT administrators over the portal's organisation). When
``PORTAL_INTEGRITY_RESTORE`` is on (the province enables it), the page is published again from
its approved revision and changed files are written back from their copies, then checked again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageLogEntry, ReferenceIndex

from .models import CheckStatus, PageFingerprint

logger = logging.getLogger(__name__)

EVENT_KIND = "portal_integrity"
RESTORE_ACTION = "portal_editorial.restore"
# log actions after which every page's HTML may legitimately differ (menus, listings)
PUBLISHING_ACTIONS = (
    "wagtail.publish",
    "wagtail.publish.scheduled",
    "wagtail.unpublish",
    "wagtail.unpublish.scheduled",
    "wagtail.delete",
    "wagtail.move",
    "wagtail.reorder",
    "wagtail.rename",
    RESTORE_ACTION,
)
# Wagtail's bookkeeping columns: they change with every save, publish, lock or move
BOOKKEEPING = frozenset(
    {
        "pk",
        "id",
        "path",
        "depth",
        "numchild",
        "url_path",
        "live",
        "has_unpublished_changes",
        "first_published_at",
        "last_published_at",
        "latest_revision_created_at",
        "live_revision",
        "latest_revision",
        "draft_title",
        "locked",
        "locked_at",
        "locked_by",
        "owner",
        "go_live_at",
        "expire_at",
        "expired",
        "content_type",
        "page_ptr",
        "translation_key",
        "locale",
        "alias_of",
        "comments",
        "wagtail_admin_comments",
    }
)
_LIVE_BLOCK = re.compile(r"<!--\s*integrity:live\s*-->.*?<!--\s*/integrity:live\s*-->", re.S)
_CSRF = re.compile(r'(name="csrfmiddlewaretoken"\s+value=")[^"]*(")')
_SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
_SRC = re.compile(r"""\bsrc\s*=\s*["']?([^"'\s>]+)""", re.I)
_HANDLER = re.compile(r"""<[^>]+\son[a-z]+\s*=""", re.I)
_JS_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)
_LINK = re.compile(r"""(?:src|href|srcset)\s*=\s*["']([^"']+)["']""", re.I)


@dataclass
class Finding:
    page_id: int
    path: str
    problems: list[str] = field(default_factory=list)
    restored: bool = False


@dataclass
class Report:
    checked: int = 0
    baselined: int = 0
    findings: list[Finding] = field(default_factory=list)


# --- what a page is -------------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items() if k not in BOOKKEEPING}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def content_digest(page: Page) -> str:
    """SHA-256 of the page's own fields as they are in the database now."""
    specific = Page.objects.get(pk=page.pk).specific  # fresh from the database
    data = _canonical(specific.serializable_data())
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalise_html(html: str) -> str:
    html = _LIVE_BLOCK.sub("", html)
    return _CSRF.sub(r"\1\2", html)


def html_digest(html: str) -> str:
    return hashlib.sha256(normalise_html(html).encode("utf-8")).hexdigest()


def script_problems(html: str) -> list[str]:
    """Scripts the platform never serves on a public page (its CSP forbids them anyway)."""
    problems: list[str] = []
    static = str(settings.STATIC_URL)
    for match in _SCRIPT.finditer(html):
        src = _SRC.search(match.group(1))
        if src is None:
            problems.append("Có mã script nhúng trực tiếp trong trang.")
        elif not src.group(1).startswith(static):
            problems.append(f"Có script nạp từ nguồn lạ: {src.group(1)[:200]}")
    if _HANDLER.search(html):
        problems.append("Có thuộc tính sự kiện (onclick, onerror...) chạy mã trong trang.")
    if _JS_URL.search(html):
        problems.append("Có liên kết javascript: trong trang.")
    return problems


def generation() -> str:
    """The last publishing action: every page's HTML is taken again after it."""
    last = (
        PageLogEntry.objects.filter(action__in=PUBLISHING_ACTIONS)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return str(last or 0)


# --- fetching through the HTTP stack --------------------------------------------------------


def address(page: Page) -> tuple[str, str] | None:
    """(host, path) of the page's public URL, or None when it has none."""
    parts = page.get_url_parts()
    if parts is None:
        return None
    _site_id, root_url, page_path = parts
    if page_path is None:
        return None
    host = urlsplit(str(root_url or "")).netloc or "localhost"
    return host, str(page_path)


def fetch(host: str, path: str) -> tuple[int, str]:
    """GET the page as an anonymous visitor would, through every middleware."""
    client = Client(HTTP_HOST=host, enforce_csrf_checks=True)
    response = client.get(path, secure=_secure_only())
    body = b""
    if response.status_code == 200 and not getattr(response, "streaming", False):
        body = response.content
    return response.status_code, body.decode(response.charset or "utf-8", "replace")


def _secure_only() -> bool:
    return bool(getattr(settings, "SECURE_SSL_REDIRECT", False))


# --- files ----------------------------------------------------------------------------------


def _copies_dir() -> Path:
    return Path(getattr(settings, "PORTAL_INTEGRITY_DIR", Path(settings.MEDIA_ROOT) / ".."))


def _read(storage: Any, name: str) -> bytes | None:
    try:
        with storage.open(name, "rb") as handle:
            data: bytes = handle.read()
            return data
    except (FileNotFoundError, OSError):
        return None


def _keep_copy(digest: str, data: bytes) -> None:
    target = _copies_dir() / digest[:2] / digest
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".tmp")
    partial.write_bytes(data)
    partial.replace(target)


def _serve_ids(html: str, name: str, args: tuple[Any, ...], id_pattern: str) -> set[int]:
    """Ids of the images or documents linked in ``html`` through Wagtail's serve views: the
    view's URL up to its first argument (``args[0]``), then ``id_pattern``."""
    try:
        sample = reverse(name, args=args)
    except NoReverseMatch:
        return set()
    prefix = sample.partition(str(args[0]))[0]
    pattern = re.compile(re.escape(prefix) + id_pattern)
    return {int(m.group(1)) for m in pattern.finditer(html)}


def _referenced(page: Page, html: str) -> tuple[set[int], set[int], set[str]]:
    image_model, document_model = get_image_model(), get_document_model()
    images: set[int] = set()
    documents: set[int] = set()
    for ref in ReferenceIndex.get_references_for_object(page):
        model = ref.to_content_type.model_class()
        if model is None or not str(ref.to_object_id).isdigit():
            continue
        if issubclass(model, image_model):
            images.add(int(ref.to_object_id))
        elif issubclass(model, document_model):
            documents.add(int(ref.to_object_id))
    # /<images>/<signature>/<id>/<filter>/<name> and /<documents>/<id>/<name>
    images |= _serve_ids(html, "wagtailimages_serve", ("SIG", 1, "original"), r"[^/]+/(\d+)/")
    documents |= _serve_ids(html, "wagtaildocs_serve", (999999, "x.pdf"), r"(\d+)/")
    media_url = str(settings.MEDIA_URL)
    media = {
        link[len(media_url) :].split("?")[0]
        for link in _LINK.findall(html)
        if media_url and link.startswith(media_url)
    }
    return images, documents, media


def file_digests(page: Page, html: str, *, keep: bool = False) -> dict[str, str]:
    """Storage name -> SHA-256 of every file the page refers to ("missing" when absent)."""
    images, documents, media = _referenced(page, html)
    names: dict[str, Any] = {}
    for image in get_image_model().objects.filter(pk__in=images).prefetch_related("renditions"):
        names[image.file.name] = image.file.storage
        for rendition in image.renditions.all():
            names[rendition.file.name] = rendition.file.storage
    for document in get_document_model().objects.filter(pk__in=documents):
        names[document.file.name] = document.file.storage
    for name in media:
        names.setdefault(name, default_storage)
    out: dict[str, str] = {}
    for name, storage in sorted(names.items()):
        data = _read(storage, name)
        if data is None:
            out[name] = "missing"
            continue
        digest = hashlib.sha256(data).hexdigest()
        if keep:
            _keep_copy(digest, data)
        out[name] = digest
    return out


def _restore_file(name: str, digest: str) -> bool:
    copy = _copies_dir() / digest[:2] / digest
    if not copy.exists():
        return False
    from django.core.files.base import ContentFile

    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(copy.read_bytes()))
    return bool(saved == name)


# --- fingerprints ---------------------------------------------------------------------------


def take(page: Page, *, now: Any = None) -> PageFingerprint | None:
    """Fingerprint ``page`` as it is now (after a publish through the workflow)."""
    where = address(page)
    if where is None or page.live_revision_id is None:
        return None
    host, path = where
    status, html = fetch(host, path)
    values = {
        "revision_id": page.live_revision_id,
        "host": host[:255],
        "path": path[:1000],
        "content_sha256": content_digest(page),
        "html_sha256": html_digest(html) if status == 200 else "",
        "generation": generation(),
        "files": file_digests(page, html, keep=True) if status == 200 else {},
        "taken_at": now or timezone.now(),
        "checked_at": now or timezone.now(),
        "status": CheckStatus.OK if status == 200 else CheckStatus.ERROR,
        "problems": [] if status == 200 else [f"Trang trả về mã {status}."],
    }
    fingerprint, _ = PageFingerprint.objects.update_or_create(page=page, defaults=values)
    return fingerprint


def compare(page: Page, fingerprint: PageFingerprint) -> tuple[list[str], bool, dict[str, str]]:
    """(problems, content changed, changed files name -> expected digest)."""
    problems: list[str] = []
    content_changed = content_digest(page) != fingerprint.content_sha256
    if content_changed:
        problems.append("Nội dung trang trong cơ sở dữ liệu bị thay đổi ngoài quy trình biên tập.")
    status, html = fetch(fingerprint.host, fingerprint.path)
    if status != 200:
        problems.append(f"Trang trả về mã {status} thay vì 200.")
        return problems, content_changed, {}
    problems.extend(script_problems(html))
    current_generation = generation()
    same_generation = fingerprint.generation == current_generation
    if same_generation and fingerprint.html_sha256:
        if html_digest(html) != fingerprint.html_sha256:
            problems.append("HTML trang phục vụ khác với bản đã xuất bản.")
    elif not content_changed:  # a page was published since: this HTML is the new reference
        fingerprint.html_sha256 = html_digest(html)
        fingerprint.generation = current_generation
    files = file_digests(page, html)
    changed_files: dict[str, str] = {}
    for name, expected in fingerprint.files.items():
        actual = files.get(name)
        if actual is not None and actual != expected:
            changed_files[name] = expected
            what = "bị xóa" if actual == "missing" else "bị thay đổi"
            problems.append(f"Tệp {name} {what} trên đĩa.")
    for name, digest in files.items():
        if name not in fingerprint.files and digest != "missing":
            fingerprint.files[name] = digest  # a rendition made since the fingerprint
    return problems, content_changed, changed_files


def restore(page: Page, *, content_changed: bool, changed_files: dict[str, str]) -> bool:
    """Publish the approved revision again and write changed files back from their copies."""
    restored = True
    for name, digest in changed_files.items():
        restored = _restore_file(name, digest) and restored
    if content_changed:
        revision = page.live_revision
        if revision is None:
            return False
        with transaction.atomic():
            revision.publish(
                user=None, changed=False, log_action=RESTORE_ACTION, skip_permission_checks=True
            )
    return restored


def _event(page: Page, fingerprint: PageFingerprint, finding: Finding) -> None:
    from chinhquyen.audit.services import security_event_record

    security_event_record(
        kind=EVENT_KIND,
        username=f"cổng {fingerprint.host}"[:150],
        detail={
            "page_id": page.pk,
            "title": str(page.title)[:200],
            "host": fingerprint.host,
            "path": fingerprint.path,
            "revision_id": fingerprint.revision_id,
            "problems": finding.problems[:20],
            "restored": finding.restored,
            "unit_path": unit_path_of(page),
        },
    )


def unit_path_of(page: Page) -> str:
    """Path of the organisation whose portal holds ``page`` ("" when none is known)."""
    from chinhquyen.portals.editorial.sites import organisation_of

    organisation = organisation_of(page)
    return str(getattr(organisation, "path", "") or "")


def live_pages() -> list[Page]:
    """Live pages that belong to a site (the tree's root and orphans have no public URL)."""
    return list(
        Page.objects.live().filter(depth__gt=1).order_by("path").select_related("live_revision")
    )


def check_page(page: Page, *, restore_enabled: bool, now: Any) -> tuple[Finding | None, bool]:
    """(finding or None, baselined)."""
    fingerprint = PageFingerprint.objects.filter(page=page).first()
    if fingerprint is None or fingerprint.revision_id != page.live_revision_id:
        return None, take(page, now=now) is not None
    problems, content_changed, changed_files = compare(page, fingerprint)
    finding = Finding(page_id=page.pk, path=fingerprint.path, problems=problems)
    fingerprint.checked_at = now
    fingerprint.status = CheckStatus.MISMATCH if problems else CheckStatus.OK
    fingerprint.problems = problems
    fingerprint.save()
    if not problems:
        return None, False
    if restore_enabled and (content_changed or changed_files):
        finding.restored = restore(
            page, content_changed=content_changed, changed_files=changed_files
        )
    _event(page, fingerprint, finding)
    logger.warning(
        "portals.integrity_mismatch",
        extra={"page_id": page.pk, "problems": problems, "restored": finding.restored},
    )
    return finding, False


def restore_enabled() -> bool:
    return bool(getattr(settings, "PORTAL_INTEGRITY_RESTORE", False))


def check_all(*, restore_enabled_: bool | None = None) -> Report:
    """Check every live page (``portal_editorial.integrity_check``)."""
    enabled = restore_enabled() if restore_enabled_ is None else restore_enabled_
    now = timezone.now()
    report = Report()
    for page in live_pages():
        if address(page) is None:
            continue
        finding, baselined = check_page(page, restore_enabled=enabled, now=now)
        report.checked += 1
        report.baselined += int(baselined)
        if finding is not None:
            report.findings.append(finding)
    return report
