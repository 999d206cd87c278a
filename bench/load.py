#!/usr/bin/env python
"""
A bounded load run: many concurrent readers against gunicorn on PostgreSQL,
for a fixed time, on loopback. See bench/README.md, "Load".

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dossier_bench make bench-load

Steps: the bench database as bench/run.py makes it (its name must contain
"bench"; --records published records generated once), gunicorn with DEBUG
off (2 sync workers by default), a few warm-up requests, then --readers
readers, each requesting one public page after another for --duration
seconds. Prints the requests, the errors (a status outside 2xx/3xx, a
refused or cut connection, or no answer within --timeout seconds), the
median and 99th percentile latency and the requests per second, overall and
per page. Not a test: nothing fails if the figures are poor, but the script
exits non-zero if any request failed.

Readers are asyncio tasks of one process (standard library only), so that
the client takes as little of the machine's CPU as it can: each request
opens a connection, sends GET with "Connection: close", reads the response
to its end, as a reverse proxy that does not keep connections to the app
server does.
"""

import argparse
import asyncio
import os
import random
import secrets
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.database import bench_database_url, ensure_database  # noqa: E402 (run as a script: the project goes on sys.path first)
from bench.run import free_port, pages, prepare_data, setup_django, start_server, stop_server  # noqa: E402

# How often readers ask for each page: mostly records, as visitors from
# search engines and links do; then lists, searches and the home page.
WEIGHTS = {
    "record page": 50,
    "list": 15,
    "search en, common": 3,
    "search en, rare": 3,
    "search en, phrase": 2,
    "search fr, common": 3,
    "search fr, rare": 2,
    "search fr, phrase": 2,
    "list, filtered": 8,
    "home": 12,
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=100, help="concurrent readers (default 100)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds a request may take (default 30)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--worker-class", choices=["sync", "gthread"], default="sync", help="gunicorn worker class (default sync)"
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker (default 4)")
    parser.add_argument("--records", type=int, default=10_000, help="published records to generate (default 10000)")
    parser.add_argument("--regenerate", action="store_true", help="drop and recreate the bench database first")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the readers' choices (default 7)")
    return parser.parse_args()


async def get(port, path, timeout):
    """(status, seconds) of GET path; status 0 for a connection that failed
    or a response that did not come in time."""
    started = time.perf_counter()
    writer = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            await writer.drain()
            response = await reader.read()  # to the end: the server closes the connection
        status_line = response.split(b"\r\n", 1)[0].split()
        status = int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0
    except (OSError, TimeoutError):
        status = 0
    finally:
        if writer is not None:
            writer.close()
    return status, time.perf_counter() - started


async def reader_loop(port, choose, deadline, timeout, results):
    while time.perf_counter() < deadline:
        name, path = choose()
        status, seconds = await get(port, path, timeout)
        results.append((name, status, seconds, path))


async def load(port, choose, readers, duration, timeout):
    results = []
    deadline = time.perf_counter() + duration
    started = time.perf_counter()
    await asyncio.gather(*(reader_loop(port, choose, deadline, timeout, results) for _ in range(readers)))
    return results, time.perf_counter() - started


def chooser(public_ids, rng):
    paths = pages(public_ids, rng)
    names = list(WEIGHTS)
    weights = [WEIGHTS[name] for name in names]

    def choose():
        name = rng.choices(names, weights)[0]
        return name, paths[name]()

    return choose


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def ok(status):
    return 200 <= status < 400


def report(results, elapsed, args, records):
    errors = [r for r in results if not ok(r[1])]
    print()
    server = f"{args.workers} {args.worker_class} workers" + (
        f" × {args.threads} threads" if args.worker_class == "gthread" else ""
    )
    print(
        f"Dossier load: {args.readers} readers for {args.duration:.0f} s, gunicorn with {server}, "
        f"PostgreSQL, {records} published records, DEBUG off, loopback, {os.cpu_count()} cores"
    )
    print(f"{'page':<16}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}")
    for name in [*WEIGHTS, None]:
        rows = results if name is None else [r for r in results if r[0] == name]
        if not rows:
            continue
        seconds = [r[2] for r in rows]
        print(
            f"{name or 'all':<16}{len(rows):>9}{sum(not ok(r[1]) for r in rows):>8}"
            f"{percentile(seconds, 0.5) * 1000:>9.0f}{percentile(seconds, 0.99) * 1000:>9.0f}"
        )
    print()
    print(
        f"requests {len(results)}, errors {len(errors)}, {len(results) / elapsed:.1f} requests/s over {elapsed:.1f} s"
    )
    for name, status, _seconds, path in errors[:10]:
        print(f"  error: {status or 'no answer'} {name} {path}")
    print("Client and server share the machine's cores; latency includes the time a request waits for a free worker.")
    return len(errors)


def main():
    args = parse_args()
    _url, parts, name = bench_database_url("bench/load.py", "dossier_bench", "test data")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.pop("DEBUG", None)
    ensure_database(parts, name, args.regenerate)
    setup_django()
    public_ids = prepare_data(args.records)
    from django.db import connections

    connections.close_all()
    port = free_port()
    options = ["--worker-class", args.worker_class]
    if args.worker_class == "gthread":
        options += ["--threads", str(args.threads)]
    server = start_server(port, args.workers, *options)
    try:
        choose = chooser(public_ids, random.Random(args.seed))
        # Warm-up, not counted: each worker's connection, caches, templates.
        asyncio.run(load(port, choose, readers=4, duration=3, timeout=args.timeout))
        results, elapsed = asyncio.run(load(port, choose, args.readers, args.duration, args.timeout))
    finally:
        stop_server(server)
    sys.exit(1 if report(results, elapsed, args, len(public_ids)) else 0)


if __name__ == "__main__":
    main()
