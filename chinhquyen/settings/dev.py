"""Local development and the demo (`make run`)."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# Local sandboxes speaking the real protocols (never in production).
SIGNING_SANDBOX = env_bool("SIGNING_SANDBOX", True)
INTEGRATION_AXIS_SANDBOX = env_bool("INTEGRATION_AXIS_SANDBOX", True)
