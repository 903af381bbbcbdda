"""Settings shared by every environment; everything deployment-specific comes from the environment.

Production is this module with the environment set (``DEBUG`` off, ``SECRET_KEY``,
``ALLOWED_HOSTS``, ``DATABASE_URL``...): ``maillage check --deploy`` must be clean there.
"""

import os
from pathlib import Path

import dj_database_url
import xstatic.pkg.leaflet as _leaflet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: expected true or false")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# Where the SQLite database, downloaded reference files, import reports and indexes live.
DATA_DIR = Path(os.environ.get("MAILLAGE_DATA_DIR", BASE_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
MAILLAGE_REFERENTIAL_SOURCE = os.environ.get("MAILLAGE_REFERENTIAL_SOURCE") or next(
    (str(p) for p in [BASE_DIR.parent / "shared" / "data"] if p.is_dir()), ""
)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "maillage.accounts.admin_apps.MaillageAdminConfig",  # django.contrib.admin, scoped by network
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    # django-ninja's interactive API docs from its own static files (no CDN, no inline script).
    "ninja",
    "maillage.accounts",
    "maillage.referential",
    "maillage.directory",
    "maillage.taxonomy",
    "maillage.profiles",
    "maillage.matching",
    "maillage.api",
    "maillage.imports",
    "maillage.needs",
    "maillage.relations",
    "maillage.journal",
    "maillage.mailings",
    "maillage.events",
    "maillage.demo",
    "maillage.www",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "maillage.www.middleware.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "maillage.api.errors.JsonErrorsMiddleware",  # /api/ answers its errors in JSON
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "maillage.www.middleware.FrenchTypographyMiddleware",  # last: sees the page as rendered
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "maillage" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "maillage.www.context_processors.roles",
                "maillage.www.context_processors.brand",
            ],
        },
    },
]

SQLITE_PATH = DATA_DIR / "maillage.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while an import writes; the busy timeout makes a
    # writer wait for the lock instead of failing at once with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "home:home"
# Login throttling (maillage.accounts.throttling, docs/accounts.md), failures counted over the
# window: 5 lock one account from one address, 20 lock one address (spraying), and past 10 from
# anywhere an account is slowed down (1 s, 2 s, 4 s… up to 60 s after its latest failure),
# never locked, so that nobody can lock the owner out from another address.
LOGIN_THROTTLE_FAILURES = int(os.environ.get("LOGIN_THROTTLE_FAILURES", "5"))
LOGIN_THROTTLE_CLIENT_FAILURES = int(os.environ.get("LOGIN_THROTTLE_CLIENT_FAILURES", "20"))
LOGIN_THROTTLE_ACCOUNT_FAILURES = int(os.environ.get("LOGIN_THROTTLE_ACCOUNT_FAILURES", "10"))
LOGIN_THROTTLE_ACCOUNT_MAX_DELAY = int(os.environ.get("LOGIN_THROTTLE_ACCOUNT_MAX_DELAY", "60"))
LOGIN_THROTTLE_WINDOW = int(os.environ.get("LOGIN_THROTTLE_WINDOW", "900"))
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link lives one day

# Rate limits (login, password reset, contact form) count in the cache: it must be shared by
# every worker process, or each would keep its own counters. Redis when REDIS_URL is set,
# else a table of the database (created after each migrate, see maillage.accounts.apps).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_TABLE = "maillage_cache"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "maillage",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "KEY_PREFIX": "maillage",
            # Culling deletes live entries at random once full: keep it far above the number
            # of counters a flood of attempts could create, so one cannot evict the others.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# Form field groups wrapped in a .field (maillage/templates/forms/field.html, docs/design.md).
FORM_RENDERER = "maillage.www.forms_renderer.FormRenderer"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "maillage" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "maillage" / "static", ("leaflet", _leaflet.BASE_DIR)]

# The search index (docs/search.md); empty: DATA_DIR/index.
SEARCH_INDEX_DIR = (
    Path(os.environ["MAILLAGE_SEARCH_INDEX_DIR"]) if os.environ.get("MAILLAGE_SEARCH_INDEX_DIR") else None
)
# Queries whose scored results each web worker keeps (pages 2+, htmx redraws); 0 turns it off.
MAILLAGE_SEARCH_CACHE_ENTRIES = int(os.environ.get("MAILLAGE_SEARCH_CACHE_ENTRIES", "64"))

