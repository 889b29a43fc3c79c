"""Local development and the demo (`make run`)."""

from .base import *  # noqa: F403
from .base import env, env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# Local sandboxes speaking the real protocols (never in production).
SIGNING_SANDBOX = env_bool("SIGNING_SANDBOX", True)
# remote signing ("Ký số từ xa") goes to the sandbox service of this very server (`make run`)
SIGNING_REMOTE_URL = env(
    "SIGNING_REMOTE_URL",
    f"http://{env('CHINHQUYEN_SERVE_ADDRESS', '127.0.0.1:8000')}/ky-so/sandbox/ky-tu-xa",
)
INTEGRATION_AXIS_SANDBOX = env_bool("INTEGRATION_AXIS_SANDBOX", True)
