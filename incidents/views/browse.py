"""Public pages that list records: home and the record list.

Every query starts from ``Record.objects.published()``: nothing unreviewed
can reach these pages.
"""

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render

from ..models import Kind, Record


def published_records():
    return Record.objects.published().select_related("live_version")


def home(request):
    records = published_records()
    counts = dict(records.values_list("kind").annotate(n=Count("id")).order_by())
    return render(
        request,
        "incidents/home.html",
        {
            "latest": records.order_by("-live_version__published_at")[:10],
            "incident_count": counts.get(Kind.INCIDENT, 0),
            "hazard_count": counts.get(Kind.HAZARD, 0),
        },
    )


def record_list(request):
    paginator = Paginator(published_records().order_by("-live_version__published_at", "-id"), 25)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "incidents/record_list.html", {"page": page})
