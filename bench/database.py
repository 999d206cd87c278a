"""The bench database: only PostgreSQL, and only a database named for benchmarks.

Benchmark scripts write straight into their database (generated records,
demo content); refusing any name without "bench" keeps them away from a
real one.
"""

import os
import sys
from urllib.parse import urlsplit


def bench_database_url(script, example_name, what):
    """(url, parts, name) of DATABASE_URL, or exit with an explanation."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql", "pgsql") or "bench" not in name:
        sys.exit(
            f"{script} needs DATABASE_URL pointing at a PostgreSQL database whose name contains "
            f"'bench', e.g. postgres://postgres@127.0.0.1:5432/{example_name} (it writes {what} there)."
        )
    return url, parts, name


def ensure_database(parts, name, regenerate=False):
    """Create the database if it does not exist; drop it first if asked."""
    import psycopg
    from psycopg import sql

    # Connect to the maintenance database to create or drop the bench one.
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and regenerate:
            print(f"dropping database {name}")
            connection.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            print(f"creating database {name}")
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
