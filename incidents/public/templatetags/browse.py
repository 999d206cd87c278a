"""Template helpers for the pages that list records."""

import re

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from incidents.models import DatePrecision
from incidents.public.browse.search import plain_text

register = template.Library()

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@register.filter
def printable(value):
    """Text echoed from a query string, with control characters (NUL…)
    shown as "�": they are not allowed in an HTML page."""
    return _CONTROL_CHARACTERS.sub("\ufffd", str(value))


@register.filter
def plain(markdown_text):
    """Markdown as plain text (no citations, links or emphasis markers), for
    short extracts; the template escapes it."""
    return plain_text(str(markdown_text or ""))


@register.simple_tag
def occurrence(version):
    """The date of occurrence as precisely as it is known, in the page's format."""
    day = version.occurred_on
    if day is None:
        return ""
    precision = version.occurrence_precision
    if precision == DatePrecision.YEAR:
        return date_format(day, "Y")
    if precision == DatePrecision.MONTH:
        return date_format(day, "YEAR_MONTH_FORMAT")
    if precision == DatePrecision.RANGE and version.occurred_until:
        return _("%(start)s to %(end)s") % {"start": date_format(day), "end": date_format(version.occurred_until)}
    return date_format(day)


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
