"""Fixtures for the tasks tests: the documents tests' small province (a department with its
divisions, another department, one official per role) reused, plus a directive builder."""

from __future__ import annotations

import pytest

from chinhquyen.documents.tests.conftest import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()
