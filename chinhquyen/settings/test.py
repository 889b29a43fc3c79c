"""Test suite settings: fast hashing, immediate tasks, local memory cache, no network."""

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-" + "t" * 30
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
if env("DATABASE_URL", "").startswith("sqlite") or not env("DATABASE_URL", ""):
    DATABASES["default"] = {
        "ENGINE": "chinhquyen.core.sqlite",
        "NAME": ":memory:",
        "TEST": {"NAME": ":memory:"},
    }
LOGGING["root"] = {"handlers": ["console"], "level": "WARNING"}  # noqa: F405
# Tests make dossiers and read the report at once, without the minute's fold: the live query.
# chinhquyen/stats/tests/test_report_from_facts.py checks both give the same report.
REPORTS_FROM_FACTS = False
