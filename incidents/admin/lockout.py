"""django-axes' answer to a locked-out login (``AXES_LOCKOUT_CALLABLE``):
the admin's login frame in the user's language, with why and for how long,
as ``429 Too Many Requests`` with ``Retry-After``. README.md, "Security"."""

from axes.helpers import get_cool_off, get_failure_limit
from django.contrib import admin
from django.shortcuts import render
from django.utils.translation import gettext


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds())
    context = {
        **admin.site.each_context(request),
        "title": gettext("Too many failed logins"),
        "failure_limit": get_failure_limit(request, credentials),
        # An upper bound: attempts while locked are not counted, so the lock
        # ends at most this long after the last counted failure.
        "minutes": max(1, -(-seconds // 60)),
    }
    response = render(request, "admin/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
