"""Serving the portals' pages (Wagtail's page serving behind the anonymous page cache) and the
few portal URLs that are not pages (sitemap.xml)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from wagtail import views as wagtail_views
from wagtail.models import Site

from . import cache as page_cache
from .models import PortalHomePage

CACHE_HEADER = "X-Portal-Cache"


def portal_site(request: HttpRequest) -> Site | None:
    """The Wagtail site of the request when its root is a portal home (else None: no portal
    is set up, e.g. Wagtail's own welcome page)."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    root_type = getattr(site, "_portal_root_is_home", None)
    if root_type is None:
        root_type = PortalHomePage.objects.filter(pk=site.root_page_id).exists()
        site._portal_root_is_home = root_type  # type: ignore[attr-defined]
    return site if root_type else None


def serve_portal(request: HttpRequest, path: str) -> HttpResponse | None:
    """The portal page at ``path`` of the request's site, from the cache for anonymous
    visitors; None when no portal is set up for this site."""
    site = portal_site(request)
    if site is None:
        return None
    cacheable = page_cache.cacheable(request)
    key = page_cache.page_key(request, site.pk) if cacheable else ""
    if cacheable:
        hit = cache.get(key)
        if hit is not None:
            response = HttpResponse(hit[1], content_type=hit[0])
            response[CACHE_HEADER] = "hit"
            return response
    response = wagtail_views.serve(request, path)
    if isinstance(response, SimpleTemplateResponse):
        response.render()
    if cacheable and response.status_code == 200 and not response.streaming:
        cache.set(key, (response["Content-Type"], response.content), settings.PORTAL_CACHE_SECONDS)
        response[CACHE_HEADER] = "miss"
    return response


def serve(request: HttpRequest, path: str) -> HttpResponse:
    response = serve_portal(request, path)
    if response is None:
        raise Http404("Không tìm thấy trang yêu cầu.")
    return response
