#!/usr/bin/env python
"""
The record page with its cache: throughput of a warm page and of a 304
against the bare view, and one cold request's median. See bench/README.md,
"Record page cache".

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dossier_bench_cache .venv/bin/python bench/record_cache.py

Steps: create the bench database if needed (its name must contain "bench"),
migrate it, fill it with --records published records (bench/generate.py)
unless it holds them already, start gunicorn with bench.settings (DEBUG
off, --workers sync workers) and Redis as the cache (REDIS_URL, by default
database 3 of the Redis at 127.0.0.1:6379), then measure, in one run:

- throughput (requests per second, --clients concurrent clients in their own
  processes) of the bare view, of record pages and of the API's answers
  about one record (/api/v1/records/<id>/) already in the cache, and of
  conditional requests of both answered 304, interleaved in rounds so that
  anything else the machine does slows each alike;
- one request at a time, the median of a record page and of an API answer
  with nothing of them cached (the record's pages, answers and texts'
  renderings deleted first), and of the bare view.

Only the keys of the pages measured are deleted: the Redis database may be
shared, and is never flushed.
"""

import argparse
import http.client
import multiprocessing
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.database import bench_database_url, ensure_database  # noqa: E402 (run as a script: the project goes on sys.path first)
from bench.run import free_port, setup_django, start_server, stop_server  # noqa: E402

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/3"
BARE = "/bench/trivial/"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=2000, help="published records to generate (default 2000)")
    parser.add_argument("--pages", type=int, default=300, help="record pages to warm and request (default 300)")
    parser.add_argument("--rounds", type=int, default=6, help="rounds of throughput bursts (default 6)")
    parser.add_argument("--burst", type=float, default=2.0, help="seconds per burst (default 2)")
    parser.add_argument("--clients", type=int, default=2, help="concurrent client processes (default 2)")
    parser.add_argument("--cold", type=int, default=60, help="cold single requests (default 60)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--regenerate", action="store_true", help="drop and recreate the bench database first")
    return parser.parse_args()


def prepare_data(records):
    from django.core.management import call_command

    from bench.generate import check_database_is_for_benchmarks, generate, vacuum
    from incidents.models import Record

    check_database_is_for_benchmarks()
    call_command("migrate", verbosity=0)
    existing = Record.objects.count()
    if existing == 0:
        started = time.perf_counter()
        generate(records=records, log=lambda *args: None)
        vacuum()
        print(f"generated {records} records in {time.perf_counter() - started:.0f} s")
    elif existing < records:
        sys.exit(f"The bench database holds {existing} records, fewer than {records}: run again with --regenerate.")
    return list(Record.objects.published().values_list("public_id", flat=True))


def forget(public_id):
    """Delete every cached thing a record's page is made of: its pages and
    its versions' renderings."""
    from django.conf import settings
    from django.core.cache import cache

    from incidents.models import Record
    from incidents.public.page_cache import page_keys
    from incidents.public.record_page import render_cache_key

    record = Record.objects.select_related("live_version").get(public_id=public_id)
    keys = page_keys(record.public_id, record.live_version.number)  # its pages and API answers
    for version in record.versions.all():
        keys += [render_cache_key(version, lang) for lang, _name in settings.LANGUAGES]
    cache.delete_many(keys)


class Client:
    """One HTTP connection (reopened when the server closes it, as sync
    workers do after each response)."""

    def __init__(self, port):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path, headers=None):
        self.connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = self.connection.getresponse()
        body = response.read()
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, response.getheader("ETag"), body

    def timed(self, path, headers=None, expect=200):
        started = time.perf_counter()
        status, _tag, body = self.get(path, headers)
        elapsed = time.perf_counter() - started
        if status != expect:
            raise SystemExit(f"GET {path} answered {status}, not {expect}:\n{body[:300].decode(errors='replace')}")
        return elapsed


def _burst(port, requests, seconds, expect, seed, results):
    """A client process: request ``requests`` (path, headers) at random for
    ``seconds``; put how many it completed."""
    rng = random.Random(seed)
    client = Client(port)
    done, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        path, headers = rng.choice(requests)
        client.timed(path, headers, expect)
        done += 1
    results.put(done)


