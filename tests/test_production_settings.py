"""
The production profile's settings (README.md, "Production"): the database
and its connection pool from the environment (config/database.py), the
gunicorn configuration (config/gunicorn.py), and sessions and the cache key
prefix with REDIS_URL (config/settings.py).
"""

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.utils import ConnectionHandler

from config.database import CONNECT_TIMEOUT, default_database

BASE_DIR = Path(__file__).resolve().parent.parent
POSTGRES = {"DATABASE_URL": "postgres://dossier@db.internal:5432/dossier"}


def test_without_the_pool_connections_are_kept_for_conn_max_age():
    database = default_database(POSTGRES, "unused.sqlite3")
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"] == {"connect_timeout": CONNECT_TIMEOUT, "options": "-c jit=off"}
    assert default_database({**POSTGRES, "CONN_MAX_AGE": "600"}, "x")["CONN_MAX_AGE"] == 600


@pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT compilation is PostgreSQL's")
def test_the_sites_connections_never_compile_statements_just_in_time(db):
    """A page's statement costly enough in PostgreSQL's estimate was compiled
    first: 550 of the sitemap's 840 ms at 100,000 records."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_sqlite_is_the_default_database():
    database = default_database({}, "/srv/dossier/db.sqlite3")
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == "/srv/dossier/db.sqlite3"
    assert "OPTIONS" not in database or "pool" not in database["OPTIONS"]


def test_the_pool_has_one_connection_per_gunicorn_thread_and_no_persistent_connections():
    database = default_database({**POSTGRES, "DATABASE_POOL": "1"}, "x")
    assert database["CONN_MAX_AGE"] == 0
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 4, "timeout": 5.0}
    assert database["OPTIONS"]["connect_timeout"] == CONNECT_TIMEOUT
    threads = default_database({**POSTGRES, "DATABASE_POOL": "on", "GUNICORN_THREADS": "8"}, "x")
    assert threads["OPTIONS"]["pool"]["max_size"] == 8


def test_the_pool_is_sized_by_its_variables():
    environ = {
        **POSTGRES,
        "DATABASE_POOL": "true",
        "DATABASE_POOL_MIN_SIZE": "1",
        "DATABASE_POOL_MAX_SIZE": "10",
        "DATABASE_POOL_TIMEOUT": "2.5",
        "CONN_MAX_AGE": "0",
    }
    assert default_database(environ, "x")["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 10, "timeout": 2.5}
    # A pool of one connection: the minimum follows it down.
    small = default_database({**POSTGRES, "DATABASE_POOL": "1", "DATABASE_POOL_MAX_SIZE": "1"}, "x")
    assert small["OPTIONS"]["pool"]["min_size"] == 1


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"CONN_MAX_AGE": "60"}, "CONN_MAX_AGE"),
        ({"DATABASE_POOL_MAX_SIZE": "0"}, "DATABASE_POOL_MAX_SIZE"),
        ({"DATABASE_POOL_MAX_SIZE": "four"}, "DATABASE_POOL_MAX_SIZE"),
        ({"DATABASE_POOL_MIN_SIZE": "5", "DATABASE_POOL_MAX_SIZE": "4"}, "DATABASE_POOL_MIN_SIZE"),
        ({"DATABASE_POOL_TIMEOUT": "0"}, "DATABASE_POOL_TIMEOUT"),
        ({"DATABASE_URL": "sqlite:///x.sqlite3"}, "PostgreSQL"),
    ],
)
def test_a_pool_setting_that_cannot_work_is_refused_at_start_up_naming_it(environ, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        default_database({**POSTGRES, "DATABASE_POOL": "1", **environ}, "x")


def test_django_builds_the_pool_from_these_options_without_connecting():
    # Django's own PostgreSQL backend takes the options: psycopg_pool is
    # installed, the sizes and the timeout reach it, and it tests a
    # connection before lending it (CONN_HEALTH_CHECKS).
    from django.db.backends.postgresql.base import DatabaseWrapper
    from psycopg_pool import ConnectionPool

    environ = {**POSTGRES, "DATABASE_POOL": "1", "DATABASE_POOL_MAX_SIZE": "6", "DATABASE_POOL_TIMEOUT": "3"}
    handler = ConnectionHandler({"default": default_database(environ, "x")})
    # Its own alias: Django keeps pools by alias, for the whole process.
    wrapper = DatabaseWrapper(handler.settings["default"], alias="pooled")
    try:
        pool = wrapper.pool
        assert (pool.min_size, pool.max_size, pool.timeout) == (2, 6, 3.0)
        assert pool._check == ConnectionPool.check_connection
        assert pool.closed  # nothing opened yet: Django opens it on first use
    finally:
        DatabaseWrapper._connection_pools.pop("pooled", None)


def test_gunicorn_runs_threaded_workers_sized_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "6")
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9000")
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    config = runpy.run_path(str(BASE_DIR / "config" / "gunicorn.py"))
    assert config["wsgi_app"] == "config.wsgi:application"
    assert config["worker_class"] == "gthread"
    assert (config["workers"], config["threads"]) == (3, 6)
    assert config["bind"] == ["127.0.0.1:9000"]
    assert config["forwarded_allow_ips"] == "127.0.0.1"
    # Longer than a balancer's idle timeout; a request may take its timeout,
    # and a graceful stop waits for requests as long.
    assert config["keepalive"] > 60
    assert config["graceful_timeout"] >= config["timeout"] == 30
    assert config["control_socket_disable"] is True


def _settings_with(environ):
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps({'session': settings.SESSION_ENGINE, 'cache': settings.CACHES['default'], "
        "'static': str(settings.STATIC_ROOT)}))"
    )
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "REDIS_KEY_PREFIX"}}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", **environ}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_with_redis_sessions_and_the_cache_are_shared_under_the_sites_prefix():
    shared = _settings_with(
        {"REDIS_URL": "redis://127.0.0.1:6379/3", "REDIS_KEY_PREFIX": "site-a", "STATIC_ROOT": "/srv/static"}
    )
    assert shared["session"] == "django.contrib.sessions.backends.cached_db"
    # Django's Redis cache with one client per connection pool (core/cache.py).
    assert shared["cache"]["BACKEND"] == "core.cache.RedisCache"
    assert shared["cache"]["KEY_PREFIX"] == "site-a"
    assert shared["static"] == "/srv/static"
    alone = _settings_with({})
    assert alone["session"] == "django.contrib.sessions.backends.db"
    assert alone["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
