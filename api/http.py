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
import re

from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.http import ClientRateLimit
from incidents.public import licence, page_cache, record_page
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


# One record's answer: its own stamp names it (record_page.page_stamp: its
# publications, withdrawal, redactions and linked records), as for its pages.
RECORD_PATH = re.compile(r"^/api/v1/records/(?P<public_id>[^/]+)/$")


def _record_etag(request, stamp) -> str:
    return record_page.etag(
        stamp,
        get_language(),
        "api",
        request.build_absolute_uri(request.get_full_path()),  # the answer's links name the host
        licence.settings_fingerprint(),  # the answer states the licence
    )


def _answer_number(request):
    """(True, the version number or None) when the query string is empty or
    only ``version=N``: the one-record answers kept in the cache; (False, None)
    for any other (an error, or parameters the answer does not read)."""
    if not request.GET:
        return True, None
    value = request.GET.get("version", "")
    if (
        list(request.GET) == ["version"]
        and len(request.GET.getlist("version")) == 1
        and value.isascii()
        and value.isdigit()
    ):
        return True, int(value)
    return False, None


def _cached_answer(entry, tag):
    if entry is None or entry["etag"] != tag:
        return None
    return HttpResponse(entry["content"], content_type=entry["content_type"])


def _storable(response) -> bool:
    return response.status_code == 200 and not response.streaming and not response.cookies


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
            response = self._answer(request)
        response["Allow"] = ALLOWED
        response["Vary"] = "Accept-Language"
        for name, value in CORS_HEADERS.items():
            response[name] = value
        return response

    def _answer(self, request):
        """A GET or HEAD: a ``304`` for a matching ``If-None-Match``, one
        record's answer from the cache when it was made for the current
        ETag, or the view's answer (kept in the cache if it is a record's)."""
        key, found = None, {}
        if (match := RECORD_PATH.match(request.path_info)) and (loaded := self._record_stamp(request, match)):
            stamp, key, found = loaded
            tag = _record_etag(request, stamp)
        else:
            tag = etag(request)
        if _matches(request, tag):
            response = HttpResponse(status=304)
        else:
            entry = found.get(key) if key and key in found else (cache.get(key) if key else None)
            cached = _cached_answer(entry, tag)
            # A cached answer counts against the client's rate like any other;
            # beyond it, the view answers 429.
            if cached is not None and RateLimit().allow_request(request):
                response = cached
            else:
                response = self.get_response(request)
                if response.status_code == 404 and not response.get("Content-Type", "").startswith("application/json"):
                    # An address no endpoint answers: say so in JSON, like the rest.
                    response = JsonResponse(
                        {"detail": _("No endpoint answers at this address."), "errors": {}}, status=404
                    )
                elif key and request.method == "GET" and _storable(response):
                    content = {"etag": tag, "content": response.content, "content_type": response["Content-Type"]}
                    cache.set(key, content, page_cache.PAGE_CACHE_SECONDS)
        if response.status_code in (200, 304):
            response["ETag"] = tag
            response["Cache-Control"] = CACHE_CONTROL
        return response

    @staticmethod
    def _record_stamp(request, match):
        """(the record's stamp, its answer's cache key or None, what the cache
        holds under it) for one record's address; None for a record that is
        not public (its answer is an error, validated by the global stamp).
        The stamp and the answer come in one round trip to Redis, unless the
        client sends ``If-None-Match`` (a ``304`` needs the stamp alone)."""
        public_id = match["public_id"]
        cacheable, number = _answer_number(request)
        key = page_cache.answer_key(public_id, get_language(), number) if cacheable else None
        keys = [key] if key and "If-None-Match" not in request.headers else []
        stamp, found = record_page.stamp_with(public_id, keys)
        if stamp is None or stamp.is_withdrawn:
            return None
        # For the view (api.views.record), which reads the record from it.
        request.__dict__.setdefault("_dossier_stamps", {})[public_id] = stamp
        return stamp, key, found


class RateLimit(ClientRateLimit):
    """The API's limit: ``DOSSIER_API_RATE`` per client address."""

    scope = "dossier-api"
    setting = "DOSSIER_API_RATE"
