"""
Hostile input to the admin: refused, never a 500.

``AdminBadInputMiddleware``, for the admin's views only (any ``AdminSite``):

- answers Django's 400 page (``BadRequest``) to a request whose path or
  query string holds a NUL byte. No id, filter value or search term can
  hold one, and PostgreSQL refuses it in text: the ORM raises ``DataError``
  when the query runs (a changelist filter, the autocomplete's term);

- sends a changelist whose query the database layer refused back to
  itself with ``?e=1``, as Django does with a lookup it refuses itself (its
  "Database error" page). A changelist takes a lookup on any field of its
  model from the URL (``?ip_address=abc``, ``?record_id=99999999999999999999``),
  Django's admins and django-axes' as well as ours, and the value meets the
  column's type only when the query runs, after Django's checks: the
  adapter refuses it (``ValueError``: no such IP address), or the database
  does (PostgreSQL's ``DataError``, SQLite's ``OverflowError`` beyond 64
  bits). A GET writes nothing, so the value in the URL is the cause.

Public pages are left alone: they validate their own query strings and say
in the page what they ignored (a NUL in the search box included).
"""

import logging

from django.core.exceptions import BadRequest
from django.db import DataError
from django.http import HttpResponseRedirect

logger = logging.getLogger(__name__)

# What the database layer raises on a value its column type cannot hold.
REFUSED_VALUES = (DataError, OverflowError, ValueError)
# django.contrib.admin.views.main.ERROR_FLAG, not imported: core does not
# load the admin.
ERROR_FLAG = "e"


def _admin_view(request):
    match = request.resolver_match
    return match is not None and match.app_name == "admin"


def _holds_nul(request):
    if "\x00" in request.path_info:
        return True
    return any("\x00" in name or "\x00" in value for name, values in request.GET.lists() for value in values)


class AdminBadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _admin_view(request) and _holds_nul(request):
            raise BadRequest("NUL byte in an admin URL")
        return None

    def process_exception(self, request, exception):
        if (
            isinstance(exception, REFUSED_VALUES)
            and request.method in ("GET", "HEAD")
            and _admin_view(request)
            and request.resolver_match.url_name.endswith("_changelist")
        ):
            # A warning, not info: a real bug raising ValueError here would look
            # the same, and must stay visible in the log.
            logger.warning("Changelist lookup refused (%s: %s): %s", type(exception).__name__, exception, request.path)
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return None
