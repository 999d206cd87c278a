"""
Record pages rendered once and served from the cache to anonymous readers
(docs/architecture.md, "Reading and caching").

A published version never changes except by redaction, so its page changes
only when its record's stamp does (``record_page.PageStamp``: publications,
withdrawal, redactions, linked records, reference rows shown unpinned) or
when the code or the licence settings do. All of those are in the page's
ETag, so the ETag names what a cached page holds: an entry is served only
while its ETag is the page's current one, and needs no invalidation to stay
right. Redaction still deletes the entries of the redacted record
(``page_keys``, called by the workflow): the cache must not keep the erased
passage, even under an ETag nobody will ask for again.

One entry per record, language and version number (or the live page): the
ETag it was rendered for and the HTML by absolute address (the page states
its own permanent and canonical addresses, so a second host name gets its
own copy; a handful at most).

Nothing that varies per request may enter: only anonymous requests without
a query string are served from or stored into the cache, and a rendering
that used a per-request value (the CSRF token, the CSP nonce) or set a
cookie is not stored (``storable``). The middleware still adds each
response's own headers (security, language, CSP) to a cached page.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csp import get_nonce

# A backstop: entries are replaced as soon as their ETag is no longer current.
PAGE_CACHE_SECONDS = 24 * 60 * 60
# Host names one entry keeps pages for, beyond which it starts afresh.
MAX_ADDRESSES = 4
# The headers of a rendered answer that a kept copy carries again (the
# feeds' Last-Modified, the sitemaps' X-Robots-Tag); the middleware adds
# the rest to each response.
KEPT_HEADERS = ("Content-Type", "Last-Modified", "X-Robots-Tag")


def page_key(public_id, lang, number=None) -> str:
    """The cache key of a record's page in ``lang``: a version's permalink
    (``number``), or its live page. By public id, the address's own, so that
    the page is read in the same round trip as the record's stamp
    (``record_page.stamp_with``), before the record's primary key is known;
    the ETag in the entry names the record by both."""
    return f"dossier:record-page:{public_id}:{lang}:{number or 'live'}"


def answer_key(public_id, lang, number=None) -> str:
    """The cache key of the JSON API's answer about a record (api/http.py),
    kept like its pages: under the answer's ETag, deleted with them."""
    return f"dossier:record-answer:{public_id}:{lang}:{number or 'live'}"


def page_keys(public_id, live_number) -> list[str]:
    """Every cached page of a record, and the API's answers about it: the
    live one and each version's, in every language (for the workflow, which
    deletes them at a redaction)."""
    numbers = [None, *range(1, (live_number or 0) + 1)]
    return [
        key(public_id, lang, number)
        for key in (page_key, answer_key)
        for lang, _name in settings.LANGUAGES
        for number in numbers
    ]


def applies(request) -> bool:
    """Whether this request may be answered from, and stored into, the cache."""
    return request.method in ("GET", "HEAD") and not request.GET and not request.user.is_authenticated


def _address(request) -> str:
    return request.build_absolute_uri(request.path)


# ``cached_page``'s ``entry`` when the cache has not been read yet.
NOT_READ = object()


def cached_page(request, key, tag, entry=NOT_READ) -> HttpResponse | None:
    """The page stored under ``key`` for this address, if it was rendered
    for the ETag ``tag``; None otherwise. ``entry``: what the cache holds
    under ``key`` (None: nothing), when it was read already, with the
    record's stamp."""
    if entry is NOT_READ:
        entry = cache.get(key)
    if entry is None or entry["etag"] != tag:
        return None
    page = entry["pages"].get(_address(request))
    if page is None:
        return None
    content, headers = page
    if isinstance(headers, str):  # an entry from before other headers were kept: its Content-Type
        headers = {"Content-Type": headers}
    response = HttpResponse(content)
    for header, value in headers.items():
        response[header] = value
    return response


def storable(request, response) -> bool:
    """Whether a freshly rendered response holds nothing of this request's
    own: no CSRF token was asked for (a form would carry it), no CSP nonce
    was generated (a script or style would carry it), no cookie is set."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not get_nonce(request)
    )


def store_page(request, key, tag, response) -> bool:
    """Keep ``response`` for later requests of this page with the ETag
    ``tag``, if it is ``storable``; return whether it was stored."""
    if not storable(request, response):
        return False
    entry = cache.get(key)
    if entry is None or entry["etag"] != tag or len(entry["pages"]) >= MAX_ADDRESSES:
        entry = {"etag": tag, "pages": {}}
    headers = {header: response[header] for header in KEPT_HEADERS if header in response}
    entry["pages"][_address(request)] = (response.content, headers)
    cache.set(key, entry, PAGE_CACHE_SECONDS)
    return True
