"""
The methodology pages (``pages.Page``): what counts as an incident or a
hazard, the verification levels, the severity scale, the review process,
the corrections policy and the licence.

Publishers write them in both languages; a saved change is public at once
(pages/models.py says why they are not reviewed like records). A page
missing in the reader's language is shown in the other, marked, as every
translated text (``core.rendering.localized_markdown``).
"""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from pages.models import Page


@require_safe
def methodology_index(request):
    return render(request, "pages/index.html", {"pages": list(Page.objects.order_by("order", "slug"))})


@require_safe
def methodology_page(request, slug):
    page = Page.objects.filter(slug=slug).first()
    if page is None:
        raise Http404
    others = [other for other in Page.objects.order_by("order", "slug") if other.pk != page.pk]
    return render(request, "pages/page.html", {"page": page, "others": others})
