"""
The security log's format, and quiet 403s.

``security_event("login.failed", username=..., ip=...)`` writes one line to
the ``dossier.security`` logger; ``JsonFormatter`` (config/settings.py,
``LOGGING``) makes it one JSON object: ``time`` (UTC, ISO 8601), ``level``,
``event``, then the event's fields. Everything is escaped to ASCII, so a
value can never break the line (a newline or U+2028 in a username) nor
forge another one.

What goes in a line is decided by its caller: ids, names, states and
reasons; never a password, a comment or a passage of text
(README.md, "Security").

Imports nothing of ours (docs/architecture.md, "Layout and import rules").
"""

import json
import logging
from datetime import UTC, datetime

from django.core.exceptions import BadRequest, PermissionDenied

SECURITY_LOGGER = "dossier.security"

_security = logging.getLogger(SECURITY_LOGGER)

# Set on a request once its refusal has been logged (``refusal_logged``): the
# 403 that follows is then not logged a second time by ``django.request``.
_LOGGED = "_dossier_refusal_logged"


def security_event(event, level=logging.INFO, **fields):
    """One line in the security log: ``event`` (``"login.failed"``) and its
    ``fields`` (JSON-serializable, or turned into strings)."""
    _security.log(level, event, extra={"security_fields": fields})


def refusal_logged(request):
    """Say that ``request``'s refusal is in the security log already."""
    setattr(request, _LOGGED, True)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, ASCII only."""

    def format(self, record):
        data = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "event": record.getMessage(),
            **getattr(record, "security_fields", {}),
        }
        if record.exc_info:
            # The kind of error and its message, never a traceback over
            # several lines.
            error = record.exc_info[1]
            data["error"] = f"{type(error).__name__}: {error}"
        return json.dumps(data, ensure_ascii=True, default=str)


class OneLineForbidden(logging.Filter):
    """For ``django.request``: a 403 from ``PermissionDenied`` is an answer,
    not a crash, so its line carries no traceback; nor does a 400 from
    ``BadRequest``, whose message says what was refused (core/bad_input.py);
    and a request whose refusal the admin has already written to the
    security log (``refusal_logged``) is not logged twice."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if request is not None and getattr(request, _LOGGED, False):
            return False
        if record.exc_info and isinstance(record.exc_info[1], (PermissionDenied, BadRequest)):
            record.exc_info = None
            record.exc_text = None
        return True
