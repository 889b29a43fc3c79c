"""Catalogue test fixtures."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Anonymous API reads are throttled through the cache: start every test with a clean one
    so throttling counts from earlier tests never leak in."""
    cache.clear()
    yield
    cache.clear()
