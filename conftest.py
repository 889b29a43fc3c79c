"""Project-wide pytest configuration. App-specific fixtures live in each app's tests/."""

import pytest


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and cached calendars live in the cache: start every test clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """A transactional test flushes the database, and the flush recreates content types with
    new ids; ContentType's per-process cache would then hand stale ids to auditlog."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
