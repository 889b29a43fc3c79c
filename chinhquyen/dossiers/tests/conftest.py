"""Fixtures of the dossier tests: a small province (see ``factories.build_world``)."""

from __future__ import annotations

import pytest

from .factories import World, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()
