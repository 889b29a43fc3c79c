"""Project-wide pytest configuration. App-specific fixtures live in each app's tests/."""

import pytest


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clean_caches():
    """Every test starts clean: rate-limit counters, used TOTP codes and lockouts live in the
    cache, working calendars and webhook endpoints in per-process caches. The one such fixture
    of the suite."""
    from django.core.cache import cache

    from chinhquyen.core.calendar import reset_calendar_cache
    from chinhquyen.integration.webhooks import forget_targets

    cache.clear()
    reset_calendar_cache()
    forget_targets()
    yield
    cache.clear()
    reset_calendar_cache()
    forget_targets()


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """A transactional test flushes the database, and the flush recreates content types with
    new ids; ContentType's per-process cache would then hand stale ids to auditlog."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
