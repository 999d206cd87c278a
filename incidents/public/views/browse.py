"""Public pages that list records: home, and the list with its filters and search.

Every query starts from ``RecordVersion.objects.live()`` / ``Record.objects
.published()``: nothing unreviewed can reach these pages.
"""

from django.db.models import Count
from django.shortcuts import render

from core.i18n import current_language
from incidents.models import Kind, RecordVersion
from incidents.public.browse.choices import cached
from incidents.public.browse.query import RecordBrowser, with_first_publication

HOME_LIST_SIZE = 8


def _count_kinds():
    counts = dict(
        RecordVersion.objects.live()
        .order_by()
        .values_list("record__kind")
        .annotate(n=Count("pk"))
        .values_list("record__kind", "n")
    )
    return {kind: counts.get(kind, 0) for kind in Kind.values}


def kind_counts():
    """{kind: number of published records}, cached until the next publication."""
    return cached("kind-counts", _count_kinds)


def home(request):
    versions = RecordVersion.objects.live().select_related("record")
    counts = kind_counts()
    return render(
        request,
        "incidents/home.html",
        {
            "latest": with_first_publication(versions).order_by("-first_published_at", "-pk")[:HOME_LIST_SIZE],
            # A record counts as updated once a second version is published.
            "updated": versions.filter(number__gte=2).order_by("-published_at", "-pk")[:HOME_LIST_SIZE],
            "incident_count": counts[Kind.INCIDENT],
            "hazard_count": counts[Kind.HAZARD],
            "record_count": sum(counts.values()),
        },
    )


def record_list(request):
    browser = RecordBrowser(request.GET, current_language())
    return render(
        request,
        "incidents/record_list.html",
        {
            "browser": browser,
            "form": browser.form,
            "query": browser.query,
            "results": browser.results(),
            "page": browser.page,
            "paginator": browser.paginator,
            "page_problem": browser.page_problem,
            "facets": browser.facets(),
            "is_filtered": browser.is_filtered,
        },
    )
