"""The one settings module, configured by OPENPES_* environment variables.

Demo mode (the default) works with no configuration at all: it keeps its secret and field keys in the data
directory so that a restarted demo can still read what it wrote. Production mode (OPENPES_MODE=production)
refuses to start unless the secret key, the field-encryption keys and the allowed hosts are given.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"OPENPES_{name}", default)


def env_int(name: str, default: int) -> int:
    raw = env(name)
    try:
        return int(raw) if raw else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"OPENPES_{name} must be an integer, not {raw!r}") from exc


def env_list(name: str) -> list[str]:
    return [item.strip() for item in env(name).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
MODE = env("MODE", "demo")
if MODE not in {"demo", "production"}:
    raise ImproperlyConfigured("OPENPES_MODE must be 'demo' or 'production'")
PRODUCTION = MODE == "production"
DATA_DIR = Path(env("DATA_DIR", "var")).resolve()


def _demo_secret(filename: str, make: Callable[[], str]) -> str:
    """Read a secret kept in the data directory, creating it on first use (demo mode only)."""
    path = DATA_DIR / filename
    if not path.exists():
        DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        # created 0600, never readable by others even for a moment
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
        path.write_text(make())
    return path.read_text().strip()


def _new_field_key() -> str:
    return "1:" + secrets.token_hex(32)


if PRODUCTION:
    missing = [
        f"OPENPES_{name}"
        for name in ("SECRET_KEY", "FIELD_KEYS", "INDEX_KEY", "ALLOWED_HOSTS")
        if not env(name)
    ]
    if missing:
        raise ImproperlyConfigured(
            "Production mode refuses to start without: " + ", ".join(missing) + " (see docs/deployment.md)"
        )
    SECRET_KEY = env("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("OPENPES_SECRET_KEY must be at least 50 characters")
    FIELD_KEYS = env("FIELD_KEYS")
    INDEX_KEY = env("INDEX_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    DEBUG = False
else:
    SECRET_KEY = env("SECRET_KEY") or _demo_secret("secret_key", lambda: secrets.token_urlsafe(50))
    FIELD_KEYS = env("FIELD_KEYS") or _demo_secret("field_keys", _new_field_key)
    INDEX_KEY = env("INDEX_KEY") or _demo_secret("index_key", lambda: secrets.token_hex(32))
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "testserver", "[::1]"]
    DEBUG = env("DEBUG") == "1"

# Field encryption: "aes" (AES-256-GCM + HMAC-SHA256) or "sm" (SM4-GCM + HMAC-SM3, needs OpenSSL support).
CRYPTO_SUITE = env("CRYPTO", "aes")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "openpes.core",
    "openpes.regions",
    "openpes.taxonomy",
    "openpes.accounts",
    "openpes.audit",
    "openpes.people",
    "openpes.employers",
    "openpes.employment",
    "openpes.vacancies",
    "openpes.api",
    "openpes.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "openpes.core.staticfiles.StaticFilesMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every view needs a signed-in user unless marked @login_not_required (docs/architecture.md).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # before the session-lifetime middleware, which tells the user why they were logged out
    "django.contrib.messages.middleware.MessageMiddleware",
    "openpes.core.middleware.RequestContextMiddleware",
    "openpes.core.middleware.NoStoreMiddleware",
    "openpes.accounts.middleware.SessionLifetimeMiddleware",
    "openpes.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "openpes.urls"
WSGI_APPLICATION = "openpes.wsgi.application"
AUTH_USER_MODEL = "accounts.Staff"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "people:dashboard"
CSRF_FAILURE_VIEW = "openpes.core.views.csrf_failure"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    }
]

# --- Database: SQLite (WAL) by default, PostgreSQL through OPENPES_DATABASE_URL ---------------------------
DATABASE_URL = env("DATABASE_URL")
# Persistent connections, one per server thread (Django keeps connections thread-local, so waitress's
# threads never share one) and per process: opening a connection on every request cost SQLite its PRAGMAs
# and PostgreSQL its authentication. Checked before reuse, so a restarted database costs no failed request.
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 600)
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # The same backend, with a health check that looks at the socket instead of a SELECT 1 per request.
        DATABASES["default"]["ENGINE"] = "openpes.core.postgresql"
        # Parameters sent apart from the SQL (server-side binding), and a statement run twice on a connection
        # prepared on the server, so that PostgreSQL stops planning it afresh: planning took 0.3–0.5 ms of
        # each list query, longer than running it (EXPLAIN ANALYZE, benchmarks/api_load.py). A connection
        # pooler in transaction mode (PgBouncer before 1.21) cannot keep prepared statements:
        # OPENPES_PG_PREPARE_THRESHOLD=0 turns them off.
        threshold = env_int("PG_PREPARE_THRESHOLD", 2)
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": threshold or None}
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "openpes.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA busy_timeout=20000; PRAGMA cache_size=-65536;"
                ),
            },
            "CONN_MAX_AGE": CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work: Django's tasks API (the django-tasks backport); the database backend needs no broker,
# and `openpes worker` runs what is queued (the demo starts one beside the server).
TASKS = {
    "default": {
        "BACKEND": env("TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}
    }

# --- Authentication and sessions (SECURITY.md 8-12) ------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "openpes.accounts.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "openpes.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "openpes.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "openpes.accounts.passwords.NumericPasswordValidator"},
    {"NAME": "openpes.accounts.passwords.CharacterClassValidator"},
]
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 8 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx and the API docs read it to send X-CSRFToken
# Roles that must pass a TOTP second factor before any staff page; administrators always.
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES") or ["administrator"]
OTP_TOTP_ISSUER = "OpenPES"
API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 90)
# Turns a bearer token into its staff member for the API's authentication (core.api), named here as
# AUTHENTICATION_BACKENDS are, so that the kernel does not import the accounts app above it.
API_TOKEN_AUTHENTICATOR = "openpes.accounts.services.token_authenticate"  # noqa: S105 (a dotted path)

# Rate limits of the API (core.throttling), counted in the default cache (Redis when several processes
# serve): the public job search per client address, and everything a partner system's key does, per key.
# A rate is "120/min", "10/s", "5000/hour" or "off".
API_JOBS_RATE = env("API_JOBS_RATE", "120/min")
API_PARTNER_RATE = env("API_PARTNER_RATE", "600/min")

# Per account (django-axes): locked after LOGIN_FAILURE_LIMIT wrong passwords, first for LOGIN_LOCKOUT_MINUTES,
# each further round twice as long up to LOGIN_LOCKOUT_MAX_MINUTES (accounts/throttle.py).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES = max(1, env_int("LOGIN_LOCKOUT_MINUTES", 1))
LOGIN_LOCKOUT_MAX_MINUTES = max(LOGIN_LOCKOUT_MINUTES, env_int("LOGIN_LOCKOUT_MAX_MINUTES", 30))
AXES_COOLOFF_TIME = "openpes.accounts.throttle.lockout_cool_off"
AXES_HANDLER = "openpes.accounts.throttle.LoginAttemptHandler"
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
# Attempts refused during a lockout do not restart it, so nobody keeps an account locked by trickling tries.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Per client address (password spraying across names): LOGIN_ADDRESS_FAILURE_LIMIT wrong passwords within
# LOGIN_ADDRESS_WINDOW_MINUTES refuse the address until the oldest leaves the window.
LOGIN_ADDRESS_FAILURE_LIMIT = max(1, env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20))
LOGIN_ADDRESS_WINDOW_MINUTES = max(1, env_int("LOGIN_ADDRESS_WINDOW_MINUTES", 15))
# Employer sign-ups on the public portal from one client address per hour (employers.services.portal): a
# pending employer costs an office a check, so nobody may file them by the hundred.
PORTAL_SIGNUPS_PER_ADDRESS_PER_HOUR = max(1, env_int("PORTAL_SIGNUPS_PER_ADDRESS_PER_HOUR", 5))
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Audit records are kept at least this long (等保 2.0 asks for six months).
AUDIT_RETENTION_DAYS = max(180, env_int("AUDIT_RETENTION_DAYS", 180))

# --- Security headers (SECURITY.md 13-15) -----------------------------------------------------------------
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Reverse proxies (addresses or networks of the peers that connect to the application server) whose
# X-Forwarded-For and X-Forwarded-Proto are believed, and how many proxies stand in a row: see
# openpes.core.proxies and docs/deployment.md. `check --deploy` fails in production with SSL redirect on and
# none listed, because every request would then look like plain HTTP and redirect to itself.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
PROXY_COUNT = env_int("PROXY_COUNT", 1)
# The client address, as the WSGI application resolved it from the trusted proxies (never a header a
# client can set), for login throttling as for the audit log.
AXES_CLIENT_IP_CALLABLE = "openpes.core.proxies.client_address"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env("SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Internationalisation -------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Job search -----------------------------------------------------------------------------------------
# "tantivy" (a tantivy index on disk, fed from the database; see vacancies/search/index.py) or "database"
# (the database's own full-text index only). Either way the database's index is kept and answers whenever
# tantivy's is missing or behind.
JOB_SEARCH_ENGINE = env("JOB_SEARCH_ENGINE", "tantivy")
if JOB_SEARCH_ENGINE not in {"tantivy", "database"}:
    raise ImproperlyConfigured("OPENPES_JOB_SEARCH_ENGINE must be 'tantivy' or 'database'")
JOB_SEARCH_INDEX_DIR = env("JOB_SEARCH_INDEX_DIR") or str(DATA_DIR / "job-search")

STATIC_URL = "/static/"
# `openpes serve` and `demo` collect the static files here (hashed names, gzip and brotli copies) before they
# serve; until then WhiteNoise serves the package's own files through the finders (core/staticfiles.py).
STATIC_ROOT = env("STATIC_ROOT") or str(DATA_DIR / "static")
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "openpes.core.staticfiles.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Pages link only the hashed names, so only those are kept and compressed (half the collection time).
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
# Source maps are for a developer's tools, not worth seconds of brotli at every collection.
from whitenoise.compress import Compressor  # noqa: E402

WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
