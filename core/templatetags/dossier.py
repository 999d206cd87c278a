"""Template tags shared by every page: bilingual text and language links."""

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import get_language_info

from core import links
from core.i18n import Localized, current_language, date_format, fallback_note, labelled, localized
from core.rendering import localized_markdown

register = template.Library()


@register.filter
def safe_url(value):
    """The address to put in an ``href``, or "" when it is not a web address
    (core/links.py): ``{% with href=source.url|safe_url %}``."""
    return links.safe_url(value)


@register.simple_tag
def localized_text(obj, field):
    """The field's Localized value (text, lang, is_fallback) for ``as`` use."""
    return localized(obj, field)


@register.simple_tag
def text(obj, field):
    """A translated field as inline text. A text missing in the page's
    language is shown in the other one, with its ``lang`` and a visible "not
    yet translated" note (the note itself in the page's language)."""
    value = obj if isinstance(obj, Localized) else localized(obj, field)
    if not value.is_fallback:
        return value.text
    return format_html(
        '<span lang="{}" class="untranslated">{}</span> <span class="untranslated-note">({})</span>',
        value.lang,
        value.text,
        fallback_note(),
    )


@register.filter(expects_localtime=True)
def date_text(value, format_name="DATE_FORMAT"):
    """Django's ``date`` filter for named formats, with « 1er mars » in
    French (core.i18n.date_format): ``{{ when|date_text:"DATE_FORMAT" }}``."""
    if not value:
        return ""
    return date_format(value, format_name)


@register.simple_tag(name="labelled")
def labelled_tag(label, value):
    """``label: value`` with the page language's colon ("INC-0001 : titre"
    in French, with its non-breaking space); escaped like any variable."""
    return labelled(label, value)


@register.simple_tag(name="fallback_note")
def fallback_note_tag():
    """The "not yet translated into <the page's language>" note."""
    return fallback_note()


@register.simple_tag
def markdown(obj, field, citations=None, id_prefix="text"):
    """A translated Markdown field rendered safely, with the same visible
    fallback as ``text`` but as a block (core.rendering.localized_markdown)."""
    return localized_markdown(obj, field, citations=citations, id_prefix=id_prefix)


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """The current page in every language: [{code, name, url, current}].

    ``url`` is absolute, for ``hreflang`` links and the language switcher.
    ``alternate_paths`` in the context ({code: path}) replaces the guess,
    for a page whose language is not in its URL's prefix (the staff preview).
    """
    request = context.get("request")
    if request is None:
        return []
    here = current_language()
    given = context.get("alternate_paths") or {}
    alternates = []
    for code, _name in settings.LANGUAGES:
        path = given.get(code) or translate_url(request.get_full_path(), code)
        info = get_language_info(code)
        alternates.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": request.build_absolute_uri(path),
                "current": code == here,
            }
        )
    return alternates


@register.tag
def same_on_every_page(parser, token):
    """``{% same_on_every_page %}…{% end_same_on_every_page %}``: markup that
    depends only on the language and the site's URLs (the footer's links,
    the search form), rendered once per process and language and then
    reused: the template engine spent about a millisecond of every page on
    the footer alone (bench/README.md, "Record page cache"). Nothing inside
    may read the page's context: it would be shown on every other page."""
    nodelist = parser.parse(("end_same_on_every_page",))
    parser.delete_first_token()
    return SameOnEveryPageNode(nodelist)


class SameOnEveryPageNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered = {}

    def render(self, context):
        if settings.DEBUG:
            return self.nodelist.render(context)
        # Everything the markup can depend on: the language, and which URLs
        # the site serves, under which prefix.
        key = (translation.get_language(), get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
        rendered = self.rendered.get(key)
        if rendered is None:
            rendered = self.rendered[key] = self.nodelist.render(context)
        return rendered
