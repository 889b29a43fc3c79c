"""Fixtures of the dossier tests: a small province (see ``factories.build_world``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from chinhquyen.core.calendar import reset_calendar_cache

from .factories import World, build_world


@pytest.fixture(autouse=True)
def _clean_caches() -> Iterator[None]:
    # Throttling and the calendar cache live in the cache: every test starts clean.
    cache.clear()
    reset_calendar_cache()
    yield
    cache.clear()
    reset_calendar_cache()


@pytest.fixture
def world(db: None) -> World:
    return build_world()
