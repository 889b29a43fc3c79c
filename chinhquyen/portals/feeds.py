"""RSS 2.0 and Atom feeds of a portal's news (``<news index>/rss/``, ``/atom/``; one category
with ``?chuyen-muc=<slug>``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.utils import feedgenerator, timezone

if TYPE_CHECKING:
    from .models import NewsIndexPage

FEED_SIZE = 30


def news_feed(index: NewsIndexPage, request: HttpRequest, *, atom: bool) -> HttpResponse:
    from .models import NewsCategory

    items = index.items()
    title = index.title
    category = NewsCategory.objects.filter(slug=request.GET.get("chuyen-muc") or "").first()
    if category is not None:
        items = items.filter(category=category)
        title = f"{index.title} — {category.name}"
    home = index.portal_home()
    if home is not None:
        title = f"{title} | {home.title}"
    feed_class = feedgenerator.Atom1Feed if atom else feedgenerator.Rss201rev2Feed
    feed = feed_class(
        title=title,
        link=index.get_full_url(request) or request.build_absolute_uri("/"),
        description=index.introduction or title,
        language="vi",
        feed_url=request.build_absolute_uri(),
    )
    tz = timezone.get_current_timezone()
    for item in items[:FEED_SIZE]:
        link = item.get_full_url(request) or request.build_absolute_uri(item.url)
        feed.add_item(
            title=item.title,
            link=link,
            description=item.summary,
            unique_id=link,
            pubdate=dt.datetime.combine(item.date, dt.time(7, 0), tzinfo=tz),
            categories=[item.category.name] if item.category else None,
        )
    return HttpResponse(feed.writeString("utf-8"), content_type=f"{feed.content_type}")
