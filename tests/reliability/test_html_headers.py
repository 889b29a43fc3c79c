"""Security headers on every HTML page reachable by GET, under production security settings
(HSTS, secure cookies) and a secure request, anonymous and signed in.

Pages: every URL pattern without required arguments (the Django admin for a staff IT
administrator), plus detail pages of real objects and the error pages. Every HTML answer must
carry a Content-Security-Policy whose script-src and style-src (or default-src) have no
'unsafe-inline', Strict-Transport-Security, X-Content-Type-Options: nosniff and frame denial
(X-Frame-Options: DENY or CSP frame-ancestors 'none'). tests/test_security_headers.py checks
four pages in detail; this module covers all of them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from .conftest import client_for

pytestmark = pytest.mark.django_db

HSTS_SECONDS = 31_536_000
# Not pages: machine endpoints, downloads and sandboxes that answer JSON, files or redirects.
SKIP_PREFIXES = ("/api/", "/.well-known/", "/identity/o/api/", "/healthz")
SKIP_NAMES = ("export", "download", "jsi18n", "autocomplete", "sandbox", "logout", "ipn")


def _walk(resolver: URLResolver, namespace: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            yield from _walk(
                pattern, f"{namespace}:{inner}" if namespace and inner else inner or namespace
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def pages_without_arguments() -> list[str]:
    urls = []
    for name in _walk(get_resolver()):
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # needs arguments: covered by the detail pages below when it matters
        if url.startswith(SKIP_PREFIXES) or any(word in name for word in SKIP_NAMES):
            continue
        if url.startswith("/quan-tri/") and url.endswith("/add/"):
            continue  # the admin's add forms: one is enough (below)
        urls.append(url)
    return sorted(set(urls))


def _directives(csp: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


def header_problems(response: Any) -> list[str]:
    problems = []
    csp = response.headers.get("Content-Security-Policy", "")
    policy = _directives(csp)
    if not csp:
        problems.append("no Content-Security-Policy")
    for directive in ("script-src", "style-src"):
        sources = policy.get(directive, policy.get("default-src"))
        if sources is None:
            problems.append(f"CSP without {directive} or default-src")
        elif "'unsafe-inline'" in sources or "*" in sources:
            problems.append(f"CSP {directive} allows {' '.join(sources)}")
    hsts = response.headers.get("Strict-Transport-Security", "")
    if f"max-age={HSTS_SECONDS}" not in hsts or "includeSubDomains" not in hsts:
        problems.append(f"Strict-Transport-Security: {hsts!r}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    framing = response.headers.get("X-Frame-Options", "").upper() == "DENY"
    if not framing and policy.get("frame-ancestors") != ["'none'"]:
        problems.append("framing not denied")
    return problems


@pytest.fixture
def production_security(settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = HSTS_SECONDS
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def _detail_pages(w: Any) -> dict[str, list[str]]:
    """Pages of real objects, by who looks at them."""
    from chinhquyen.dossiers.tests import scenarios
    from chinhquyen.dossiers.tests.factories import receive

    received = receive(w).dossier
    processing = scenarios.processing(w)
    version = w.versions["province"]
    return {
        "anonymous": [
            reverse("catalog:detail", args=[version.procedure.code]),
            reverse("orgs:detail", args=[w.orgs["dept"].pk]),
            reverse("dossiers:lookup") + f"?ma={received.code}",
            "/khong-co-trang-nay/",  # the 404 page
        ],
        "citizen": [
            reverse("dossiers:my_detail", args=[received.pk]),
            reverse("dossiers:submit", args=[version.procedure.code]),
            reverse("dossiers:detail", args=[received.pk]),  # the 403 page
        ],
        "desk": [
            reverse("dossiers:detail", args=[received.pk]),
            reverse("dossiers:counter_intake") + f"?thu_tuc={version.procedure.code}",
        ],
        "spec": [reverse("dossiers:detail", args=[processing.pk])],
        "admin": [
            reverse("accounts:official_edit", args=[w.users["spec"].pk]),
            reverse("admin:catalog_procedureversion_change", args=[version.pk]),
            reverse("admin:orgs_organisation_change", args=[w.orgs["dept"].pk]),
            reverse("admin:catalog_field_add"),
        ],
    }


def test_every_html_page_has_the_security_headers(
    dossier_world: Any, production_security: None
) -> None:
    w = dossier_world
    admin = w.users["it_admin"]
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    clients = {
        "anonymous": Client(),
        "citizen": client_for(w.users["citizen"]),
        "desk": client_for(w.users["desk_centre"]),
        "spec": client_for(w.users["spec"]),
        "admin": client_for(admin),
    }
    pages = pages_without_arguments()
    plan: list[tuple[str, str]] = []
    for who in ("anonymous", "citizen", "desk", "admin"):
        plan += [(who, url) for url in pages if who == "admin" or not url.startswith("/quan-tri/")]
    for who, urls in _detail_pages(w).items():
        plan += [(who, url) for url in urls]

    failures, html_pages, statuses = [], 0, set()
    for who, url in plan:
        response = clients[who].get(url, secure=True)
        statuses.add(response.status_code)
        if response.status_code >= 500:
            failures.append(f"{who} {url}: {response.status_code}")
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html_pages += 1
        problems = header_problems(response)
        if problems:
            failures.append(f"{who} {url} ({response.status_code}): {'; '.join(problems)}")
    assert not failures, "\n".join(failures)
    # the enumeration really reached pages, error pages and the admin
    assert html_pages >= 150, html_pages
    assert {200, 403, 404} <= statuses, statuses


def test_plain_http_is_redirected_to_https(production_security: None, db: None) -> None:
    response = Client().get("/", secure=False)
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    forwarded = Client().get("/", HTTP_X_FORWARDED_PROTO="https")  # behind the TLS proxy
    assert forwarded.status_code == 200 and not header_problems(forwarded)


def test_the_check_itself_catches_a_weak_policy() -> None:
    """The header check must be able to fail: an inline-allowing or missing policy is caught."""
    from django.http import HttpResponse

    weak = HttpResponse("<p>x</p>")
    weak["Content-Security-Policy"] = "default-src 'self'; style-src 'self' 'unsafe-inline'"
    weak["X-Content-Type-Options"] = "nosniff"
    problems = header_problems(weak)
    assert "CSP style-src allows 'self' 'unsafe-inline'" in problems
    assert any(p.startswith("Strict-Transport-Security") for p in problems)
    assert "framing not denied" in problems
    assert header_problems(HttpResponse("x"))[0] == "no Content-Security-Policy"
