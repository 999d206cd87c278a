"""
Logins in the security log (core/logging.py): one line per attempt.

- ``login.succeeded``: who, from where;
- ``login.failed``: the username tried, from where, the failures counted so
  far for it (django-axes);
- ``login.locked_out``: the failure that locked the username or the address
  (``"locked": "now"``, with the count), or an attempt refused because it is
  locked (``"locked": "already"``: the password was not even checked).

Connected in ``CoreConfig.ready``, after django-axes' own receivers, so that
axes has counted the attempt when these read its verdict on the request.
"""

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from .http import client_ip
from .logging import security_event


def _address(request):
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or client_ip(request)


def logged_in(sender, request, user, **kwargs):
    security_event("login.succeeded", username=user.get_username(), user_id=user.pk, ip=_address(request))


def logged_out(sender, request, user, **kwargs):
    if user is not None:
        security_event("logout", username=user.get_username(), user_id=user.pk, ip=_address(request))


def login_failed(sender, credentials, request=None, **kwargs):
    if getattr(request, "axes_locked_out", False):
        return  # locked: user_locked_out says so, once
    security_event(
        "login.failed",
        logging.WARNING,
        # Django has already masked the password in ``credentials``.
        username=credentials.get("username"),
        ip=_address(request),
        failures=getattr(request, "axes_failures_since_start", None),
    )


def locked_out(sender, request, username, ip_address, **kwargs):
    failures = getattr(request, "axes_failures_since_start", None)
    security_event(
        "login.locked_out",
        logging.WARNING,
        username=username,
        ip=ip_address,
        locked="now" if failures is not None else "already",
        failures=failures,
    )


def connect():
    # dispatch_uid: connected once, however often ready() runs.
    user_logged_in.connect(logged_in, dispatch_uid="dossier.security.logged_in")
    user_logged_out.connect(logged_out, dispatch_uid="dossier.security.logged_out")
    user_login_failed.connect(login_failed, dispatch_uid="dossier.security.login_failed")
    user_locked_out.connect(locked_out, dispatch_uid="dossier.security.locked_out")
