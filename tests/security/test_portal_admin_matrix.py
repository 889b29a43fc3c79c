"""The authorization rule of the Wagtail admin (``/quan-tri-cong-thong-tin/``), over every URL.

The main matrix (``test_endpoint_matrix.py``) leaves the admin's hundreds of URL patterns out;
they follow one rule, checked here on every pattern Wagtail registers (enumerated from the
URL resolver, so a pattern added by an upgrade or a hook is checked too):

1. an anonymous visitor is sent to the site's sign-in (allauth, with TOTP), never Wagtail's;
2. a signed-in citizen is refused (403);
3. an official whose session has not passed the second factor is sent to enter the TOTP code;
4. an official with no Wagtail group is refused (no ``wagtailadmin.access_admin``);
5. an editor (writer, editor or approver of a portal) reaches only the areas their Wagtail
   permissions open (``EDITOR_AREAS``: pages, images and documents of their collection, their
   account, workflow tasks...); every other admin URL (users, groups, sites, workflows,
   collections, settings...) is refused;
6. an editor of portal X is refused, for GET and POST, every URL about a page of portal Y
   (edit, publish, unpublish, delete, move, copy, revisions, revert, workflow actions, lock,
   history, preview...), and nothing of Y changes.

Refused means 401/403/404, or a redirect to a sign-in or TOTP page, or Wagtail's "permission
denied" redirect to its dashboard.
"""

from __future__ import annotations

import uuid
from itertools import product
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, reverse
from wagtail.models import Page, PageLogEntry, Revision

from chinhquyen.accounts.models import UserKind
from chinhquyen.dossiers.tests.factories import make_user
from chinhquyen.portals.editorial.tests.conftest import HOST_X, HOST_Y, Portals, build_portals
from chinhquyen.portals.models import PortalIndexPage

from .test_endpoint_matrix import url_patterns

pytestmark = pytest.mark.django_db

ADMIN = "quan-tri-cong-thong-tin/"

# Areas of the admin an editor's Wagtail permissions open (URL name prefixes).
EDITOR_AREAS = (
    "wagtailadmin_home",  # wagtailadmin.access_admin (every portal group)
    "wagtailadmin_explore",  # page permissions on their portal's home (and its ancestors' list)
    "wagtailadmin_pages:",  # the same (each page URL also checked by the middleware)
    "wagtailadmin_choose_page",
    "wagtailadmin_choosers:",
    "wagtailimages:",  # collection permissions on their portal's collection
    "wagtailimages_chooser:",
    "wagtaildocs:",
    "wagtaildocs_chooser:",
    "wagtailadmin_account",  # access_admin: their own name, language, notifications
    "wagtailadmin_reports:",  # Wagtail filters every report to what the user may see
    "wagtailadmin_tag_autocomplete",
    "wagtailadmin_workflows:preview_revision_for_task",  # their tasks (checked per task)
    "wagtailadmin_workflows:task_chooser",  # the names of workflow tasks (any admin user)
    "wagtailadmin_workflows:task_chosen",
    "wagtailadmin_api:pages:",  # Wagtail filters to the pages the user may explore
    "wagtailadmin_dismissibles",  # the user's own dismissed hints
    "wagtailadmin_logout",
    "wagtailadmin_page_",  # page choosers, page-type usage
    "wagtailadmin_generic_",
)
# Static assets of the admin's own pages: the icon sprite and the JavaScript translation
# catalogue (no data, the same for everybody).
PUBLIC_ASSETS = ("wagtailadmin_sprite", "wagtailadmin_javascript_catalog")
REFUSAL_TARGETS = (
    "account_login",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "wagtailadmin_home",  # Wagtail's "permission denied" (with a message)
    "wagtailadmin_login",  # sent on to the site's sign-in by the middleware
)


def admin_patterns() -> list[tuple[str, str, Any]]:
    return [(r, k, p) for r, k, p in url_patterns() if r.startswith(ADMIN)]


def _value(name: str, kind: str, page: Page, revision: Revision) -> Any:
    if "page" in name or name in ("pk", "destination_id", "parent_id", "object_id"):
        return page.pk
    if "revision" in name:
        return revision.pk
    if kind == "UUIDConverter":
        return uuid.UUID(int=1)
    if name == "app_label" or name.endswith("app_name"):
        return "portals"
    if name.startswith("model") or name.endswith("model_name"):
        return "portalindexpage"
    if kind in ("IntConverter", "regex") and not name.endswith(("label", "name", "path")):
        return 1
    return "x"


