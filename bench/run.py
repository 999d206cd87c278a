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
import math
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
# Where an AI Incident Database snapshot may be, for the sizes of generated records.
AIID_DIR = BASE_DIR.parent / "shared" / "data"

from bench.database import bench_database_url, ensure_database  # noqa: E402 (run as a script: the project goes on sys.path first)

# Searches per language and kind. "common" words are the generator's most
# frequent content words (they match most records), "rare" ones match a few,
# "phrase" ones are quoted; the French ones include accented words typed
# with and without their accents.
SEARCHES = {
    ("en", "common"): ["kalo", "incident risk", "system", "report", "model"],
    ("en", "rare"): ["deepfake", "voice clone", "immigration", "asylum", "pedestrian"],
    ("en", "phrase"): ['"facial recognition"', '"bank fraud"', '"medical advice"'],
    ("fr", "common"): ["kalo", "risque incident", "système", "rapport", "modèle"],
    ("fr", "rare"): ["hypertrucage", "voix clonée", "asile", "economie", "évaluation", "evaluation"],
    ("fr", "phrase"): ['"reconnaissance faciale"', '"fraude bancaire"', '"conseil médical"'],
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000, help="published records to generate (default 10000)")
    parser.add_argument("--requests", type=int, default=150, help="measured requests per page (default 150)")
    parser.add_argument("--warmup", type=int, default=15, help="unmeasured requests per page first (default 15)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument("--regenerate", action="store_true", help="drop and recreate the bench database first")
    parser.add_argument(
        "--aiid-dir",
        default=str(AIID_DIR),
        help="folder with an AI Incident Database snapshot (aiid_incidents_snapshot.csv) whose sizes the generated "
        "records follow; built-in ranges without it (default: shared/data beside the repository)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of the list and search queries, then stop"
    )
    parser.add_argument(
        "--only",
        default="",
        help="measure only the pages whose name contains this text (or one of several, separated by |)",
    )
    return parser.parse_args()


def setup_django():
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def prepare_data(records, aiid_dir=None):
    from django.core.management import call_command

    from bench.generate import check_database_is_for_benchmarks, generate, vacuum
    from incidents.models import Record

    check_database_is_for_benchmarks()
    call_command("migrate", verbosity=0)
    existing = Record.objects.count()
    if existing == 0:
        started = time.perf_counter()
        generate(records=records, aiid_dir=aiid_dir)
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
        self.last_body = body
        return elapsed


def pages(public_ids, rng, sitemap_pages=("/sitemap-records.xml",)):
    """name -> a function giving the next path to request; ``sitemap_pages``
    are the paths the sitemap index lists."""

    def search(lang, kind):
        return lambda: f"/{lang}/incidents/?q={quote(rng.choice(SEARCHES[lang, kind]))}"

    return {
        "trivial view": lambda: "/bench/trivial/",
        "record page": lambda: f"/{rng.choice(['en', 'fr'])}/incidents/{rng.choice(public_ids)}/",
        "list": lambda: f"/{rng.choice(['en', 'fr'])}/incidents/?page={rng.randint(1, 50)}",
        "list, filtered": lambda: (
            f"/{rng.choice(['en', 'fr'])}/incidents/?kind=incident&term-sector=finance&severity={rng.choice([2, 3])}"
            + rng.choice(["", "&country=CA", f"&page={rng.randint(2, 20)}"])
        ),
        "search en, common": search("en", "common"),
        "search en, rare": search("en", "rare"),
        "search en, phrase": search("en", "phrase"),
        "search fr, common": search("fr", "common"),
        "search fr, rare": search("fr", "rare"),
        "search fr, phrase": search("fr", "phrase"),
        "home": lambda: f"/{rng.choice(['en', 'fr'])}/",
        "feed, Atom": lambda: f"/{rng.choice(['en', 'fr'])}/feeds/records.atom",
        "feed, JSON": lambda: f"/{rng.choice(['en', 'fr'])}/feeds/records.json",
        "sitemap index": lambda: "/sitemap.xml",
        "sitemap page": lambda: rng.choice(sitemap_pages),
        "API list": lambda: f"/api/v1/records/?lang={rng.choice(['en', 'fr'])}",
        "API search": lambda: (
            f"/api/v1/records/?lang={(lang := rng.choice(['en', 'fr']))}"
            f"&q={quote(rng.choice(SEARCHES[lang, rng.choice(['common', 'rare'])]))}"
        ),
    }


def measure(client, pages, requests, warmup):
    timings = {name: [] for name in pages}
    for round_number in range(warmup + requests):
        for name, next_path in pages.items():
            elapsed = client.get(next_path())
            if round_number >= warmup:
                timings[name].append(elapsed)
    return timings


def percentile(values, fraction):
    """The value below which ``fraction`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def report(timings, records):
    baseline = percentile(timings["trivial view"], 0.5)
    print()
    print(f"Dossier bench: {records} published records, PostgreSQL, gunicorn, DEBUG off, one client")
    print(f"{'page':<20}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'× bare':>8}")
    for name, values in timings.items():
        p50, p95, p99 = (percentile(values, f) for f in (0.5, 0.95, 0.99))
        print(f"{name:<20}{len(values):>9}{p50 * 1000:>9.1f}{p95 * 1000:>9.1f}{p99 * 1000:>9.1f}{p50 / baseline:>8.1f}")
    print()
    print(
        "× bare: the page's median over the trivial view's, both measured in this run on this machine; "
        "absolute times are not comparable across machines."
    )


def main():
    args = parse_args()
    _url, parts, name = bench_database_url("bench/run.py", "dossier_bench", "test data")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.pop("DEBUG", None)
    ensure_database(parts, name, args.regenerate)
    setup_django()
    # The API's rate limit is for the public, not for the one bench client.
    os.environ["DOSSIER_API_RATE"] = "1000000/min"
    public_ids = prepare_data(args.records, args.aiid_dir)
    if args.explain:
        from bench.explain import explain

        explain()
        return
    from django.db import connections

    connections.close_all()
    port = args.port or free_port()
    server = start_server(port, args.workers)
    try:
        client = Client(port)
        wanted = args.only.split("|")
        # The sitemap index is read only when its pages are measured.
        measured = {name for name in pages(public_ids, random.Random(7)) if any(text in name for text in wanted)}
        sitemap_pages = sitemap_sections(client) if any("sitemap" in name for name in measured) else ()
        chosen = {
            name: path
            for name, path in pages(public_ids, random.Random(7), sitemap_pages).items()
            if name == "trivial view" or name in measured
        }
        timings = measure(client, chosen, args.requests, args.warmup)
    finally:
        stop_server(server)
    report(timings, len(public_ids))


def sitemap_sections(client):
    """The paths of the record pages the sitemap index lists."""
    client.get("/sitemap.xml")
    paths = [
        urlsplit(loc).path + (f"?{urlsplit(loc).query}" if urlsplit(loc).query else "")
        for loc in re.findall(r"<loc>([^<]+)</loc>", client.last_body.decode())
    ]
    return [path for path in paths if "records" in path] or ["/sitemap-records.xml"]


if __name__ == "__main__":
    main()
