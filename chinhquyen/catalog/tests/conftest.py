"""Catalogue test fixtures (every test starts with clean caches: the root conftest)."""
