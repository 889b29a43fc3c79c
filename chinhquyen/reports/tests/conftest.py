from chinhquyen.dossiers.tests.conftest import _clean_caches, world  # noqa: F401
