"""Template helpers for the pages that list records."""

import datetime
import re

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core.rendering import text_from_markdown
from core.templatetags.dossier import text

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


@register.simple_tag
def facet_options(facet, options=None):
    """The checkboxes of a facet of the list, nested as its terms are: the
    markup of templates/incidents/_facet_options.html, written here in
    Python because the template engine took a search page about 10 ms for
    its 100-odd options (bench/README.md, "Search at scale"). The tests
    render both and require the same HTML (tests/test_facet_markup.py);
    change both together."""
    name = conditional_escape(facet.name)
    items = []
    for option in facet.options if options is None else options:
        value = conditional_escape(option.value)
        label = text(option.label, "name") if option.has_label_object else localize(option.label)
        items.append(
            f'\n  <li>\n    <input type="checkbox" id="f-{name}-{value}" name="{name}" value="{value}"'
            f"{' checked' if option.selected else ''}>\n"
            f'    <label for="f-{name}-{value}">{conditional_escape(label)}'
            f' <span class="facet__count">({conditional_escape(localize(option.count))})</span></label>\n'
            f"    {facet_options(facet, option.children) if option.children else ''}\n  </li>\n  "
        )
    return mark_safe(f'<ul class="facet__options">\n  {"".join(items)}\n</ul>\n')  # noqa: S308 (every value escaped)
