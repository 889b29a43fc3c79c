"""Settings shared by every environment.

Every value that differs between deployments comes from an environment variable; each one is
documented in README.md ("Configuration"). Environment modules (dev, test, production) import
this module and override what they must.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("CHINHQUYEN_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Environment variable {name} is required")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-dev-key-change-me-" + "x" * 40)
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# Province served by this deployment (used by the demo loader and printed on forms).
PROVINCE_NAME = env("CHINHQUYEN_PROVINCE_NAME", "Ninh Bình")
SITE_NAME = env("CHINHQUYEN_SITE_NAME", "Chính Quyền điện tử")


def site_url_for(address: str) -> str:
    """The site URL of a development server listening on ``address`` (``host:port``, as given
    to ``runserver``): a wildcard host (``0.0.0.0``, ``::``) is reached as ``127.0.0.1``, an
    IPv6 host goes in brackets, a bare port means 127.0.0.1."""
    address = address.strip() or "127.0.0.1:8000"
    if address.isdigit():
        address = f"127.0.0.1:{address}"
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        host, port = address, "8000"
    host = host.strip("[]") or "127.0.0.1"
    if host in {"0.0.0.0", "::"}:  # noqa: S104 (a listening address, not a bind)
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


# The absolute URL of the site (notifications, QR codes, lookup links). Without it, the address
# the demo server is served on (``make run HOST=… PORT=…`` exports CHINHQUYEN_SERVE_ADDRESS to
# the server, the worker and the scheduler), so links follow the port actually used.
SITE_URL = env(
    "CHINHQUYEN_SITE_URL", site_url_for(env("CHINHQUYEN_SERVE_ADDRESS", "127.0.0.1:8000"))
)

SOCIALACCOUNT_APP = "chinhquyen.accounts.socialaccount_config.SocialAccountConfig"
INSTALLED_APPS = [
    "chinhquyen.accounts.admin_config.AdminConfig",  # the admin without its own sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    SOCIALACCOUNT_APP,  # allauth.socialaccount, its providers loaded on first use
    "allauth.socialaccount.providers.openid_connect",
    "axes",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    # ours: shared kernel first, then domains
    "chinhquyen.core",
    "chinhquyen.orgs",
    "chinhquyen.accounts",
    "chinhquyen.audit",
    "chinhquyen.jobs",
    "chinhquyen.signing",
    "chinhquyen.catalog",
    "chinhquyen.payments",
    "chinhquyen.notifications",
    "chinhquyen.dossiers",
    "chinhquyen.documents",
    "chinhquyen.tasks",
    "chinhquyen.feedback",
    "chinhquyen.floor",
    "chinhquyen.reports",
    "chinhquyen.integration",
    "chinhquyen.stats",
    "chinhquyen.secops",
    "chinhquyen.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "chinhquyen.core.middleware.SecurityHeadersMiddleware",
    "chinhquyen.core.middleware.NullCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Logs every 403/401/429 as a security event, including those of the middleware below.
    "chinhquyen.audit.middleware.PermissionDeniedLoggingMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "chinhquyen.accounts.middleware.OfficialMFARequiredMiddleware",
    "chinhquyen.accounts.middleware.IdentityProviderErrorMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # AxesMiddleware should be the last middleware.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chinhquyen.urls"
WSGI_APPLICATION = "chinhquyen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "chinhquyen" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chinhquyen.web.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# SQLite by default (embedded); DATABASE_URL=postgres://... in production and in CI.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend with PostgreSQL's integer ranges (chinhquyen/core/sqlite).
    DATABASES["default"]["ENGINE"] = "chinhquyen.core.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, lockouts): Redis when REDIS_URL is set, the database otherwise ----
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "chinhquyen_cache",
        }
    }

# --- Client addresses behind proxies -----------------------------------------------------
# How many proxies (TLS terminator, load balancer) stand in front of gunicorn, each appending
# to X-Forwarded-For. 0: the client is REMOTE_ADDR. Used by django-axes, allauth's rate limits,
# DRF throttles and the dossier lookup limits (chinhquyen/core/clientip.py).
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "chinhquyen.core.clientip.axes_client_ip"

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# allauth
ACCOUNT_ADAPTER = "chinhquyen.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "chinhquyen.accounts.adapters.SocialAccountAdapter"
MFA_ADAPTER = "chinhquyen.accounts.adapters.MFAAdapter"
# Extra sign-up fields (kind, full name, CCCD or tax code, phone); only citizens and businesses
# sign up, officials are created by IT administrators.
ACCOUNT_SIGNUP_FORM_CLASS = "chinhquyen.accounts.forms.SignupExtraForm"
ACCOUNT_FORMS = {"signup": "chinhquyen.accounts.signup_forms.SignupForm"}
ACCOUNT_ALLOW_SIGNUP = env_bool("ACCOUNT_ALLOW_SIGNUP", True)
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_USER_DISPLAY = "chinhquyen.accounts.models.user_display"
ACCOUNT_RATE_LIMITS = {
    "login": "20/m/ip",
    # Per-account lockout is django-axes' job (5 failures / 30 minutes, with its lockout page);
    # allauth's own per-key limit stays above it as a backstop. It also limits wrong TOTP codes.
    "login_failed": "10/m/ip,10/30m/key",
    "signup": "10/h/ip",
    "reset_password": "5/h/ip,3/h/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", "Chính Quyền")
MFA_RECOVERY_CODE_COUNT = 10
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # never link accounts by e-mail, only by CCCD

# OpenID Connect identity provider slot (VNeID-style single sign-on for citizens).
OIDC_PROVIDER_ID = env("OIDC_PROVIDER_ID", "vneid")
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", "VNeID")
OIDC_SERVER_URL = env("OIDC_SERVER_URL", "")
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", "")
OIDC_SCOPES = env_list("OIDC_SCOPES", "openid,profile,email,phone")
# Name of the claim carrying the citizen's 12-digit personal ID (CCCD).
OIDC_CITIZEN_ID_CLAIM = env("OIDC_CITIZEN_ID_CLAIM", "citizen_id")
# OIDC_SANDBOX=1 (demo and development only, never in production): this deployment also serves
# a sandbox OpenID Connect provider ("VNeID sandbox", allauth.idp.oidc) at
# /.well-known/openid-configuration and /identity/o/..., and citizens sign in through it as if
# through VNeID. The sandbox's signing key comes from IDP_OIDC_PRIVATE_KEY, or is generated once
# into $CHINHQUYEN_VAR_DIR/oidc-sandbox-key.pem.
OIDC_SANDBOX = env_bool("OIDC_SANDBOX", False)
OIDC_SANDBOX_CLIENT_ID = "vneid-sandbox"
OIDC_SANDBOX_CLIENT_SECRET = env("OIDC_SANDBOX_CLIENT_SECRET", "vneid-sandbox-secret")
if OIDC_SANDBOX and not OIDC_SERVER_URL:
    OIDC_SERVER_URL = SITE_URL.rstrip("/")
    OIDC_CLIENT_ID = OIDC_SANDBOX_CLIENT_ID
    OIDC_CLIENT_SECRET = OIDC_SANDBOX_CLIENT_SECRET
    OIDC_PROVIDER_NAME = "VNeID (sandbox)"
SOCIALACCOUNT_PROVIDERS: dict = {"openid_connect": {"APPS": []}}
# The sign-in POST redirects to the identity provider: CSP form-action must allow its origin.
CSP_OVERRIDES: dict[str, str] = {}
if OIDC_SERVER_URL:
    from urllib.parse import urlsplit as _urlsplit

    _oidc = _urlsplit(OIDC_SERVER_URL)
    CSP_OVERRIDES["form-action"] = f"'self' {_oidc.scheme}://{_oidc.netloc}"
# The officer's page talks to the signing agent on the official's computer (USB token).
SIGNING_AGENT_URL = env("SIGNING_AGENT_URL", "http://127.0.0.1:8765").rstrip("/")
if SIGNING_AGENT_URL:
    CSP_OVERRIDES["connect-src"] = f"'self' {SIGNING_AGENT_URL}"
if OIDC_SERVER_URL and OIDC_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": OIDC_PROVIDER_ID,
            "name": OIDC_PROVIDER_NAME,
            "client_id": OIDC_CLIENT_ID,
            "secret": OIDC_CLIENT_SECRET,
            "settings": {
                "server_url": OIDC_SERVER_URL,
                "oauth_pkce_enabled": True,
                "scope": OIDC_SCOPES,
            },
        }
    )
# The sandbox provider's app is always installed (its tables exist everywhere); its URLs
# answer only when OIDC_SANDBOX is on (chinhquyen/accounts/idp_urls.py).
INSTALLED_APPS.insert(INSTALLED_APPS.index(SOCIALACCOUNT_APP) + 1, "allauth.idp.oidc")
IDP_OIDC_ADAPTER = "chinhquyen.accounts.sandbox.SandboxIdPAdapter"
IDP_OIDC_PRIVATE_KEY = env("IDP_OIDC_PRIVATE_KEY", "")
# allauth signs in with username= or email= credentials: tell django-axes where the login is.
AXES_USERNAME_CALLABLE = "chinhquyen.accounts.lockout.axes_username"

# django-axes: lock an account after 5 failures within 30 minutes.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Per-account lockout is deliberate (an office NAT shares one address); per-address limits
# come from allauth's ACCOUNT_RATE_LIMITS ("login_failed": 10/m/ip), so axes.W006 is silenced.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "errors/lockout.html"
AXES_USERNAME_FORM_FIELD = "login"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "vi"
# Vietnamese only: a browser preferring English must still get the Vietnamese interface.
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "chinhquyen" / "locale"]

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "chinhquyen" / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# --- Security headers (tightened further in production) -----------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "chinhquyen.web.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(8 * 3600)))
CSRF_COOKIE_HTTPONLY = False

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "chinhquyen.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # drf-spectacular's, plus the error answers every operation may give (core/schema.py)
    "DEFAULT_SCHEMA_CLASS": "chinhquyen.core.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "chinhquyen.core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "120/min"},
    # Throttles count per client address found by the one rule of core/clientip.py (DRF's rule
    # with NUM_PROXIES is the same). DRF's default (None) would key on the whole
    # X-Forwarded-For header, which any client can change on every request.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Chính Quyền API",
    "DESCRIPTION": "API mở của nền tảng Chính quyền điện tử cấp tỉnh.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]",
    "PREPROCESSING_HOOKS": ["chinhquyen.core.schema.api_paths_only"],
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "chinhquyen.orgs.models.OrganisationKind",
        "RoleEnum": "chinhquyen.accounts.models.Role",
        "VersionStatusEnum": "chinhquyen.catalog.models.VersionStatus",
        "DossierStatusEnum": "chinhquyen.dossiers.models.DossierStatus",
        "DossierPaymentStatusEnum": "chinhquyen.dossiers.models.PaymentStatus",
        "TimelinessEnum": "chinhquyen.dossiers.models.Timeliness",
        "PaymentStatusEnum": "chinhquyen.payments.models.PaymentStatus",
        "IncomingStatusEnum": "chinhquyen.documents.models.IncomingStatus",
        "OutgoingStatusEnum": "chinhquyen.documents.models.OutgoingStatus",
        "DocumentTaskStatusEnum": "chinhquyen.documents.models.TaskStatus",
        "ExchangeStatusCodeEnum": "chinhquyen.documents.models.StatusCode",
        "NotificationStatusEnum": "chinhquyen.notifications.models.NotificationStatus",
        "RecurrenceEnum": "chinhquyen.tasks.models.Recurrence",
        "EventRecurrenceEnum": "chinhquyen.tasks.models.EventRecurrence",
        "RemoteRequestStatusEnum": "chinhquyen.signing.models.RemoteRequestStatus",
        "TaskStatusEnum": "chinhquyen.tasks.models.TaskStatus",
        "TaskExtensionStatusEnum": "chinhquyen.tasks.models.ExtensionStatus",
        "TaskCategoryEnum": "chinhquyen.tasks.models.Category",
        "FeedbackStatusEnum": "chinhquyen.feedback.models.Status",
        "FloorTicketStatusEnum": "chinhquyen.floor.models.TicketStatus",
        "FeedbackChannelEnum": "chinhquyen.feedback.models.Channel",
        "ChannelEnum": "chinhquyen.dossiers.models.Channel",
        "FeedbackKindEnum": "chinhquyen.feedback.models.Kind",
    },
}

# --- Background jobs ----------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Mail and SMS -------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Chính Quyền <no-reply@chinhquyen.local>")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# --- Signing (PAdES with pyHanko) -----------------------------------------------------------
SIGNING_PKI_DIR = Path(env("SIGNING_PKI_DIR", str(VAR_DIR / "pki")))
SIGNING_TSA_URL = env("SIGNING_TSA_URL", "")  # "" = PAdES B-B; an RFC 3161 URL = B-T
SIGNING_TSA_TIMEOUT = int(env("SIGNING_TSA_TIMEOUT", "10"))
SIGNING_SANDBOX = env_bool("SIGNING_SANDBOX", False)  # sandbox TSA and remote signing (demo)
SIGNING_REMOTE_TIMEOUT = int(env("SIGNING_REMOTE_TIMEOUT", "300"))
# two-step signing with the official's own device (USB token through the signing agent)
SIGNING_PREPARED_TIMEOUT = int(env("SIGNING_PREPARED_TIMEOUT", "600"))
SIGNING_CRL_FILES = env("SIGNING_CRL_FILES", "")  # comma-separated CRL files (PEM or DER)
# a SmartCA-style remote signing service over HTTP (signing.remote_http); the sandbox serves
# the same protocol at <site>/ky-so/sandbox/ky-tu-xa
SIGNING_REMOTE_URL = env("SIGNING_REMOTE_URL", "")
SIGNING_REMOTE_API_KEY = env("SIGNING_REMOTE_API_KEY", "")
SIGNING_REMOTE_HTTP_TIMEOUT = float(env("SIGNING_REMOTE_HTTP_TIMEOUT", "10"))

# --- Exchange between deployments (edXML over HTTP, the national axis) ----------------------
INTEGRATION_HTTP_TIMEOUT = float(env("INTEGRATION_HTTP_TIMEOUT", "30"))
INTEGRATION_REPLAY_WINDOW = int(env("INTEGRATION_REPLAY_WINDOW", "86400"))  # seconds
INTEGRATION_MAX_ATTEMPTS = int(env("INTEGRATION_MAX_ATTEMPTS", "12"))
INTEGRATION_RETRY_BASE_SECONDS = int(env("INTEGRATION_RETRY_BASE_SECONDS", "30"))
INTEGRATION_AXIS_URL = env("INTEGRATION_AXIS_URL", "")  # the national axis (or the sandbox)
INTEGRATION_AXIS_SANDBOX = env_bool(
    "INTEGRATION_AXIS_SANDBOX", False
)  # /lien-thong/truc-thu-nghiem/

# --- Online payment (VNPay-style protocol; a local sandbox gateway speaks it in the demo) ----
PAYMENT_PROVIDER = env("PAYMENT_PROVIDER", "vnpay_sandbox")  # "vnpay" | "vnpay_sandbox"
PAYMENT_VNPAY_TMN_CODE = env("PAYMENT_VNPAY_TMN_CODE", "")
PAYMENT_VNPAY_HASH_SECRET = env("PAYMENT_VNPAY_HASH_SECRET", "")
PAYMENT_VNPAY_URL = env("PAYMENT_VNPAY_URL", "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html")
PAYMENT_VNPAY_API_URL = env(
    "PAYMENT_VNPAY_API_URL", "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"
)
PAYMENT_VNPAY_RETURN_URL = env(
    "PAYMENT_VNPAY_RETURN_URL", ""
)  # empty: SITE_URL/thanh-toan/ket-qua/

# --- Notifications (outbox; transports are plugins) ----------------------------------------
NOTIFY_EMAIL_TRANSPORT = env("NOTIFY_EMAIL_TRANSPORT", "django")  # Django mail via EMAIL_BACKEND
NOTIFY_SMS_TRANSPORT = env("NOTIFY_SMS_TRANSPORT", "file")  # console | file | http_json
NOTIFY_SMS_ASCII = env_bool("NOTIFY_SMS_ASCII", True)
NOTIFY_SMS_FILE_PATH = env("NOTIFY_SMS_FILE_PATH", str(VAR_DIR / "sms" / "outbox.jsonl"))
NOTIFY_SMS_URL = env("NOTIFY_SMS_URL", "")
NOTIFY_SMS_API_KEY = env("NOTIFY_SMS_API_KEY", "")
NOTIFY_SMS_API_KEY_HEADER = env("NOTIFY_SMS_API_KEY_HEADER", "X-API-Key")
NOTIFY_SMS_BRANDNAME = env("NOTIFY_SMS_BRANDNAME", "CHINHQUYEN")
NOTIFY_SMS_TIMEOUT = float(env("NOTIFY_SMS_TIMEOUT", "10"))
NOTIFY_SMS_SANDBOX = env_bool("NOTIFY_SMS_SANDBOX", False)  # never in production
NOTIFY_SMS_SANDBOX_API_KEY = env("NOTIFY_SMS_SANDBOX_API_KEY", "sandbox-sms-key")
NOTIFICATION_RETENTION_DAYS = int(env("NOTIFICATION_RETENTION_DAYS", "180"))

# --- One-stop shop ---------------------------------------------------------------------------
# When an electronic result is sealed: "approval" (by the competent person's approval) or
# "return" (at the desk's return step); never before approval (chinhquyen/dossiers/conf.py).
DOSSIER_SEAL_RESULTS_AT = env("DOSSIER_SEAL_RESULTS_AT", "approval")

# --- Directive and task tracking (chinhquyen.tasks) ----------------------------------------
# Whether an accepted extension (gia hạn) moves the deadline used in statistics: "true" judges a
# task against its extended deadline, "false" against the deadline first set (DOMAIN.md §13).
TASKS_EXTENSION_COUNTS = env_bool("TASKS_EXTENSION_COUNTS", True)
# "Due soon" in the to-do page and the daily digest: within this many working days.
TASKS_DUE_SOON_WORKING_DAYS = int(env("TASKS_DUE_SOON_WORKING_DAYS", "3"))
# Online meetings of the work calendar: "sandbox" (a page of this application, for the demo) or
# "jitsi" (rooms on JITSI_BASE_URL; a per-participant HS256 JWT when JITSI_APP_SECRET is set).
MEETINGS_PROVIDER = env("MEETINGS_PROVIDER", "sandbox")
JITSI_BASE_URL = env("JITSI_BASE_URL", "https://meet.jit.si")
JITSI_APP_ID = env("JITSI_APP_ID", "")
JITSI_APP_SECRET = env("JITSI_APP_SECRET", "")

# --- Citizen reports (chinhquyen.feedback) ---------------------------------------------------
# Map tiles of the report form and the public board, e.g.
# "https://tile.openstreetmap.org/{z}/{x}/{y}.png"; empty: the map shows without tiles (the
# commune list and the coordinates still work). Its origin is added to CSP img-src.
FEEDBACK_MAP_TILE_URL = env("FEEDBACK_MAP_TILE_URL", "")
# Where the maps open: "latitude,longitude,zoom" (the province's centre).
FEEDBACK_MAP_CENTER = env("FEEDBACK_MAP_CENTER", "20.25,105.97,11")
if FEEDBACK_MAP_TILE_URL.startswith(("https://", "http://")):
    from urllib.parse import urlsplit as _tiles_split

    # "{s}." stands for the server's subdomains (a., b., c.): allow them all
    _tile_host = _tiles_split(FEEDBACK_MAP_TILE_URL.replace("{s}.", "*.")).netloc
    CSP_OVERRIDES["img-src"] = (
        f"'self' data: {_tiles_split(FEEDBACK_MAP_TILE_URL).scheme}://{_tile_host}"
    )

# --- Retention of logs and results (days) --------------------------------------------------
SECURITY_EVENT_RETENTION_DAYS = int(env("SECURITY_EVENT_RETENTION_DAYS", "365"))
ACCESS_ATTEMPT_RETENTION_DAYS = int(env("ACCESS_ATTEMPT_RETENTION_DAYS", "90"))
TASK_RESULT_RETENTION_DAYS = int(env("TASK_RESULT_RETENTION_DAYS", "14"))
AUDIT_EXPORT_MAX_ROWS = int(env("AUDIT_EXPORT_MAX_ROWS", "10000"))

# --- Security operations: SIEM forwarding (chinhquyen.secops) -----------------------------
SECOPS_SYSLOG_HOST = env("SECOPS_SYSLOG_HOST", "")
SECOPS_SYSLOG_PORT = int(env("SECOPS_SYSLOG_PORT", "6514"))
SECOPS_SYSLOG_TLS = env_bool("SECOPS_SYSLOG_TLS", False)
SECOPS_SYSLOG_CA_FILE = env("SECOPS_SYSLOG_CA_FILE", "")
SECOPS_SYSLOG_TIMEOUT = float(env("SECOPS_SYSLOG_TIMEOUT", "5"))
SECOPS_SYSLOG_HOSTNAME = env("SECOPS_SYSLOG_HOSTNAME", "")
SECOPS_JSONL_PATH = env("SECOPS_JSONL_PATH", "")
# The periodic integrity check of stored files (chinhquyen.secops.integrity): each hourly run
# reads back at most this many files, for at most this many seconds, continuing where the last
# run stopped; the evidence report wants a whole pass at least every SECOPS_INTEGRITY_PASS_DAYS.
SECOPS_INTEGRITY_MAX_FILES = int(env("SECOPS_INTEGRITY_MAX_FILES", "100000"))
SECOPS_INTEGRITY_SECONDS = float(env("SECOPS_INTEGRITY_SECONDS", "120"))
SECOPS_INTEGRITY_PASS_DAYS = int(env("SECOPS_INTEGRITY_PASS_DAYS", "7"))
# The JSON status file written by scripts/backup-restore-drill.py (last backup, last restore
# drill), read by the security evidence report; it must be readable by the web nodes.
BACKUP_DRILL_STATUS_FILE = Path(
    env("BACKUP_DRILL_STATUS_FILE", str(VAR_DIR / "backup-drill" / "status.json"))
)

# --- Outgoing webhooks (chinhquyen.integration.webhooks, Standard Webhooks) --------------------
WEBHOOK_TIMEOUT_SECONDS = float(env("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_MAX_ATTEMPTS = int(env("WEBHOOK_MAX_ATTEMPTS", "10"))  # then a dead letter (replayable)
WEBHOOK_RETRY_BASE_SECONDS = float(env("WEBHOOK_RETRY_BASE_SECONDS", "30"))  # doubling, max 1 h
WEBHOOK_SECRET_OVERLAP_HOURS = float(env("WEBHOOK_SECRET_OVERLAP_HOURS", "24"))

# --- Statistics (chinhquyen.stats) --------------------------------------------------------
# Data cut-off day of the reporting month (ND 09/2019: the 15th of the previous month to the
# 14th); 1 = calendar months. Public statistics show only months whose last day has passed.
STATS_CUTOFF_DAY = int(env("STATS_CUTOFF_DAY", "15"))
# The on-time report (/bao-cao/dung-han/, /api/v1/reports/on-time/) reads the daily facts (at
# most a minute behind, folded by the stats.fold_facts job) instead of scanning the dossiers.
REPORTS_FROM_FACTS = env_bool("REPORTS_FROM_FACTS", True)

# --- Audit --------------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Logging: structured JSON lines on stdout ---------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "chinhquyen.core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
