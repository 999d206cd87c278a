#!/usr/bin/env python
"""
Dossier's benchmark: median latency of public pages against a trivial view
on the same server, on PostgreSQL with realistic data. See bench/README.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dossier_bench .venv/bin/python bench/run.py

Steps: create the bench database if needed (its name must contain "bench"),
migrate it, fill it with --records published records unless it holds them
already, start gunicorn with DEBUG off, then request each page in turn from
one client, interleaved so that any slowdown of the machine hits every page
alike, and print medians and their ratio to the trivial view.
"""

import argparse
import http.client
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.database import bench_database_url, ensure_database  # noqa: E402 (run as a script: the project goes on sys.path first)

SEARCHES = {
    "en": ["deepfake", "bank fraud", "voice clone", "facial recognition bias", '"medical advice"', "immigration"],
    "fr": ["hypertrucage", "fraude bancaire", "voix clonée", "reconnaissance faciale", "évaluation", "asile"],
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000, help="published records to generate (default 10000)")
    parser.add_argument("--requests", type=int, default=150, help="measured requests per page (default 150)")
    parser.add_argument("--warmup", type=int, default=15, help="unmeasured requests per page first (default 15)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument("--regenerate", action="store_true", help="drop and recreate the bench database first")
    return parser.parse_args()


def setup_django():
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def prepare_data(records):
    from django.core.management import call_command

    from bench.generate import check_database_is_for_benchmarks, generate, vacuum
    from incidents.models import Record

    check_database_is_for_benchmarks()
    call_command("migrate", verbosity=0)
    existing = Record.objects.count()
    if existing == 0:
        started = time.perf_counter()
        generate(records=records)
        vacuum()
        print(f"generated {records} records in {time.perf_counter() - started:.0f} s")
    elif existing < records:
        sys.exit(f"The bench database holds {existing} records, fewer than {records}: run again with --regenerate.")
    else:
        print(f"using the {existing} records already in the bench database")
    return list(Record.objects.published().values_list("public_id", flat=True))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port, workers, *options):
    """gunicorn on 127.0.0.1:port with ``workers`` (and further ``options``)."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        *options,
    ]
    server = subprocess.Popen(command, cwd=BASE_DIR, env=os.environ.copy(), start_new_session=True)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            if server.poll() is not None:
                sys.exit("gunicorn stopped at start-up")
            time.sleep(0.1)
    stop_server(server)
    sys.exit("gunicorn did not start listening")


def stop_server(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


class Client:
    """One keep-alive HTTP connection, timing each request."""

    def __init__(self, port):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path):
        started = time.perf_counter()
        self.connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = self.connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status}:\n{body[:500].decode(errors='replace')}")
        return elapsed


def pages(public_ids, rng):
    """name -> a function giving the next path to request."""
    return {
        "trivial view": lambda: "/bench/trivial/",
        "record page": lambda: f"/{rng.choice(['en', 'fr'])}/incidents/{rng.choice(public_ids)}/",
        "search (en)": lambda: f"/en/incidents/?q={quote(rng.choice(SEARCHES['en']))}",
        "search (fr)": lambda: f"/fr/incidents/?q={quote(rng.choice(SEARCHES['fr']))}",
        "list, filtered": lambda: f"/en/incidents/?kind=incident&term-sector=finance&severity={rng.choice([2, 3])}",
        "list": lambda: f"/{rng.choice(['en', 'fr'])}/incidents/?page={rng.randint(1, 50)}",
        "home": lambda: f"/{rng.choice(['en', 'fr'])}/",
    }


def measure(client, pages, requests, warmup):
    timings = {name: [] for name in pages}
    for round_number in range(warmup + requests):
        for name, next_path in pages.items():
            elapsed = client.get(next_path())
            if round_number >= warmup:
                timings[name].append(elapsed)
    return timings


def report(timings, records):
    baseline = statistics.median(timings["trivial view"])
    print()
    print(f"Dossier bench: {records} published records, PostgreSQL, gunicorn, DEBUG off, one client")
    print(f"{'page':<18}{'requests':>9}{'median ms':>11}{'p90 ms':>9}{'× trivial':>11}")
    for name, values in timings.items():
        median = statistics.median(values)
        p90 = statistics.quantiles(values, n=10)[-1]
        print(f"{name:<18}{len(values):>9}{median * 1000:>11.1f}{p90 * 1000:>9.1f}{median / baseline:>11.1f}")
    print()
    print(
        "Ratios compare medians measured in this run on this machine; absolute times are not comparable across machines."
    )


def main():
    args = parse_args()
    _url, parts, name = bench_database_url("bench/run.py", "dossier_bench", "test data")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.pop("DEBUG", None)
    ensure_database(parts, name, args.regenerate)
    setup_django()
    public_ids = prepare_data(args.records)
    from django.db import connections

    connections.close_all()
    port = args.port or free_port()
    server = start_server(port, args.workers)
    try:
        client = Client(port)
        timings = measure(client, pages(public_ids, random.Random(7)), args.requests, args.warmup)
    finally:
        stop_server(server)
    report(timings, len(public_ids))


if __name__ == "__main__":
    main()
