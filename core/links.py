"""Links to the outside world: an ``href`` only for a web address.

The URL fields refuse anything but http and https (``core.validators``), but
a row written past the model's validation (a shell, a raw SQL write, data
from before the validator) could still hold "javascript:…". Every template
and every module that prints a stored address as a link goes through
``safe_url`` (the ``safe_url`` template filter), so such a row is shown as
plain text, never as a link; the Content-Security-Policy is the second wall.
"""

import re
from urllib.parse import urlsplit

WEB_SCHEMES = frozenset({"http", "https"})

# What a browser does to an href before it reads the scheme (WHATWG URL
# standard): strip leading and trailing C0 controls and spaces, and remove
# every tab and newline, so "java\tscript:" is read as "javascript:".
_EDGES = re.compile("^[\x00-\x20]+|[\x00-\x20]+$")
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")


def safe_url(value) -> str:
    """``value`` as a browser would read it if it is an http(s) address with a
    host, or "" if it is anything else (empty, another scheme, relative)."""
    if not isinstance(value, str):
        return ""
    url = _TAB_OR_NEWLINE.sub("", _EDGES.sub("", value))
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1" and other broken addresses
        return ""
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return ""
    return url
