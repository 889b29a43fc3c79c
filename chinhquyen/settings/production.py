"""Production: PostgreSQL, HTTPS only, secrets from the environment.

`python manage.py check --deploy --fail-level WARNING` passes with these settings (tested).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, env_bool

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Lax"
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
PAYMENT_PROVIDER = env("PAYMENT_PROVIDER", "vnpay")
# load_demo refuses: demo accounts have a published password and fixed TOTP secrets.
DEMO_DATA_ALLOWED = False

# Sandboxes speak the real protocols with demo keys: never in production.
for _sandbox in (
    "OIDC_SANDBOX",
    "SIGNING_SANDBOX",
    "NOTIFY_SMS_SANDBOX",
    "INTEGRATION_AXIS_SANDBOX",
):
    if env_bool(_sandbox, False):
        raise ImproperlyConfigured(f"{_sandbox} must not be enabled in production")
