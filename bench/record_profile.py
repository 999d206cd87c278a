#!/usr/bin/env python
"""
One cold record page (or API answer) in-process: CPU time, wall time and
queries, with nothing of it cached. See bench/README.md, "Record page cache".

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dossier_bench_cache .venv/bin/python bench/record_profile.py
    ... bench/record_profile.py --profile 40      # cProfile, the 40 costliest functions
    ... bench/record_profile.py --api

It reads the database bench/record_cache.py generates (run that first) and
the Redis cache it uses (REDIS_URL, database 3 by default). For each of
--requests records, in turn: its pages, answers and renderings are deleted
from the cache (``record_cache.forget``), then one page is requested through
Django's test client (bench.settings: production, DEBUG off) and timed.
CPU time in this process (``time.process_time``) is the figure to compare
between two versions of the code on a shared machine: it leaves out what
PostgreSQL and other processes spend, and most of the machine's load.
"""

import argparse
import cProfile
import os
import pstats
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.database import bench_database_url  # noqa: E402 (run as a script: the project goes on sys.path first)
from bench.record_cache import DEFAULT_REDIS_URL, forget  # noqa: E402
from bench.run import setup_django  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="cold requests to time (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="cold requests first, not timed (default 20)")
    parser.add_argument("--api", action="store_true", help="the API's answer about one record, not the page")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="profile, and print the N costliest")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def main():
    args = parse_args()
    bench_database_url("bench/record_profile.py", "dossier_bench_cache", "test data")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ.setdefault("DOSSIER_API_RATE", "1000000/s")
    os.environ.pop("DEBUG", None)
    setup_django()
    from django.db import connection
    from django.test import Client

    from incidents.models import Record

    rng = random.Random(args.seed)
    public_ids = list(Record.objects.published().values_list("public_id", flat=True))
    client = Client(HTTP_HOST="127.0.0.1")

    def path(public_id):
        if args.api:
            return f"/api/v1/records/{public_id}/"
        return f"/{rng.choice(['en', 'fr'])}/incidents/{public_id}/"

    def one(public_id, profiler=None, counted=None):
        forget(public_id)
        url = path(public_id)
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler is not None:
            profiler.enable()
        if counted is not None:
            with connection.execute_wrapper(lambda execute, sql, *rest: counted.append(sql) or execute(sql, *rest)):
                response = client.get(url)
        else:
            response = client.get(url)
        if profiler is not None:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        return cpu, wall

    for public_id in rng.sample(public_ids, args.warmup):
        one(public_id)
    # Counted by a wrapper: the test client's request_started signal empties
    # connection.queries.
    queries = []
    one(rng.choice(public_ids), counted=queries)
    profiler = cProfile.Profile() if args.profile else None
    cpus, walls = [], []
    for public_id in rng.sample(public_ids, args.requests):
        cpu, wall = one(public_id, profiler)
        cpus.append(cpu * 1000)
        walls.append(wall * 1000)
    what = "API record" if args.api else "record page"
    print(f"{what}, cold, in-process: {args.requests} requests, {len(queries)} queries each (the first one's)")
    if os.environ.get("SHOW_QUERIES"):
        print("\n".join(sql[:150] for sql in queries))
    print(f"CPU ms:  median {statistics.median(cpus):.2f}  p90 {statistics.quantiles(cpus, n=10)[-1]:.2f}")
    print(f"wall ms: median {statistics.median(walls):.2f}  p90 {statistics.quantiles(walls, n=10)[-1]:.2f}")
    print("load average: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    if profiler is not None:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.profile)
        stats.sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