def throughput(port, requests, seconds, expect, clients, seed):
    """Requests per second answered to ``clients`` concurrent processes."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [
        context.Process(target=_burst, args=(port, requests, seconds, expect, seed + n, results))
        for n in range(clients)
    ]
    started = time.perf_counter()
    for process in processes:
        process.start()
    total = sum(results.get() for _ in processes)
    for process in processes:
        process.join()
    return total / (time.perf_counter() - started)


def main():
    args = parse_args()
    _url, parts, name = bench_database_url("bench/record_cache.py", "dossier_bench_cache", "test data")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    # One client address sends every request: the API's rate limit must not
    # refuse them. It is still counted (two cache calls per API request).
    os.environ.setdefault("DOSSIER_API_RATE", "1000000/s")
    os.environ.pop("DEBUG", None)
    ensure_database(parts, name, args.regenerate)
    setup_django()
    from django.conf import settings
    from django.db import connections

    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        sys.exit("The bench needs the Redis cache (REDIS_URL).")
    public_ids = prepare_data(args.records)
    rng = random.Random(12)
    chosen = rng.sample(public_ids, min(args.pages, len(public_ids)))
    pages = [f"/{lang}/incidents/{public_id}/" for public_id in chosen for lang in ("en", "fr")]
    answers = [f"/api/v1/records/{public_id}/" for public_id in chosen]
    for public_id in chosen:
        forget(public_id)  # rendered afresh below by this run's code
    connections.close_all()

    port = free_port()
    server = start_server(port, args.workers)
    try:
        client = Client(port)
        # Warm every page, and keep its ETag for the conditional requests.
        tags = {}
        for path in pages + answers:
            client.timed(path)
            _status, tag, _body = client.get(path)
            tags[path] = tag
        rates = {name: [] for name in ("bare view", *THROUGHPUTS)}
        requests = {
            "record page, cached": [(path, None) for path in pages],
            "record page, 304": [(path, {"If-None-Match": tags[path]}) for path in pages],
            "API record, cached": [(path, None) for path in answers],
            "API record, 304": [(path, {"If-None-Match": tags[path]}) for path in answers],
        }
        for round_number in range(args.rounds):
            seed = 1000 * round_number
            rates["bare view"].append(throughput(port, [(BARE, None)], args.burst, 200, args.clients, seed))
            for name, (expect, _target) in THROUGHPUTS.items():
                rates[name].append(throughput(port, requests[name], args.burst, expect, args.clients, seed))

        # One request at a time, nothing of the page or answer cached.
        single = {"bare view": [], "record page, cold": [], "API record, cold": []}
        for public_id in rng.sample(public_ids, min(args.cold, len(public_ids))):
            forget(public_id)
            connections.close_all()
            single["bare view"].append(client.timed(BARE))
            single["record page, cold"].append(client.timed(f"/{rng.choice(['en', 'fr'])}/incidents/{public_id}/"))
            forget(public_id)
            connections.close_all()
            single["API record, cold"].append(client.timed(f"/api/v1/records/{public_id}/"))
    finally:
        stop_server(server)
    report(args, len(public_ids), rates, single)


# Measured in throughput: (the status expected, the target as a ratio to the bare view).
THROUGHPUTS = {
    "record page, cached": (200, 0.5),
    "record page, 304": (304, None),
    "API record, cached": (200, 0.5),
    "API record, 304": (304, None),
}
# One request at a time: the target median, in ms.
COLD_TARGET_MS = 8


def report(args, records, rates, single):
    print()
    print(
        f"Record page cache: {records} published records, PostgreSQL, Redis, gunicorn ({args.workers} sync workers), "
        f"DEBUG off, {args.clients} concurrent clients, {args.rounds} rounds of {args.burst:g} s"
    )
    baseline = statistics.median(rates["bare view"])
    print(f"{'what':<24}{'requests/s':>12}{'× bare view':>13}  target")
    for name, values in rates.items():
        rate = statistics.median(values)
        target = THROUGHPUTS.get(name, (None, None))[1]
        verdict = "" if target is None else f"  >= {target:.2f}: {'met' if rate / baseline >= target else 'NOT met'}"
        print(f"{name:<24}{rate:>12.0f}{rate / baseline:>13.2f}{verdict}")
    print()
    print("One request at a time:")
    print(f"{'what':<24}{'requests':>9}{'median ms':>11}{'p90 ms':>9}  target")
    for name, values in single.items():
        median = statistics.median(values) * 1000
        p90 = statistics.quantiles(values, n=10)[-1]
        verdict = (
            ""
            if name == "bare view"
            else f"  <= {COLD_TARGET_MS} ms: {'met' if median <= COLD_TARGET_MS else 'NOT met'}"
        )
        print(f"{name:<24}{len(values):>9}{median:>11.1f}{p90 * 1000:>9.1f}{verdict}")
    print()
    print("Throughputs are medians over the rounds; ratios compare figures measured in this run on this machine.")


if __name__ == "__main__":
    main()
