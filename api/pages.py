"""Pages for people: the API's documentation (/en/api/, /fr/api/) and the
bulk export's (/en/data/, /fr/data/), with its download.

Written by hand in both languages (templates/api/page.html); a test holds
it to the OpenAPI description, so that every endpoint served is documented.
"""

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import export


@require_safe
def api_page(request):
    base = request.build_absolute_uri(reverse("api-v1:api-root"))
    context = {
        "base": base,
        "openapi_url": request.build_absolute_uri(reverse("api-v1:openapi-json")),
        "rate": settings.DOSSIER_API_RATE,
    }
    return render(request, "api/page.html", context)


@require_safe
def data_page(request):
    """What the bulk export holds, and the latest one to download."""
    manifest = export.latest_manifest()
    files = []
    if manifest:
        files = [{"name": name, **info} for name, info in manifest["files"].items()]
    context = {
        "manifest": manifest,
        "files": files,
        "tables": export.TABLES,
        "download_url": reverse("data-download"),
        "api_url": reverse("api-docs"),
    }
    return render(request, "api/data.html", context)


@require_safe
def data_download(request):
    try:
        handle = open(export.export_dir() / export.ZIP_NAME, "rb")  # noqa: SIM115 - FileResponse closes it
    except OSError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=export.ZIP_NAME, content_type="application/zip")
