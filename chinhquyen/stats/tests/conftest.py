from chinhquyen.dossiers.tests.conftest import world  # noqa: F401
