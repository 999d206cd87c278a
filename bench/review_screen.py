#!/usr/bin/env python
"""
Server time of the review screen, against a trivial admin page, on
PostgreSQL with the demo content. See bench/review_screen.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dossier_bench_review .venv/bin/python bench/review_screen.py

Steps: create the database if needed (its name must contain "bench": this
script writes the demo accounts and records there), migrate it, load the
demo content (``manage.py load_demo``, idempotent), then, with DEBUG off and
Django's test client logged in as a demo reviewer, request each page in
turn (interleaved, so that a slowdown of the machine hits every page alike)
and print the median and 90th percentile of the time the whole request took
in Django (middleware, view, queries, templates), the number of SQL queries,
and each page's ratio to the trivial admin page. Target: review screen
median under 500 ms.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.database import bench_database_url, ensure_database  # noqa: E402 (run as a script: the project goes on sys.path first)

TARGET_MS = 500


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=60, help="measured requests per page (default 60)")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests per page first (default 5)")
    parser.add_argument("--regenerate", action="store_true", help="drop and recreate the bench database first")
    return parser.parse_args()


def setup_django():
    # Production settings with DEBUG off, plus what the test client needs
    # (plain static storage, no HTTPS redirect, "testserver" allowed).
    os.environ["DEBUG"] = ""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()


def _expect_ok(response, url):
    # A benchmark of an error page would measure the wrong thing.
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")


def load_demo():
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    # DEBUG is off: load_demo wants --force (this is a bench database).
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", force=True, stdout=quiet)


def pages():
    """(label, url) of each measured page, and the reviewer to log in as."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from incidents.demo.loader import find_demo_record
    from incidents.models import Status

    seed = find_demo_record("seed-dprk-it-workers")
    version = seed.open_version() or seed.live_version
    in_review = find_demo_record("air-canada-chatbot").versions.get(status=Status.IN_REVIEW)
    reviewer = get_user_model().objects.get(username="reviewer2")

    def review(v):
        return reverse("admin:incidents_recordversion_review", args=[v.pk])

    def preview(v, lang):
        return reverse("admin:incidents_recordversion_preview", args=[v.pk, lang])

    return reviewer, [
        ("trivial admin page (/admin/incidents/)", reverse("admin:app_list", args=["incidents"])),
        (f"review screen, {version} (seed record)", review(version)),
        ("  its English preview frame", preview(version, "en")),
        ("  its French preview frame", preview(version, "fr")),
        (f"review screen, {in_review} (revision in review)", review(in_review)),
        ("admin home with the work queues", reverse("admin:index")),
    ]


def measure(client, urls, requests, warmup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = {url: [] for url in urls}
    queries = {}
    for url in urls:
        for _ in range(warmup):
            _expect_ok(client.get(url), url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries[url] = len(captured)
    for _ in range(requests):
        for url in urls:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - start
            _expect_ok(response, url)
            times[url].append(elapsed * 1000)
    return times, queries


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    args = parse_args()
    _url, parts, name = bench_database_url("bench/review_screen.py", "dossier_bench_review", "demo data")
    ensure_database(parts, name, args.regenerate)
    setup_django()
    load_demo()

    from django.db import connection
    from django.test import Client

    reviewer, labelled = pages()
    client = Client()
    client.force_login(reviewer)
    urls = [url for _label, url in labelled]
    times, queries = measure(client, urls, args.requests, args.warmup)

    base = statistics.median(times[urls[0]])
    print(
        f"PostgreSQL {connection.pg_version // 10000}, database {name}; {args.requests} requests per page, "
        f"logged in as {reviewer.username}, DEBUG off."
    )
    print(f"{'page':58} {'median':>9} {'p90':>9} {'queries':>8} {'ratio':>7}")
    for label, url in labelled:
        median = statistics.median(times[url])
        print(
            f"{label:58} {median:7.1f}ms {percentile(times[url], 0.9):7.1f}ms {queries[url]:8d} {median / base:6.1f}x"
        )
    review = statistics.median(times[urls[1]])
    with_frames = review + statistics.median(times[urls[2]]) + statistics.median(times[urls[3]])
    print(f"Review screen with both preview frames (sum of medians): {with_frames:.1f} ms.")
    verdict = "within" if review < TARGET_MS else "OVER"
    print(f"Review screen median {review:.1f} ms: {verdict} the {TARGET_MS} ms target.")
    return 0 if review < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
