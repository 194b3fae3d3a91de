"""Settings for the reports portal, read from the environment.

One module for every environment. Development turns DEBUG on explicitly
(`DJANGO_DEBUG=1`, which `make run` does); everything else defaults to the
safe production value, and production refuses to start without a secret key
and allowed hosts rather than silently running with a known key.
"""

import importlib.util
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_str(name: str, default: str = "") -> str:
    """The variable's value; an empty value (NAME= in an env file) counts as unset."""
    value = os.environ.get(name, "").strip()
    return value if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it (a long random string) or, for local "
            "development only, set DJANGO_DEBUG=1."
        )
    # Development only: DEBUG is on, so this key never protects real sessions.
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. List the host names the portal answers to, "
        "comma-separated (for example: reports.example.org)."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "csp",
    "portal.apps.PortalConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "reports",
    "campaigns",
    "outbox",
    "themes",
    "insights",
    "compendium",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the query: a NUL in it is a 400, TRACE a 405 (portal/request_guard.py).
    "portal.request_guard.RequestGuardMiddleware",
    # A database that goes silent mid-request: the 503 page after DB_REQUEST_TIMEOUT (portal/db_watchdog.py).
    "portal.db_watchdog.DatabaseDeadlineMiddleware",
    "portal.csp.PortalCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Russian unless the reader chose English (the language cookie); never Accept-Language (portal/language.py).
    "portal.language.ChosenLanguageMiddleware",
    # After the language is known: anonymous public pages from the cache (portal/page_cache.py).
    # A page served from it needs nothing below (it looks for the session cookie itself).
    "portal.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.sessions.AbsoluteSessionLifetimeMiddleware",
    # The second factor (accounts/mfa.py): django-otp tells whether this session gave it.
    "django_otp.middleware.OTPMiddleware",
    "accounts.mfa.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite file in the project root unless DATABASE_URL says otherwise
# (postgres://user:pass@host:5432/name in production).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env_str("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Every transaction takes the write lock when it begins, so one that reads and then writes
    # (a public rendering made on read, a version check) cannot be overtaken by another writer
    # between the two — SQLite's own advice for concurrent writers.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast when the database is unreachable instead of hanging a worker.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(env_str("DJANGO_DB_CONNECT_TIMEOUT", "5"))
    # An open connection whose peer vanished (partition, frozen host): the kernel gives up on
    # unacknowledged data after tcp_user_timeout and probes an idle one with keepalives.
    DATABASES["default"]["OPTIONS"].update(
        keepalives=1,
        keepalives_idle=30,
        keepalives_interval=5,
        keepalives_count=3,
        tcp_user_timeout=int(env_str("DJANGO_DB_TCP_USER_TIMEOUT_MS", "10000")),
    )
    # A ceiling on any one statement, in milliseconds (0: none). gunicorn.conf.py sets one for the
    # web processes; migrations and management commands, which may rightly run longer, have none.
    if statement_timeout := int(env_str("DJANGO_DB_STATEMENT_TIMEOUT_MS", "0")):
        DATABASES["default"]["OPTIONS"]["options"] = f"-c statement_timeout={statement_timeout}"
    # Parameters sent apart from the query text, and the public pages' few statements by key
    # prepared once per connection (portal/postgres_cursor.py): the generations of published
    # content then cost 0.05 ms instead of 0.12, a report page's query 0.18 instead of 0.39.
    # Behind pgbouncer in transaction mode older than 1.21 (no prepared statements), set
    # DJANGO_DB_PREPARED_STATEMENTS=0.
    if env_bool("DJANGO_DB_PREPARED_STATEMENTS", True):
        from portal.postgres_cursor import PortalCursor

        DATABASES["default"]["OPTIONS"].update(
            server_side_binding=True, cursor_factory=PortalCursor, prepare_threshold=1
        )

# The cache: one Redis shared by every web process and container (DJANGO_CACHE_URL=
# redis://host:6379/0), or else a per-process memory cache (one process: development, tests).
# Nothing the portal shows depends on it being reachable: an answer slower than
# DJANGO_CACHE_TIMEOUT_MS, or an error, counts as "not in the cache" (django-redis ignores it
# and logs it), and whether a cached page is still true is decided by the database
# (portal/page_cache.py).
CACHE_URL = env_str("DJANGO_CACHE_URL", "")
CACHE_IS_SHARED = CACHE_URL.startswith(("redis://", "rediss://", "unix://"))
if CACHE_IS_SHARED:
    _cache_timeout = int(env_str("DJANGO_CACHE_TIMEOUT_MS", "50")) / 1000
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "portal",
            "TIMEOUT": 3600,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": _cache_timeout,
                "SOCKET_TIMEOUT": _cache_timeout,
                "IGNORE_EXCEPTIONS": True,
                # Pages are 10–60 KB of HTML, about a fifth of that deflated.
                "COMPRESSOR": "portal.cache_compression.FastZlibCompressor",
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "portal.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": 3600}}

# How many worker processes serve the portal: gunicorn.conf.py says (1 for runserver, tests).
SERVER_PROCESSES = int(env_str("PORTAL_SERVER_PROCESSES", "1"))

# `make bench` only: serves the trivial yardstick view at /bench/trivial (devtools/yardstick.py).
BENCH_ENABLED = env_bool("DJANGO_BENCH", False)
# Developer tooling (synthetic data, the benchmark's yardstick) exists only in development and
# in the benchmark's server; a deployment has neither the app nor its commands (nor, in the
# Docker image, its code: .dockerignore).
if (DEBUG or BENCH_ENABLED) and importlib.util.find_spec("devtools") is not None:
    INSTALLED_APPS.append("devtools")

# Whole public pages cached per generation of published content (portal/page_cache.py), and
# how much of them each process keeps in its own memory (megabytes).
PUBLIC_PAGE_CACHE = env_bool("DJANGO_PUBLIC_PAGE_CACHE", True)
PUBLIC_PAGE_CACHE_MEMORY = int(env_str("DJANGO_PUBLIC_PAGE_CACHE_MEMORY_MB", "32")) * 1024 * 1024

AUTH_USER_MODEL = "accounts.User"
# A name and address that must wait are refused before this is asked (PortalAdminSite.login).
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Русский")), ("en", _("English"))]
# locale/: the portal's own catalogs (makemessages); locale_thirdparty/: Russian for
# django-simple-history, which ships only ru_RU.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_thirdparty"]
# The reader's choice of language (portal/language.py) outlives the browser's session.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Krasnoyarsk"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Files the portal makes (the yearly compendiums): a named volume in compose.
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# The compendium of a year is rebuilt this many seconds after the last publication in it
# (compendium/schedule.py), and a build that has not finished after COMPENDIUM_BUILD_TIMEOUT
# seconds is taken for dead (its lease on the year expires).
COMPENDIUM_DEBOUNCE_SECONDS = int(env_str("COMPENDIUM_DEBOUNCE_SECONDS", "300"))
COMPENDIUM_BUILD_TIMEOUT = int(env_str("COMPENDIUM_BUILD_TIMEOUT", "1800"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "admin:login"

# --- Login throttling (accounts/throttle.py) ------------------------------------------
# Failures are counted in the database, so all gunicorn workers and all web containers share
# them, per pair (name typed, client address): after LOGIN_FAILURE_LIMIT failures the pair waits
# LOGIN_DELAY, doubled with each further failure up to LOGIN_MAX_DELAY. An address failing
# LOGIN_ADDRESS_FAILURE_LIMIT times in an hour, whatever the names, waits the same way. No
# stranger can keep an account's owner out: other addresses are never affected.
LOGIN_FAILURE_LIMIT = int(env_str("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(env_str("DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
LOGIN_DELAY = timedelta(minutes=int(env_str("DJANGO_LOGIN_DELAY_MINUTES", "1")))
LOGIN_MAX_DELAY = timedelta(minutes=int(env_str("DJANGO_LOGIN_MAX_DELAY_MINUTES", "60")))
# Behind nginx or a load balancer the client address is in X-Forwarded-For; trust it only
# when told how many proxies stand in front (otherwise anyone could forge the header): the
# entry that many places from its right end is the client (accounts/throttle.client_address).
TRUSTED_PROXY_COUNT = int(env_str("DJANGO_TRUSTED_PROXY_COUNT", "0"))

# A second factor (an authenticator app's code) for association editors and administrators,
# asked once per session after the password (accounts/mfa.py); city editors may turn it on.
MFA_REQUIRED = env_bool("DJANGO_MFA_REQUIRED", True)
OTP_TOTP_ISSUER = "Портал отчётов АСДГ"

# Password reset links are valid for a day. Requests per hour: from one client address (then a
# 429 page), and mails to one e-mail (then no more mail); sent after the answer (accounts/password_reset.py).
PASSWORD_RESET_TIMEOUT = 24 * 3600
PASSWORD_RESET_LIMIT_PER_ADDRESS = int(env_str("DJANGO_PASSWORD_RESET_LIMIT_PER_ADDRESS", "5"))
PASSWORD_RESET_LIMIT_PER_EMAIL = int(env_str("DJANGO_PASSWORD_RESET_LIMIT_PER_EMAIL", "3"))
PASSWORD_RESET_IN_BACKGROUND = True

# --- Content-Security-Policy (django-csp) ---------------------------------------------
# Everything from our own origin; no inline scripts or styles anywhere we control, no
# frames, no plugins. The browsable API's inline style attributes get 'unsafe-inline'
# for styles only (portal/csp.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Database outage -------------------------------------------------------------------
# Seconds a request may wait for a database that stopped answering before its connection is
# cut and the visitor gets the 503 page (portal/db_watchdog.py; 0 turns the watchdog off).
DB_REQUEST_TIMEOUT = float(env_str("DJANGO_DB_REQUEST_TIMEOUT", "3"))
# Seconds a client is told to wait (Retry-After) on the 503 page shown while the
# database is unreachable (portal/errors.py).
DATABASE_RETRY_AFTER = int(env_str("DJANGO_DB_RETRY_AFTER", "30"))

# E-mail: console in development, SMTP (from the environment) in production.
EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(env_str("DJANGO_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Absolute address of the portal, used in e-mails ("open the report: …") and in the public pages'
# sharing tags (og:url, og:image: reports/public/sharing.py).
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Job queue (portal/celery.py) ---------------------------------------------------------
# Redis as Celery's broker, e.g. redis://redis:6379/1. Empty: every task runs in-process at once
# (`make run`, the tests), so the portal needs nothing else running.
CELERY_TASK_ALWAYS_EAGER = not env_str("CELERY_BROKER_URL", "")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "") or "memory://localhost/"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the task for another
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Reminders and the moderators' digest once a day in the morning (the Association's time), the
# approved reports of a common publication date just after its midnight, lost letters every 10 minutes.
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {"task": "campaigns.tasks.send_reminders", "schedule": crontab(hour=9, minute=0)},
    "publish-on-publication-date": {"task": "campaigns.tasks.publish_due", "schedule": crontab(hour=0, minute=5)},
    "retry-pending-emails": {"task": "outbox.tasks.retry_pending_emails", "schedule": 600.0},
    "rebuild-pending-compendiums": {"task": "compendium.tasks.rebuild_pending", "schedule": 600.0},
}
# Days before the deadline on which cities that have not submitted are reminded.
CAMPAIGN_REMINDER_DAYS = tuple(int(d) for d in env_str("CAMPAIGN_REMINDER_DAYS", "14,3,1").split(",") if d.strip())
# Days after a return without any action before the city is reminded of the moderator's comment.
CAMPAIGN_RETURNED_REMINDER_DAYS = int(env_str("CAMPAIGN_RETURNED_REMINDER_DAYS", "7"))
# Days a report may wait for review before it is in the moderators' daily digest.
CAMPAIGN_REVIEW_WAIT_DAYS = int(env_str("CAMPAIGN_REVIEW_WAIT_DAYS", "5"))

# simple-history's revert is scoped by the portal's own admin (reports/admin/history.py:
# who may revert what, and the same version check as a save); its settings stay at their defaults.

# Back-office sessions end after a working day of inactivity.
SESSION_COOKIE_AGE = int(env_str("DJANGO_SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_SAVE_EVERY_REQUEST = True
# ...and, however active, 12 hours after the login (accounts/sessions.py).
SESSION_ABSOLUTE_AGE = int(env_str("DJANGO_SESSION_ABSOLUTE_AGE", str(12 * 3600)))
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Upload limits (the importer's upload form has its own, stricter limit).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env_str("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    SECURE_REFERRER_POLICY = "same-origin"
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

# Logs go to stdout, one JSON object per line (DJANGO_LOG_FORMAT=plain for humans);
# the container runtime or journald collects them.
LOG_FORMAT = env_str("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "portal.logging.JsonFormatter"},
    },
    "filters": {"once_in_a_while": {"()": "portal.logging.OnceInAWhile", "seconds": 10}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT if LOG_FORMAT in ("plain", "json") else "json",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # One line per request comes from portal.request; Django's own would repeat 4xx lines.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # A cache outage is one line per process every few seconds, not one per request.
        "portal.cache": {"filters": ["once_in_a_while"]},
    },
}

# Open data API (reports/api): read-only, anonymous, JSON first (Cyrillic as UTF-8, not \u escapes).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # Public data: no sessions, no tokens (so no CSRF either); the API has no unsafe methods.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNICODE_JSON": True,
    "URL_FORMAT_OVERRIDE": "format",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Открытые данные: отчёты городов АСДГ",
    "DESCRIPTION": (
        "Опубликованные отчёты городов Ассоциации сибирских и дальневосточных городов "
        "о взаимодействии с общественностью: достижения, проблемы, задачи на следующий год "
        "и запросы к Ассоциации. Только чтение, без регистрации. "
        "Тексты и данные опубликованных отчётов — под лицензией CC BY 4.0: их можно свободно "
        "использовать, указав источник — портал отчётов АСДГ."
    ),
    # The licence of the texts and data (reports/public/sharing.py; each answer's Link header names it too).
    "LICENSE": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "VERSION": "1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "ENUM_NAME_OVERRIDES": {"ProposalKindEnum": "reports.models.ProposalKind"},
}
