"""
When the database does not answer: a 503 page, and a health check.

``DatabaseUnavailableMiddleware`` answers any request that met
``django.db.OperationalError`` or ``InterfaceError`` (the database is down,
restarting or unreachable) with ``templates/503.html``: no traceback, a
``Retry-After``, in the language of the URL (``/en/``, ``/fr/``) or else the
browser's, with the same text in the other language below, and no inline
script or style (the strict Content-Security-Policy still applies: the
middleware sits inside the security and CSP middleware).

It sits outside everything that reads the database (sessions, auth,
messages), so it renders without it: from the template alone, with no
context processor. Django turns an exception into a response at the layer
where it is raised, so the middleware hears of it twice over: from a view
(or its template), through ``process_exception``; from an inner
middleware (a session saved after the view), through the
``got_request_exception`` signal, which marks the request before Django
renders its 500 page, which the middleware then replaces.

Recovery needs no restart: a connection that failed is dropped here (and
again by Django at the end of the request), and ``CONN_HEALTH_CHECKS``
tests a kept connection before reusing it, so the first request after the
database is back opens a new one.

``healthz`` (``/healthz``, outside the language prefixes) is for load
balancers: JSON, 200 when the database and the cache both answer, 503
otherwise; it reads no session or user and is never cached.
"""

import logging
import sys
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.signals import got_request_exception
from django.db import DEFAULT_DB_ALIAS, Error, InterfaceError, OperationalError, connections
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)
# Seconds a client (or a crawler) is asked to wait before trying again.
RETRY_AFTER = 30
_MARK = "_dossier_database_error"


def drop_broken_connections():
    """Close every connection of this thread that failed or no longer
    answers, so the next query opens a new one. Connections inside an atomic
    block are left to it (outside tests, none is open at this point)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def unavailable_response(request):
    """The 503 page, rendered from the template alone (no database)."""
    language = translation.get_language_from_request(request, check_path=True)
    others = [code for code, _name in settings.LANGUAGES if code != language]
    with translation.override(language):
        html = render_to_string("503.html", {"others": others})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Content-Language"] = language
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    add_never_cache_headers(response)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def _unavailable(request, error):
    logger.warning("Database unavailable (%s: %s): 503 for %s", type(error).__name__, error, request.path)
    drop_broken_connections()
    return unavailable_response(request)


class DatabaseUnavailableMiddleware:
    """A 503 page instead of a 500 while the database does not answer. Goes
    right after the CSP middleware, before the session middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, _MARK, None)
        if error is not None and response.status_code != 503:
            return _unavailable(request, error)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            return _unavailable(request, exception)
        return None


@receiver(got_request_exception)
def _mark_database_errors(sender, request=None, **kwargs):
    """An exception Django is about to answer with a 500 (sent while it is
    being handled): mark the request if the database caused it."""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_DOWN):
        setattr(request, _MARK, error)


def _database_status():
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Error as error:
        logger.warning("Health check: the database does not answer (%s: %s)", type(error).__name__, error)
        drop_broken_connections()
        return "unavailable"
    return "ok"


def _cache_status():
    key = f"dossier:healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, 1, timeout=10)
        answered = cache.get(key) == 1
        cache.delete(key)
    except Exception as error:  # noqa: BLE001 (any cache backend's error: reported, and logged below)
        logger.warning("Health check: the cache does not answer (%s: %s)", type(error).__name__, error)
        return "unavailable"
    return "ok" if answered else "unavailable"


@never_cache
def healthz(request):
    """200 {"status": "ok", "database": "ok", "cache": "ok"}, or 503 with
    "unavailable" for what does not answer."""
    checks = {"database": _database_status(), "cache": _cache_status()}
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503)