# Map tiles: any XYZ server; empty MAILLAGE_TILE_URL shows markers on a blank map (offline).
MAILLAGE_TILE_URL = os.environ.get("MAILLAGE_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
# The default is translated (lazily: rendered in each page's language); an operator's own text
# is shown as written.
MAILLAGE_TILE_ATTRIBUTION = os.environ.get("MAILLAGE_TILE_ATTRIBUTION") or gettext_lazy(
    "© les contributeurs d’OpenStreetMap (ODbL)"
)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Maillage <noreply@localhost>")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# Absolute links in e-mails (sent by the task queue, which has no request to build them from).
MAILLAGE_SITE_URL = os.environ.get("MAILLAGE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# A company page's contact form: messages counted per address and session over this window
# (maillage.www.establishments.contact); the personal-data page states it.
MAILLAGE_CONTACT_RATE_WINDOW = int(os.environ.get("MAILLAGE_CONTACT_RATE_WINDOW", "3600"))

# The legal pages (maillage.www.legal, docs/legal.md): who publishes and hosts this instance.
# Unset, the page says « non renseigné » and `maillage check --deploy` warns (maillage.W010).
MAILLAGE_LEGAL = {
    "publisher": os.environ.get("MAILLAGE_LEGAL_PUBLISHER", ""),
    "publisher_address": os.environ.get("MAILLAGE_LEGAL_PUBLISHER_ADDRESS", ""),
    "publisher_id": os.environ.get("MAILLAGE_LEGAL_PUBLISHER_ID", ""),  # SIRET or RNA number
    "director": os.environ.get("MAILLAGE_LEGAL_DIRECTOR", ""),
    "host": os.environ.get("MAILLAGE_LEGAL_HOST", ""),
    "host_address": os.environ.get("MAILLAGE_LEGAL_HOST_ADDRESS", ""),
    "contact_email": os.environ.get("MAILLAGE_CONTACT_EMAIL", ""),
    # RGAA compliance: "none" until an audit says otherwise ("partial", "full"), with its date.
    "accessibility_status": os.environ.get("MAILLAGE_ACCESSIBILITY_STATUS", "none"),
    "accessibility_audit_date": os.environ.get("MAILLAGE_ACCESSIBILITY_AUDIT_DATE", ""),
}

# Uploaded files (need attachments); served only through views that check permissions.
MEDIA_ROOT = Path(os.environ.get("MAILLAGE_MEDIA_DIR", DATA_DIR / "media")).resolve()
MEDIA_URL = "media/"
NEEDS_ATTACHMENT_MAX_MB = int(os.environ.get("NEEDS_ATTACHMENT_MAX_MB", "10"))
# Files an animator imports from the back-office (maillage/imports/uploads.py).
IMPORTS_UPLOAD_MAX_MB = int(os.environ.get("IMPORTS_UPLOAD_MAX_MB", "50"))
# Minutes without a committed batch after which a queued or running import may be queued again.
IMPORTS_STALLED_MINUTES = int(os.environ.get("IMPORTS_STALLED_MINUTES", "30"))
# Seconds between the retries of a failed task (sending a batch, a reminder…).
NEEDS_TASK_RETRY_DELAY = int(os.environ.get("NEEDS_TASK_RETRY_DELAY", "60"))

# Import bounds: their defaults and meaning live in maillage/imports/limits.py; a setting
# MAILLAGE_IMPORT_<NAME> (here from the environment, or an override in tests) replaces one.
for _name in (
    "MAX_LINE_BYTES",
    "MAX_DECOMPRESSED_BYTES",
    "MAX_COMPRESSION_RATIO",
    "MAX_SHEET_ROWS",
    "MAX_SHEET_COLUMNS",
    "MAX_XLSX_MEMBER_BYTES",
    "MAX_JSON_DEPTH",
):
    if f"MAILLAGE_IMPORT_{_name}" in os.environ:
        globals()[f"MAILLAGE_IMPORT_{_name}"] = int(os.environ[f"MAILLAGE_IMPORT_{_name}"])

# Task queue (batched sending of needs, reminders, outcome requests): Huey. Embedded on a
# SQLite file beside the database for a laptop (`maillage run_huey` consumes it), Redis when
# REDIS_URL (above) is set. HUEY_IMMEDIATE=true runs each task inline (tests, a demo without consumer).
HUEY = {
    "name": "maillage",
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "utc": True,
    "consumer": {"workers": int(os.environ.get("HUEY_WORKERS", "2")), "worker_type": "thread"},
}
if REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "huey.sqlite3")}

# Security headers; the HTTPS-only ones switch on with DEBUG off.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles from our own files only — no inline
# <script>, on*= handler, style attribute or eval (htmx is configured without eval in
# base.html). Data reaches scripts through data-* attributes or json_script. Images may also
# come from the tile server: maillage.www.middleware adds MAILLAGE_TILE_URL's origin to img-src.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy): no page needs any of these powerful features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

if not DEBUG:
    SILENCED_SYSTEM_CHECKS = [
        # HSTS preload is a one-way commitment for a whole domain: the operator decides.
        "security.W021",
    ]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
