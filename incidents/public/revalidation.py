"""
A browser or proxy revalidating a record page it holds gets its ``304``
before the rest of the middleware stack runs (docs/architecture.md,
"Reading and caching"; bench/README.md, "Record page cache").

A revalidation is most of what a popular record page serves, and its answer
depends on the record's stamp alone (one cache read). Through the whole
stack it also paid for sessions, authentication, CSRF, messages, the admin's
and the API's middleware, and the URL resolver twice: about twice the bare
view's cost. This middleware sits just inside the security, CSP and
database-outage middleware, which still add their headers, and answers when
all of these hold:

- a GET or HEAD with ``If-None-Match`` and no query string;
- no session cookie: only an anonymous reader may get an anonymous page's
  validator (a signed-in reader's page may differ: ``views.records``
  gives it no ETag), and without a session cookie there is no one to sign
  in (the site authenticates by session only);
- the address is a record's live page or one of its versions' permalinks
  (resolved by the site's own URLconf, so the two cannot drift apart), of
  a record that is public and not merged into another (that answers 301);
- the ETag is the one the view would give (``views.records.anonymous_etag``,
  the single definition) and the reader sent it.

Anything else goes down the stack unchanged, to the view, which reads the
stamp already read here. The ``304`` carries the headers the rest of the
stack would add to it (language, ``Vary: Cookie``, framing, length):
``tests/test_revalidation.py`` compares it, header by header, with the
``304`` the whole stack gives.
"""

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers

from incidents.public.record_page import page_stamp
from incidents.public.views import records

PAGE_VIEWS = (records.record_detail, records.version_detail)


def _page(request):
    """(language, public id, version number or None) of a record page's
    address, or None for any other address."""
    lang = translation.get_language_from_path(request.path_info)
    if lang is None:
        return None
    # The URLconf's language prefixes match the active language only.
    with translation.override(lang):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
    if match.func not in PAGE_VIEWS:
        return None
    return lang, match.kwargs["public_id"], match.kwargs.get("number")


class AnonymousRevalidationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.not_modified(request) or self.get_response(request)

    def not_modified(self, request):
        if (
            request.method not in ("GET", "HEAD")
            or "If-None-Match" not in request.headers
            or request.META.get("QUERY_STRING")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return None
        page = _page(request)
        if page is None:
            return None
        lang, public_id, number = page
        stamp = page_stamp(public_id)
        # The view reads it from here if the request goes on.
        request.__dict__.setdefault("_dossier_stamps", {})[public_id] = stamp
        if stamp is None or stamp.merged_into:
            return None
        tag = records.anonymous_etag(stamp, lang, number)
        if tag is None:
            return None
        response = get_conditional_response(request, etag=tag)
        if response is None or response.status_code != 304:
            return None
        # What the stack's inner middleware would add to the view's 304:
        # the ETag (the condition decorator), the language (LocaleMiddleware),
        # Vary: Cookie (sessions, read to know the reader is anonymous), the
        # framing rule (XFrameOptionsMiddleware) and the length
        # (CommonMiddleware).
        response["ETag"] = tag
        response["Content-Language"] = lang
        patch_vary_headers(response, ("Cookie",))
        response["X-Frame-Options"] = getattr(settings, "X_FRAME_OPTIONS", "DENY").upper()
        response["Content-Length"] = "0"
        return response
