"""robots.txt: what crawlers may read, and where the sitemap is."""

from django.shortcuts import render
from django.urls import reverse


def robots_txt(request):
    return render(
        request,
        "robots.txt",
        {"sitemap_url": request.build_absolute_uri(reverse("sitemap-index"))},
        content_type="text/plain; charset=utf-8",
    )
