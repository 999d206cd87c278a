"""
Bar charts as SVG, drawn on the server: no script, no inline style (the
Content-Security-Policy forbids both; colours and type come from the
classes in static/css/statistics.css).

Each chart is an image to assistive technology (``role="img"``), named by
its ``<title>`` and described by its ``<desc>``; the page follows it with a
table of the same numbers, which is what a screen reader reads.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import ngettext

WIDTH = 640
ROW = 44  # a label line, then its bar
BAR = 16
LABEL_CHARS = 70  # longer labels are cut (the table gives them whole)
VALUE_SPACE = 56  # room for the count after the longest bar


def _label(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(facet, id_prefix: str) -> SafeString:
    """A horizontal bar chart of ``facet`` (statistics.Facet): one bar per
    row, its label above it and its count after it."""
    largest = facet.largest or 1
    span = WIDTH - VALUE_SPACE
    rows = []
    for index, row in enumerate(facet.rows):
        top = index * ROW
        length = max(round(span * row.count / largest), 2)
        rows.append(
            (
                top + 14,
                _label(row.label.text),
                top + 20,
                length,
                BAR,
                length + 6,
                top + 33,
                row.count,
            )
        )
    body = format_html_join(
        "",
        '<g class="chart__row"><text class="chart__label" x="0" y="{}">{}</text>'
        '<rect class="chart__bar" x="0" y="{}" width="{}" height="{}"></rect>'
        '<text class="chart__value" x="{}" y="{}">{}</text></g>',
        rows,
    )
    height = max(len(facet.rows), 1) * ROW
    described = ngettext(
        "A bar chart of %(count)s value; the table after it gives the same numbers.",
        "A bar chart of %(count)s values; the table after it gives the same numbers.",
        len(facet.rows),
    ) % {"count": len(facet.rows)}
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        width=WIDTH,
        height=height,
        id=id_prefix,
        title=facet.title,
        desc=described,
        body=body,
    )
