"""Tending's one settings module, driven by environment variables.

Every variable is listed in README.md and `.env.example`. Development defaults are safe for a
laptop; `TENDING_ENVIRONMENT=production` turns on the strict settings and refuses to start
without the values a real deployment must choose itself.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
import phonenumbers
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# Lets classes such as ModelAdmin[User] be written at run time as the type checker reads them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


ENVIRONMENT = env_str("TENDING_ENVIRONMENT", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("TENDING_ENVIRONMENT must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

DATA_DIR = Path(env_str("TENDING_DATA_DIR") or BASE_DIR / "var").resolve()
DEBUG = env_bool("TENDING_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("TENDING_DEBUG cannot be on when TENDING_ENVIRONMENT=production.")


def _secret_key() -> str:
    """Return the configured key; in development, create one under DATA_DIR and keep it."""
    key = env_str("TENDING_SECRET_KEY")
    if key:
        if PRODUCTION and (len(key) < 50 or len(set(key)) < 5):
            raise ImproperlyConfigured("TENDING_SECRET_KEY must be at least 50 random characters.")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("TENDING_SECRET_KEY is required in production.")
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    # Create with owner-only permissions so the key is never briefly world-readable.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


SECRET_KEY = _secret_key()


def _field_encryption_keys() -> list[str]:
    """Return the keys for encrypted fields, newest first; in development, keep one in DATA_DIR.

    They are separate from SECRET_KEY on purpose: rotating one must not touch the other, and
    a backup of the database must never carry the key that opens it.
    """
    keys = env_list("TENDING_FIELD_ENCRYPTION_KEYS")
    if keys:
        return keys
    if PRODUCTION:
        raise ImproperlyConfigured("TENDING_FIELD_ENCRYPTION_KEYS is required in production.")
    path = DATA_DIR / "field_encryption_keys"
    if not path.exists():
        from cryptography.fernet import Fernet

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(Fernet.generate_key().decode())
    return [key.strip() for key in path.read_text().split(",") if key.strip()]


FIELD_ENCRYPTION_KEYS = _field_encryption_keys()
# Backups (`tending backup` / `tending restore`) are age files; see tending/backups/keys.py.
# New backups are encrypted to these age public keys (comma-separated, or a file of them)...
BACKUP_RECIPIENTS = env_str("TENDING_BACKUP_RECIPIENTS")
# ...or to this passphrase instead (an age file takes one or the other); restores use it too.
BACKUP_PASSPHRASE = env_str("TENDING_BACKUP_PASSPHRASE")
# The identity that opens backups made to the public keys; needed only to restore.
BACKUP_IDENTITY_FILE = env_str("TENDING_BACKUP_IDENTITY_FILE")
# Opens only backups made before the age format (.tbk); new backups never use it.
BACKUP_KEY = env_str("TENDING_BACKUP_KEY")

ALLOWED_HOSTS = env_list("TENDING_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("TENDING_ALLOWED_HOSTS is required in production.")
CSRF_TRUSTED_ORIGINS = env_list("TENDING_CSRF_TRUSTED_ORIGINS")

# Public base URL used in e-mailed links, so a forged Host header can never shape them.
SITE_URL = env_str("TENDING_SITE_URL").rstrip("/")
if PRODUCTION and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("TENDING_SITE_URL must be the https:// address of the site.")

INSTALLED_APPS = [
    "tending.accounts",
    "tending.audit",
    "tending.encryption",
    "tending.web",
    "tending.revisions",
    "tending.safety",
    "tending.practices",
    "tending.measures",
    "tending.assignments",
    "tending.formulation",
    "tending.understanding",
    "tending.journal",
    "tending.therapy_sessions",
    "tending.reports",
    "tending.backups",
    "tending.privacy",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above WhiteNoise, which answers static files itself, so every response gets these.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "tending.web.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tending.audit.middleware.RequestIdMiddleware",
    "tending.web.headers.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tending.accounts.otp_middleware.TwoFactorMiddleware",
    "tending.web.sessions.SessionTimeoutMiddleware",
    "tending.web.time_zones.ClientTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A database error in a view becomes a calm 503 "nothing was saved" page.
    "tending.web.errors.DatabaseErrorMiddleware",
    # Axes must be last: it turns a lockout flagged during the view into the response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tending.urls"
WSGI_APPLICATION = "tending.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tending" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tending.accounts.context_processors.page_context",
                "tending.safety.banner.risk_banner",
            ],
            "builtins": [
                "tending.web.templatetags.paths",
                "tending.web.templatetags.navigation",
            ],
        },
    },
]


def _databases() -> dict[str, dict[str, Any]]:
    url = env_str("DATABASE_URL")
    if url and not url.startswith(("sqlite", "postgres")):
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or sqlite:// address.")
    if url and not url.startswith("sqlite"):
        config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
        # Django's backend with a health check that needs no round trip while a worker is
        # busy (tending/postgresql/base.py).
        config["ENGINE"] = "tending.postgresql"
        # Values are sent apart from the SQL, so a query run again is not parsed and planned
        # again: psycopg prepares a statement on the server once a connection has run it
        # five times (prepare_threshold), and every page runs the same few queries.
        config["OPTIONS"] = {**config.get("OPTIONS", {}), "server_side_binding": True}
        return {"default": dict(config)}
    name = Path(dj_database_url.parse(url)["NAME"]) if url else DATA_DIR / "tending.sqlite3"
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            # Keep each worker's connection: reopening the file for every request loses SQLite's
            # page cache, which measured 1.5 times slower per request on a large database.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on the
                # busy timeout instead of failing with "database is locked" (reliability plan 4.1).
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
            },
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "tending.accounts.backends.AccountBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "sign_in"
LOGIN_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour

# Sessions: cookie dies with the browser; the server ends a session after inactivity and
# after an absolute lifetime (SessionTimeoutMiddleware), whichever comes first.
SESSION_ENGINE = "tending.web.session_store"
SESSION_IDLE_SECONDS = env_int("TENDING_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_MAX_SECONDS = env_int("TENDING_SESSION_MAX_HOURS", 12, minimum=1) * 60 * 60
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Flash messages can name people; keep them server-side, not in a readable cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

INVITATION_VALID_DAYS = env_int("TENDING_INVITATION_DAYS", 7, minimum=1)

# Background work (reminders) runs on Django's Tasks framework with a database queue: the
# embedded default needs no extra server. Run `tending db_worker` beside the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Therapists' recordings: kept outside the static root, served only through an access check.
MEDIA_DIR = Path(env_str("TENDING_MEDIA_DIR") or DATA_DIR / "media").resolve()
RECORDING_MAX_BYTES = env_int("TENDING_RECORDING_MAX_MB", 25, minimum=1) * 1024 * 1024
RECORDING_MAX_SECONDS = env_int("TENDING_RECORDING_MAX_MINUTES", 20, minimum=1) * 60
DATA_UPLOAD_MAX_NUMBER_FILES = 2

# Sign-in throttling (django-axes): lock by account and, separately, by IP address.
AXES_FAILURE_LIMIT = env_int("TENDING_SIGNIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = env_int("TENDING_SIGNIN_LOCKOUT_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "tending.accounts.throttling.username_from_request"
AXES_CLIENT_IP_CALLABLE = "tending.audit.network.client_ip"
AXES_LOCKOUT_CALLABLE = "tending.accounts.throttling.keep_sign_in_page"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password"]
# Other limits (tending/accounts/throttling.py): {name: (requests allowed, window in seconds)},
# counted in the database so every worker shares them. Over a limit: a 429 page, audited.
RATE_LIMITS = {
    "exports": (30, 60 * 60),  # CSV and PDF downloads and the audit CSV, per person
    "invitations_sent": (50, 60 * 60),  # invitations sent or resent, per person
    "invitation_accept": (30, 60 * 60),  # invitation links opened and accepted, per IP
    "password_reset": (10, 60 * 60),  # reset requests, per IP
    "password_reset_email": (3, 60 * 60),  # reset e-mails to one address
}

# Number of reverse proxies in front of Tending that append to X-Forwarded-For.
PROXY_COUNT = env_int("TENDING_PROXY_COUNT", 0)
if PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

OTP_TOTP_ISSUER = env_str("TENDING_TOTP_ISSUER", "Tending")
OTP_TOTP_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TENDING_TIME_ZONE", "UTC")
# Phone numbers typed without "+" and a country code are read as numbers of this region.
PHONE_REGION = env_str("TENDING_PHONE_REGION", "GB").upper()
if PHONE_REGION not in phonenumbers.SUPPORTED_REGIONS:
    raise ImproperlyConfigured(
        f"TENDING_PHONE_REGION must be a two-letter region code such as GB, not {PHONE_REGION!r}."
    )
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic writes here in production; elsewhere files are served straight from the apps.
STATIC_ROOT = Path(env_str("TENDING_STATIC_ROOT") or DATA_DIR / "static") if PRODUCTION else None
STATICFILES_DIRS = [BASE_DIR / "tending" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production, serve static files straight from the apps: no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# E-mail: console in development; SMTP when a host is configured.
DEFAULT_FROM_EMAIL = env_str("TENDING_EMAIL_FROM", "Tending <no-reply@localhost>")
EMAIL_BACKEND_NAME = env_str(
    "TENDING_EMAIL_BACKEND", "smtp" if env_str("TENDING_EMAIL_HOST") else "console"
)
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
}
if EMAIL_BACKEND_NAME not in _EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        f"TENDING_EMAIL_BACKEND must be one of {', '.join(_EMAIL_BACKENDS)}."
    )
if PRODUCTION and EMAIL_BACKEND_NAME != "smtp":
    raise ImproperlyConfigured("Production sends real e-mail: set TENDING_EMAIL_HOST.")
EMAIL_BACKEND = _EMAIL_BACKENDS[EMAIL_BACKEND_NAME]
EMAIL_FILE_PATH = env_str("TENDING_EMAIL_FILE_PATH") or str(DATA_DIR / "mail")
EMAIL_HOST = env_str("TENDING_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("TENDING_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("TENDING_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("TENDING_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("TENDING_EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 10

# Security headers. Defaults already give X-Frame-Options DENY, nosniff, same-origin
# referrer and opener policies; we state them so a reader sees the whole set here.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "media-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix pins cookies to this exact host over HTTPS, with Path=/.
    SESSION_COOKIE_NAME = "__Host-tending_session"
    CSRF_COOKIE_NAME = "__Host-tending_csrf"
    SECURE_SSL_REDIRECT = env_bool("TENDING_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("TENDING_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TENDING_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("TENDING_HSTS_PRELOAD", default=False)
    SILENCED_SYSTEM_CHECKS = []
    if not SECURE_HSTS_PRELOAD:
        # Joining browsers' preload list is each site owner's choice and hard to undo.
        SILENCED_SYSTEM_CHECKS.append("security.W021")
    if not SECURE_SSL_REDIRECT:
        # The reverse proxy redirects HTTP to HTTPS; tell the deploy check we know.
        SILENCED_SYSTEM_CHECKS.append("security.W008")
else:
    SESSION_COOKIE_NAME = "tending_session"
    CSRF_COOKIE_NAME = "tending_csrf"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"},
    },
    "filters": {
        "request_id": {"()": "tending.audit.middleware.RequestIdLogFilter"},
        "redact_secrets": {"()": "tending.audit.redaction.RedactSecretsFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("TENDING_LOG_LEVEL", "INFO")},
    "loggers": {
        # These log the path of failed requests; invitation and reset paths carry tokens.
        "django.request": {"filters": ["redact_secrets"]},
        "django.security.csrf": {"filters": ["redact_secrets"]},
        # Axes logs usernames at INFO; keep identifiers out of the logs.
        "axes": {"level": "WARNING"},
        # The PDF engine narrates every step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

CSRF_FAILURE_VIEW = "tending.web.errors.csrf_failure"
