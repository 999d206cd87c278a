"""
HTTP around the API's answers: the methods allowed, CORS, ETags, the rate limit.

``ApiMiddleware`` (for paths under /api/):

- GET and HEAD only; OPTIONS answers with the CORS headers (a preflight), any
  other method ``405`` with ``Allow``;
- CORS: any origin may read (``Access-Control-Allow-Origin: *``); no
  credentials are ever involved, the API knows no user;
- ETag: one cheap stamp (``api.queries.stamp``: one query) names the state of
  everything published; with the request's path, query string and language
  and the code's fingerprint it makes the ETag, checked *before* the view
  runs, so a matching ``If-None-Match`` costs that one query and a ``304``.
  Published content changes only by publication, withdrawal or redaction,
  and each moves the stamp.

``RateLimit`` (``core.http.ClientRateLimit``): per client address (``core.http.client_ip``, which trusts
``X-Forwarded-For`` only behind ``DOSSIER_TRUSTED_PROXIES``), at most
``DOSSIER_API_RATE`` requests ("120/min" by default), over the cache (Redis
in production, so every worker counts together). Beyond it: ``429`` with
``Retry-After``.
"""

import hashlib

from django.http import HttpResponse, JsonResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.http import ClientRateLimit
from incidents.public.record_page import code_fingerprint

from . import queries

API_PREFIX = "/api/"
ALLOWED = "GET, HEAD, OPTIONS"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Retry-After",
}
CACHE_CONTROL = "public, max-age=60"


def etag(request) -> str:
    parts = (queries.stamp(), code_fingerprint(), get_language(), request.get_full_path())
    return '"{}"'.format(hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest())


def _matches(request, tag) -> bool:
    given = request.headers.get("If-None-Match", "")
    return given.strip() == "*" or tag in [value.strip().removeprefix("W/") for value in given.split(",")]


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOWED
            response["Access-Control-Allow-Headers"] = "If-None-Match"
            response["Access-Control-Max-Age"] = "86400"
        elif request.method not in ("GET", "HEAD"):
            response = JsonResponse({"detail": _("This API only reads: use GET."), "errors": {}}, status=405)
        else:
            tag = etag(request)
            if _matches(request, tag):
                response = HttpResponse(status=304)
            else:
                response = self.get_response(request)
                if response.status_code == 404 and not response.get("Content-Type", "").startswith("application/json"):
                    # An address no endpoint answers: say so in JSON, like the rest.
                    response = JsonResponse(
                        {"detail": _("No endpoint answers at this address."), "errors": {}}, status=404
                    )
            if response.status_code in (200, 304):
                response["ETag"] = tag
                response["Cache-Control"] = CACHE_CONTROL
        response["Allow"] = ALLOWED
        response["Vary"] = "Accept-Language"
        for name, value in CORS_HEADERS.items():
            response[name] = value
        return response


class RateLimit(ClientRateLimit):
    """The API's limit: ``DOSSIER_API_RATE`` per client address."""

    scope = "dossier-api"
    setting = "DOSSIER_API_RATE"
