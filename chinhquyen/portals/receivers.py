"""Signal wiring of the portals: the anonymous page cache and the search entries follow every
publish and unpublish; a new commune or department gets its portal from the template as soon as
the province has a main portal."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from chinhquyen.orgs.models import Organisation

from . import cache


def _published(sender: Any, instance: Page, **kwargs: Any) -> None:
    from .models import SearchEntry

    SearchEntry.refresh(instance)
    cache.invalidate()


def _unpublished(sender: Any, instance: Page, **kwargs: Any) -> None:
    from .models import SearchEntry

    SearchEntry.objects.filter(page_id=instance.pk).delete()
    cache.invalidate()


def _moved(**kwargs: Any) -> None:
    from .models import SearchEntry

    instance = kwargs.get("instance")
    if instance is not None:
        for page in Page.objects.descendant_of(instance, inclusive=True).live():
            SearchEntry.refresh(page)
    cache.invalidate()


def _organisation_saved(sender: Any, instance: Organisation, created: bool, **kwargs: Any) -> None:
    from . import sites
    from .models import PortalHomePage, PortalKind

    if not created or kwargs.get("raw") or instance.kind not in sites.COMPONENT_KINDS:
        return
    if not PortalHomePage.objects.filter(kind=PortalKind.MAIN).exists():
        return
    transaction.on_commit(lambda: sites.ensure_component_portal(instance))


def connect() -> None:
    page_published.connect(_published, dispatch_uid="portals-published")
    page_unpublished.connect(_unpublished, dispatch_uid="portals-unpublished")
    page_slug_changed.connect(_moved, dispatch_uid="portals-slug-changed")
    post_page_move.connect(_moved, dispatch_uid="portals-moved")
    post_delete.connect(cache.invalidate, sender=Page, dispatch_uid="portals-cache-delete")
    post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid="portals-new-org")