def _reverse(key: str, pattern: URLPattern, page: Page, revision: Revision) -> str | None:
    """A URL of the pattern with values from ``page``: named parameters by their name, the
    unnamed groups of a regular expression by trying the usual values in turn."""
    converters = getattr(pattern.pattern, "converters", {})
    regex = pattern.pattern.regex
    named = list(converters) or list(regex.groupindex)
    if named:
        kwargs = {
            n: _value(
                n, type(converters[n]).__name__ if n in converters else "regex", page, revision
            )
            for n in named
        }
        try:
            return reverse(key, kwargs=kwargs)
        except NoReverseMatch:
            return None
    if regex.groups == 0:
        return reverse(key)
    candidates = (page.pk, "earliest", "latest", "live", revision.pk, "x", 1)
    for args in product(candidates, repeat=regex.groups):
        try:
            return reverse(key, args=args)
        except NoReverseMatch:
            continue
    return None


def build_urls(page: Page, revision: Revision) -> list[tuple[str, str]]:
    """(key, URL) of every admin pattern, its parameters taken from ``page``."""
    out: list[tuple[str, str]] = []
    unreachable: list[str] = []
    for _route, key, pattern in admin_patterns():
        if "/" in key:  # unnamed: Wagtail's catch-all of unknown admin paths
            out.append((key, "/" + ADMIN + "khong-co-trang-nay/"))
            continue
        url = _reverse(key, pattern, page, revision)
        if url is None:
            unreachable.append(key)
        else:
            out.append((key, url))
    assert not unreachable, unreachable  # every pattern is requested
    return out


def refused(client: Client, response: Any) -> bool:
    """Refused, following redirects inside the admin (``revisions/`` → ``history/``)."""
    for _hop in range(3):
        if response.status_code in (401, 403, 404, 405):
            return True
        if response.status_code not in (301, 302, 303):
            return False
        target = urlsplit(response["Location"]).path
        if target in {reverse(name) for name in REFUSAL_TARGETS}:
            return True
        if not target.startswith("/" + ADMIN):
            return False
        response = client.get(target)
    return False


def _y_page(portals: Portals) -> tuple[Page, Revision]:
    approver = portals.users["approver_y"]
    page = portals.y.add_child(instance=PortalIndexPage(title="Trang của Y", slug="trang-y"))
    revision = page.save_revision(user=approver)
    revision.publish(user=approver)
    page.refresh_from_db()
    return page, revision


@pytest.fixture
def portals(db: Any, settings: Any) -> Portals:
    settings.ALLOWED_HOSTS = ["testserver", "localhost", HOST_X, HOST_Y]
    return build_portals()


def _run(client: Client, urls: list[tuple[str, str]], method: str = "get") -> list[str]:
    problems = []
    for key, url in urls:
        response = getattr(client, method)(url)
        if response.status_code >= 500 or not refused(client, response):
            where = response.get("Location", "")
            problems.append(f"{key} {method.upper()} {url}: {response.status_code} {where}")
    return problems


def test_every_admin_url_refuses_anonymous_citizens_and_officials_without_a_group(
    portals: Portals,
) -> None:
    page, revision = _y_page(portals)
    urls = [(k, u) for k, u in build_urls(page, revision) if k not in PUBLIC_ASSETS]
    assert len(urls) > 100  # the enumeration found Wagtail's admin
    citizen = Client()
    citizen.force_login(make_user(UserKind.CITIZEN, username="cong_dan_cms"))
    problems = _run(Client(), urls) + _run(citizen, urls)
    problems += _run(portals.client("official"), urls)
    no_second_factor = Client()
    no_second_factor.force_login(portals.users["approver_y"])
    problems += _run(no_second_factor, urls)
    assert not problems, "\n".join(problems)


def test_an_editor_reaches_only_the_areas_of_their_permissions(portals: Portals) -> None:
    page, revision = _y_page(portals)
    outside = [
        (k, u)
        for k, u in build_urls(page, revision)
        if not k.startswith(EDITOR_AREAS) and k not in PUBLIC_ASSETS
    ]
    problems = _run(portals.client("approver_x"), outside)
    assert not problems, "\n".join(problems)


def test_an_editor_of_one_portal_cannot_touch_the_pages_of_another(portals: Portals) -> None:
    page, revision = _y_page(portals)
    page_urls = [
        (k, u)
        for k, u in build_urls(page, revision)
        if k.startswith("wagtailadmin_pages:") and f"/{page.pk}/" in u
    ]
    assert len(page_urls) > 20
    own = portals.x.add_child(instance=PortalIndexPage(title="Trang của X", slug="trang-x"))
    before = (page.title, page.live, page.latest_revision_id, PageLogEntry.objects.count())
    client = portals.client("approver_x")  # may publish on X, nothing on Y
    # moving a page of X into Y, or Y's page into X
    for moved, into in ((own, page), (page, portals.x)):
        page_urls.append(
            ("move_confirm", reverse("wagtailadmin_pages:move_confirm", args=(moved.pk, into.pk)))
        )
    problems = _run(client, page_urls) + _run(client, page_urls, "post")
    page.refresh_from_db()
    after = (page.title, page.live, page.latest_revision_id, PageLogEntry.objects.count())
    assert not problems, "\n".join(problems)
    assert before == after
