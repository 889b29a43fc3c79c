from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from chinhquyen.portals import sites

from .factories import make_tree


@pytest.fixture
def tree(db: None) -> dict[str, Any]:
    cache.clear()
    orgs = make_tree()
    sites.setup_all()
    return orgs
