"""
Dossier settings, read from the environment.

Variables (see README.md, "Configuration"):
  DEBUG            "1"/"true" for development; off by default.
  SECRET_KEY       required when DEBUG is off.
  ALLOWED_HOSTS    comma-separated host names.
  DATABASE_URL     e.g. postgres://user@host:5432/dossier; defaults to SQLite.
  CSRF_TRUSTED_ORIGINS, REDIS_URL, EMAIL_*, DOSSIER_*: see README.md.
"""

import json
import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.database import default_database

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or list(default)


def env_json(name, default, valid, shape):
    """A JSON value from the environment, or ``default``; refused at start-up,
    naming the variable and the ``shape`` expected, unless ``valid(value)``."""
    text = os.environ.get(name, "")
    if not text.strip():
        return default
    try:
        value = json.loads(text)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be JSON ({error}); expected {shape}") from error
    if not valid(value):
        raise ImproperlyConfigured(f"{name} must be {shape}")
    return value


def _is_licence(value):
    return (
        isinstance(value, dict)
        and all(isinstance(value.get(key), str) and value[key] for key in ("name", "url"))
        and isinstance(value.get("share_alike", False), bool)
    )


def _is_credit(value):
    sources = value.get("sources", []) if isinstance(value, dict) else None
    return (
        _is_licence(value)
        and _is_licence(value.get("licence"))
        and isinstance(sources, list)
        and all(isinstance(prefix, str) and prefix for prefix in sources)
    )


DEBUG = env_bool("DEBUG")

# Required to serve when DEBUG is off: config/wsgi.py and config/asgi.py
# refuse to start without it. Management commands that never sign anything
# (check, makemigrations, migrate) run without it; anything that does sign
# gets Django's own "SECRET_KEY must not be empty" error.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 (DEBUG only; never signs anything real)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "simple_history",
    "django_countries",
    # Login throttling (section "Login throttling" below).
    "axes",
    "core",
    "evidence",
    "taxonomy",
    # Methodology pages, written by publishers in both languages.
    "pages",
    # incidents comes after evidence, taxonomy and pages: its post_migrate
    # handler grants their permissions to the role groups.
    "incidents",
    # The read-only JSON API and the bulk export.
    "api",
    # Importers from other incident databases: drafts through the workflow.
    "imports",
    # Reports from the public and their triage: drafts through the workflow.
    "intake",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # A 503 page while the database is down: outside everything that reads
    # it (sessions, auth), inside the security headers (core/availability.py).
    "core.availability.DatabaseUnavailableMiddleware",
    # A reader revalidating a record page gets its 304 here, before
    # sessions and the rest (incidents/public/revalidation.py).
    "incidents.public.revalidation.AnonymousRevalidationMiddleware",
    # Hostile input to the admin (a NUL byte, a value the database's column
    # types refuse) answers 400, not 500 (core/bad_input.py).
    "core.bad_input.AdminBadInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # An ETag (a hash of the page) on every response, and a 304 to a
    # browser or proxy revalidating a page that has not changed. Below the
    # middleware that redirect or add headers, so it hashes the final page.
    "django.middleware.http.ConditionalGetMiddleware",
    # The JSON API: GET only, CORS, ETags from one stamp (api/http.py).
    "api.http.ApiMiddleware",
    # Public pages answer GET and HEAD (OPTIONS: the Allow header only);
    # above CSRF, so any other method gets 405, not a CSRF page.
    "incidents.public.middleware.ReadOnlyPublicMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records request.user as the author of every history row.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # Template tags of the parts of incidents that are not apps of
            # their own (docs/architecture.md, "Layout").
            "libraries": {
                "browse": "incidents.public.templatetags.browse",
                "record_tags": "incidents.public.templatetags.record_tags",
                "review_tags": "incidents.admin.templatetags.review_tags",
                "editor_tags": "incidents.admin.templatetags.editor_tags",
            },
        },
    },
]

