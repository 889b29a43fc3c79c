"""Which portal, and which organisation, a page belongs to."""

from __future__ import annotations

from typing import Any

from wagtail.models import Page


def portal_home_of(page: Page) -> Any:
    """The nearest portal home at or above ``page`` (None outside any portal)."""
    from chinhquyen.portals.models import PortalHomePage

    return (
        PortalHomePage.objects.ancestor_of(page, inclusive=True)
        .select_related("organisation")
        .order_by("-depth")
        .first()
    )


def organisation_of(page: Page) -> Any:
    home = portal_home_of(page)
    return home.organisation if home is not None else None
