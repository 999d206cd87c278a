"""The page that documents the API for people, /en/api/ and /fr/api/.

Written by hand in both languages (templates/api/page.html); a test holds
it to the OpenAPI description, so that every endpoint served is documented.
"""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe


@require_safe
def api_page(request):
    base = request.build_absolute_uri(reverse("api-v1:api-root"))
    context = {
        "base": base,
        "openapi_url": request.build_absolute_uri(reverse("api-v1:openapi-json")),
        "rate": settings.DOSSIER_API_RATE,
    }
    return render(request, "api/page.html", context)
