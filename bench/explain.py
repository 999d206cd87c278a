"""
EXPLAIN ANALYZE of the queries behind the list and search pages, on the
bench database (``bench/run.py --explain``; see bench/README.md, "Reading
the plans").

Each scenario builds the list's ``RecordBrowser`` as the page does, renders
what the page reads (results, snippets, facets), captures the SQL it runs,
then runs every captured SELECT again under ``EXPLAIN (ANALYZE, BUFFERS)``.
It prints each query's execution time and first plan line, and the whole
plan of the slowest, so that a slow page points at its slow query.
"""

import time

from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import translation

SCENARIOS = [
    ("list, page 1", "en", ""),
    ("list, page 50", "fr", "page=50"),
    ("list, filtered", "en", "kind=incident&term-sector=finance&severity=3"),
    ("search en, common", "en", "q=kalo"),
    ("search en, rare", "en", "q=deepfake"),
    ("search en, phrase", "en", 'q="facial recognition"'),
    ("search fr, common", "fr", "q=kalo"),
    ("search fr, accents", "fr", "q=evaluation"),
]


def run_page(lang, query_string):
    from incidents.public.browse.query import RecordBrowser

    with translation.override(lang):
        browser = RecordBrowser(QueryDict(query_string), lang)
        list(browser.results())
        browser.facets()


def explain(scenarios=SCENARIOS, full_plans=True):
    for name, lang, query_string in scenarios:
        run_page(lang, query_string)  # warm the caches the page would have warm
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            run_page(lang, query_string)
            elapsed = time.perf_counter() - started
        print(f"\n== {name} ({lang}, ?{query_string}): {len(captured)} queries, {elapsed * 1000:.0f} ms in Python")
        plans = []
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = [row[0] for row in cursor.fetchall()]
            total = next((line for line in plan if line.startswith("Execution Time")), "")
            milliseconds = float(total.split(":")[1].split()[0]) if total else 0.0
            plans.append((milliseconds, sql, plan))
            print(f"  {milliseconds:8.1f} ms  {plan[0][:110]}")
        if full_plans and plans:
            milliseconds, sql, plan = max(plans, key=lambda item: item[0])
            print(f"  slowest ({milliseconds:.1f} ms): {sql[:300]}")
            for line in plan:
                print(f"    {line}")