# DATABASE_URL, CONN_MAX_AGE and the connection pool (DATABASE_POOL*): config/database.py.
DATABASES = {"default": default_database(os.environ, BASE_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes' backend first: it refuses a locked-out login before any
# password is checked (section "Login throttling" below).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Where a login lands when its "next" is missing or unsafe (another host,
# javascript:, //host): the admin's home, not Django's /accounts/profile/.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "dossier",
    }
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        # Django's Redis cache, keeping one client per connection pool
        # instead of building one per call (core/cache.py).
        "BACKEND": "core.cache.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        # Several sites (or a check beside the site, scripts/prod-check) may
        # share one Redis database: each under its own prefix.
        "KEY_PREFIX": os.environ.get("REDIS_KEY_PREFIX", ""),
    }
    # Sessions are read from the shared cache and written through to the
    # database: any app server reads one without a query, and none is lost
    # (nobody is signed out) if Redis is emptied or restarted.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Languages ---------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Toronto")
FORMAT_MODULE_PATH = ["config.formats"]
USE_THOUSAND_SEPARATOR = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "fr")
# No silent fallback: a missing French text must be shown as English marked
# "not yet translated" (core.i18n), never passed off as French.
MODELTRANSLATION_FALLBACK_LANGUAGES = ()
# The tabbed translation admin would load jQuery UI from a public CDN.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

# History -----------------------------------------------------------------

# "Revert" in the history admin would put old content back without review.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Static files ------------------------------------------------------------

STATIC_URL = "static/"
# Where collectstatic writes, and WhiteNoise serves from, with DEBUG off.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles"
# In development, WhiteNoise serves straight from the source folders.
WHITENOISE_USE_FINDERS = DEBUG
# Files browsers and crawlers ask for at the site's root (/favicon.ico).
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
WHITENOISE_AUTOREFRESH = DEBUG
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

# Security ----------------------------------------------------------------

# A strict policy for every response: no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"

# Request size. The version editor posts one form for the version and all of
# its parts: about 50 fields for the version and 10 for each citation, harm or
# entity, so a version of 150 parts posts about 1,500 fields, beyond Django's
# default limit of 1,000 (the editor would get a 400 and lose the edit). The
# limits stay finite, because parsing a huge form costs memory and time to
# anyone who can post one (the login form included): 10,000 fields leaves room
# for a version of about 1,000 parts, and 10 MB for its text in both languages.
# tests/test_admin_large_records.py holds the first figure to this.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# The language cookie is read by the server only (set_language, LocaleMiddleware).
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# E-mail --------------------------------------------------------------------

# Console by default (messages appear in the server's output); set
# EMAIL_BACKEND=smtp and the EMAIL_* variables to send real mail.
if os.environ.get("EMAIL_BACKEND", "console") == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Dossier <dossier@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Tasks ---------------------------------------------------------------------

