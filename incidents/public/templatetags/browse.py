"""Template helpers for the pages that list records."""

import datetime
import re

from django import template

from core.rendering import text_from_markdown

register = template.Library()

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@register.filter
def printable(value):
    """Text echoed from a query string, with control characters (NUL…)
    shown as "�": they are not allowed in an HTML page."""
    return _CONTROL_CHARACTERS.sub("\ufffd", str(value))


@register.filter
def date_value(value):
    """The value of an <input type="date">: a valid ISO date, or nothing. An
    invalid date typed in the query string is explained on the page and left
    out of the field (HTML allows only a valid date there)."""
    try:
        return datetime.date.fromisoformat(str(value)).isoformat() if value else ""
    except ValueError:
        return ""


@register.filter
def plain(markdown_text):
    """Markdown as plain text (no citations, links or emphasis markers), for
    short extracts; the template escapes it."""
    return text_from_markdown(str(markdown_text or ""))


@register.simple_tag
def page_window(page, around=2):
    """Page numbers to link: the first, the last, and those near the current
    one; ``None`` stands for a gap ("…")."""
    if page is None:
        return []
    last = page.paginator.num_pages
    wanted = {1, last, *range(page.number - around, page.number + around + 1)}
    numbers, previous = [], 0
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if number - previous > 1:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers
