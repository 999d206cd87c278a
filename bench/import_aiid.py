#!/usr/bin/env python
"""
How long ``import_records --format aiid`` takes to import the whole AI
Incident Database snapshot (1,367 incidents) into a fresh PostgreSQL
database, and then to find every row again (the idempotent second run).
See bench/README.md, "Import".

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dossier_bench_imports .venv/bin/python bench/import_aiid.py

Steps: drop and create the database (its name must contain "bench"),
migrate it (which creates the role groups), create one editor, then run the
command as that editor, with the MIT classifications, timing it with the
wall clock, once to create the drafts and once more to find them all
unchanged. Target: the first run in 60 s or less.
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.database import bench_database_url, ensure_database  # noqa: E402 (run as a script: the project goes on sys.path first)

TARGET_S = 60
DATA = BASE_DIR.parent / "shared" / "data"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", default=str(DATA / "aiid_incidents_snapshot.csv"))
    parser.add_argument("--classifications", default=str(DATA / "aiid_classifications_MIT.csv"))
    return parser.parse_args()


def setup_django():
    os.environ["DEBUG"] = ""
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import logging

    import django

    django.setup()
    # One security-log line per created draft would time the terminal.
    logging.getLogger("dossier.security").disabled = True


def run_import(args, username):
    from django.core.management import call_command

    out = io.StringIO()
    start = time.perf_counter()
    call_command(
        "import_records",
        args.incidents,
        "--format",
        "aiid",
        "--classifications",
        args.classifications,
        "--as",
        username,
        stdout=out,
    )
    elapsed = time.perf_counter() - start
    summary = next(line for line in out.getvalue().splitlines() if " rows: " in line)
    return elapsed, summary


def main():
    args = parse_args()
    _url, parts, name = bench_database_url("bench/import_aiid.py", "dossier_bench_imports", "imported records")
    ensure_database(parts, name, regenerate=True)
    setup_django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    editor = get_user_model().objects.create_user("bench-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))

    first, first_summary = run_import(args, editor.username)
    second, second_summary = run_import(args, editor.username)
    print(f"PostgreSQL {connection.pg_version // 10000}, database {name}, DEBUG off.")
    print(f"first run  {first:6.1f} s  {first_summary}")
    print(f"second run {second:6.1f} s  {second_summary}")
    verdict = "within" if first <= TARGET_S else "OVER"
    print(f"First run {first:.1f} s: {verdict} the {TARGET_S} s target.")
    return 0 if first <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