# Workflow e-mails are tasks (django.tasks; incidents/publishing/notifications.py).
# TASKS_BACKEND=immediate (the default: development, tests) runs each one in
# the request that enqueued it; TASKS_BACKEND=database (production) queues
# them in the database for `manage.py db_worker` (django-tasks-db), so a
# slow mail server never holds up a request. README.md, "Production".
TASKS_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "").strip() or "immediate"
if TASKS_BACKEND not in TASKS_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(TASKS_BACKENDS)}, not {TASKS_BACKEND!r}")
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[TASKS_BACKEND]}}
# Its table exists whichever backend runs, so switching needs no migration.
INSTALLED_APPS.append("django_tasks_db")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logging.JsonFormatter"}},
    "filters": {"one_line_forbidden": {"()": "core.logging.OneLineForbidden"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # The security log (README.md, "Security"): one JSON object per line,
        # to the console (stderr) unless DOSSIER_SECURITY_LOG names a file.
        "security": (
            {"class": "logging.handlers.WatchedFileHandler", "filename": os.environ["DOSSIER_SECURITY_LOG"]}
            if os.environ.get("DOSSIER_SECURITY_LOG", "console") != "console"
            else {"class": "logging.StreamHandler"}
        )
        | {"formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "dossier.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        # A 403 is an answer, not a crash: one line, no traceback; none at all
        # when the admin has already logged the refusal in the security log.
        "django.request": {"filters": ["one_line_forbidden"]},
        # django-axes says in prose what the security log says once, as JSON.
        "axes": {"level": "ERROR"},
    },
}

# Outages ---------------------------------------------------------------------

# A load balancer probes /healthz over plain HTTP (core/availability.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# An unreachable database host fails a request in seconds (a 503 page), not
# after the system's TCP timeout of minutes: connect_timeout and the pool's
# timeout, in config/database.py.

# Dossier -------------------------------------------------------------------

# The site's address, for links in e-mails (sent outside any request).
DOSSIER_SITE_URL = os.environ.get("DOSSIER_SITE_URL", "http://127.0.0.1:8000")

# Requests per client address to the JSON API (api/http.py): "N/s", "N/min",
# "N/hour" or "N/day". Beyond it: 429 with Retry-After.
DOSSIER_API_RATE = os.environ.get("DOSSIER_API_RATE", "120/min")
# Reports sent through the public form (intake/views.py) per client address,
# in the same notation. Beyond it: 429 with Retry-After, the report kept in the form.
DOSSIER_REPORT_RATE = os.environ.get("DOSSIER_REPORT_RATE", "5/hour")

# The bulk export offered at /en/data/ (api/export.py): where its zip is kept,
# and whether each publication, withdrawal or redaction queues a new one.
DOSSIER_EXPORT_DIR = os.environ.get("DOSSIER_EXPORT_DIR") or str(BASE_DIR / "var" / "exports")
DOSSIER_EXPORT_AUTOMATIC = env_bool("DOSSIER_EXPORT_AUTOMATIC", True)

# Refuse to publish a version whose French text is incomplete.
DOSSIER_REQUIRE_FRENCH_TO_PUBLISH = env_bool("DOSSIER_REQUIRE_FRENCH_TO_PUBLISH")

# The licence of original records (README.md, "Configuration"), as JSON in
# the environment: {"name": ..., "url": ...}.
DOSSIER_CONTENT_LICENCE = env_json(
    "DOSSIER_CONTENT_LICENCE",
    {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    _is_licence,
    '{"name": "...", "url": "..."}',
)

# Data drawn from elsewhere, credited on every record whose published version
# cites a source at one of its "sources" URLs (by default the credit's own
# "url"). A share-alike licence also becomes the licence of such a record
# (incidents/public/licence.py).
DOSSIER_DATA_CREDITS = env_json(
    "DOSSIER_DATA_CREDITS",
    [
        {
            "name": "AI Incident Database",
            "url": "https://incidentdatabase.ai/",
            "licence": {
                "name": "CC BY-SA 4.0",
                "url": "https://creativecommons.org/licenses/by-sa/4.0/",
                "share_alike": True,
            },
            "sources": ["https://incidentdatabase.ai/"],
        }
    ],
    lambda value: isinstance(value, list) and all(_is_credit(credit) for credit in value),
    '[{"name": "...", "url": "...", "licence": {"name": "...", "url": "...", "share_alike": true}, "sources": ["https://..."]}]',
)

# Login throttling (django-axes; README.md, "Security") ------------------------

# A username, or a client address, with this many failed logins within
# DOSSIER_LOGIN_COOLOFF_MINUTES of each other is locked for that long.
AXES_FAILURE_LIMIT = int(os.environ.get("DOSSIER_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DOSSIER_LOGIN_COOLOFF_MINUTES", "15")))
# Either one locks: a username stays locked whatever the address, and an
# address trying many usernames is locked.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Attempts while locked are refused without being counted, so the lock ends
# when it says it will; a success does not clear the address's failures (a
# success on one's own account would otherwise reset an attack from there).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
# The admin's login frame saying why and for how long, in 429
# (incidents/admin/lockout.py, templates/admin/locked_out.html).
AXES_LOCKOUT_CALLABLE = "incidents.admin.lockout.lockout_response"
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, or, behind DOSSIER_TRUSTED_PROXIES
# proxies that each append to X-Forwarded-For, the address the farthest
# trusted proxy saw (core/http.py). 0: the header is ignored.
DOSSIER_TRUSTED_PROXIES = int(os.environ.get("DOSSIER_TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip"
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME.total_seconds() < 60 or DOSSIER_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured(
        "DOSSIER_LOGIN_FAILURE_LIMIT and DOSSIER_LOGIN_COOLOFF_MINUTES must be 1 or more, "
        "DOSSIER_TRUSTED_PROXIES 0 or more"
    )
