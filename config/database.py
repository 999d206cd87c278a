"""
The default database, from the environment (README.md, "Configuration" and
"Production"): ``DATABASE_URL``, ``CONN_MAX_AGE`` and the connection pool.

With ``DATABASE_POOL=1`` (PostgreSQL only) each app process keeps a pool of
connections (psycopg_pool, through Django's ``OPTIONS["pool"]``): a thread
borrows one for a request and gives it back at the end, so a gthread worker
of N threads needs at most N, and a request never waits for a connection to
be opened. Django refuses persistent connections beside a pool, so
``CONN_MAX_AGE`` is 0 there; the pool tests a connection before lending it
(``CONN_HEALTH_CHECKS``), so a database restart costs no request once it is
back. ``DATABASE_POOL_TIMEOUT`` bounds the wait for a connection, so a
database that is down still answers the 503 page in seconds.

Kept apart from ``config/settings.py`` so that tests can build the settings
from any environment (``tests/test_production_settings.py``).
"""

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# Seconds to open a connection to an unreachable host before giving up (the
# 503 page; README.md, "When the database is down"), rather than the
# system's TCP timeout of minutes.
CONNECT_TIMEOUT = 5


def _flag(environ, name):
    return environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _number(environ, name, default, kind=int, minimum=0):
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise ImproperlyConfigured(f"{name} must be a number of at least {minimum}, not {text!r}")
    return value


def pool_options(environ):
    """The ``OPTIONS["pool"]`` of a pooled PostgreSQL database: psycopg_pool's
    ``min_size``, ``max_size`` and ``timeout`` (seconds to wait for a free
    connection), from ``DATABASE_POOL_MIN_SIZE``, ``DATABASE_POOL_MAX_SIZE``
    (by default ``GUNICORN_THREADS``, else 4: one per thread of a worker) and
    ``DATABASE_POOL_TIMEOUT``."""
    threads = _number(environ, "GUNICORN_THREADS", 4, minimum=1)
    max_size = _number(environ, "DATABASE_POOL_MAX_SIZE", threads, minimum=1)
    min_size = _number(environ, "DATABASE_POOL_MIN_SIZE", min(2, max_size))
    if min_size > max_size:
        raise ImproperlyConfigured(
            f"DATABASE_POOL_MIN_SIZE ({min_size}) must not exceed DATABASE_POOL_MAX_SIZE ({max_size})"
        )
    timeout = _number(environ, "DATABASE_POOL_TIMEOUT", 5.0, kind=float, minimum=0.1)
    return {"min_size": min_size, "max_size": max_size, "timeout": timeout}


def default_database(environ, sqlite_path):
    """``DATABASES["default"]`` for this environment."""
    url = environ.get("DATABASE_URL") or f"sqlite:///{sqlite_path}"
    pooled = _flag(environ, "DATABASE_POOL")
    if pooled:
        if _number(environ, "CONN_MAX_AGE", 0):
            raise ImproperlyConfigured(
                "CONN_MAX_AGE must be 0 or unset with DATABASE_POOL: the pool keeps the connections"
            )
        conn_max_age = 0
    else:
        conn_max_age = _number(environ, "CONN_MAX_AGE", 60)
    database = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {}).setdefault("connect_timeout", CONNECT_TIMEOUT)
        # No JIT compilation: PostgreSQL compiles a statement whose estimated
        # cost passes jit_above_cost, which pays off for analytics minutes
        # long, never for a page. At 100,000 records the sitemap's entities
        # took 840 ms, 550 of them compiling (bench/README.md).
        database["OPTIONS"].setdefault("options", "-c jit=off")
        if pooled:
            database["OPTIONS"]["pool"] = pool_options(environ)
    elif pooled:
        raise ImproperlyConfigured("DATABASE_POOL needs PostgreSQL (a postgres:// DATABASE_URL)")
    return database
