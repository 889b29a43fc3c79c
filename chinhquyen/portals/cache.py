"""The anonymous page cache of the portals: a rendered page is kept per site, path and query
(Django's cache) and every publish, unpublish, move or deletion of a page clears them all at
once by moving the generation number that every key carries."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

GENERATION_KEY = "portals:generation"
# cookies that make a page personal (a session, pending messages): never served from the cache
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def invalidate(**_: Any) -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted)
        cache.set(GENERATION_KEY, generation() + 1, None)


def cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not any(name in request.COOKIES for name in PERSONAL_COOKIES)
        and not request.user.is_authenticated
    )


def page_key(request: HttpRequest, site_id: int) -> str:
    where = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"portals:page:{generation()}:{site_id}:{where}"


def connect() -> None:
    from django.db.models.signals import post_delete
    from wagtail.models import Page
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(invalidate, dispatch_uid=f"portals-cache-{id(signal)}")
    post_delete.connect(invalidate, sender=Page, dispatch_uid="portals-cache-delete")
