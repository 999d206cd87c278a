"""Public pages are read-only: they answer GET and HEAD, nothing else.

Every public URL (the ``incidents`` namespace under /en/ and /fr/: home,
list, records, reference pages, feeds; and, at the root, the sitemaps and
robots.txt) answers

- GET and HEAD as its view does;
- OPTIONS with ``200``, an empty body and ``Allow: GET, HEAD, OPTIONS``: the
  question is legitimate (RFC 9110, 9.3.7) and this is Django's own answer
  for class-based views, so every public URL now answers it alike, without
  running the view;
- TRACE, POST and any other method with ``405 Method Not Allowed``, the same
  ``Allow`` header and an empty body, before CSRF checking (a POST would
  otherwise get the CSRF failure page).

Views may keep their own ``require_safe``: this answers first.
"""

from django.http import HttpResponse, HttpResponseNotAllowed

PUBLIC_NAMESPACE = "incidents"
# Public URLs outside the incidents namespace (config/urls.py): the
# sitemaps, robots.txt and the export's zip at the root, and the API's and
# the export's pages under /en/ and /fr/.
ROOT_PUBLIC_URL_NAMES = frozenset(
    {"robots-txt", "sitemap-index", "sitemap-section", "api-docs", "data", "data-download"}
)
ALLOWED = ("GET", "HEAD", "OPTIONS")


def is_public(match):
    return match is not None and (PUBLIC_NAMESPACE in match.namespaces or match.url_name in ROOT_PUBLIC_URL_NAMES)


class ReadOnlyPublicMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in ("GET", "HEAD") or not is_public(request.resolver_match):
            return None
        if request.method == "OPTIONS":
            response = HttpResponse(status=200)
            response["Allow"] = ", ".join(ALLOWED)
        else:
            response = HttpResponseNotAllowed(ALLOWED)
        response["Content-Length"] = "0"
        return response
