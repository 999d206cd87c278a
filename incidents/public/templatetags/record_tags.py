"""Template helpers of the public record pages."""

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.i18n import date_format, localized, starts_with_vowel
from core.templatetags.dossier import text
from incidents.models import DatePrecision

register = template.Library()


def _day(value):
    return date_format(value, "DATE_FORMAT")


@register.simple_tag
def occurrence(version):
    """When it happened, as precisely as it is known, in the page's
    language: {"label": "Occurred on", "text": "July 16, 2025"}. The one
    formatter of the date of occurrence: the record page's key facts and
    the list's results both show it.

    Returns None when the date is unknown.
    """
    start, end, precision = version.occurred_on, version.occurred_until, version.occurrence_precision
    if start is None:
        return None
    if precision == DatePrecision.RANGE and end is not None:
        return {"label": _("Occurred"), "text": _("%(start)s – %(end)s") % {"start": _day(start), "end": _day(end)}}
    if precision == DatePrecision.MONTH:
        return {"label": _("Occurred in"), "text": formats.date_format(start, "YEAR_MONTH_FORMAT")}
    if precision == DatePrecision.YEAR:
        return {"label": _("Occurred in"), "text": str(start.year)}
    return {"label": _("Occurred on"), "text": _day(start)}


@register.filter
def foreign_lang(value, page_lang):
    """The ``lang`` attribute a Localized value needs on a page in
    ``page_lang`` (its own language when it differs), or ""."""
    lang = getattr(value, "lang", "")
    return lang if lang and lang != page_lang else ""


@register.simple_tag
def response_heading(entity):
    """ "Response from Air Canada" (« Réponse d’Air Canada »): the heading of
    an entity's response, its name marked if untranslated (the ``text`` tag)."""
    name = text(entity, "name")
    if starts_with_vowel(localized(entity, "name").text):
        template = pgettext("a name starting with a vowel follows", "Response from %(entity)s")
    else:
        template = _("Response from %(entity)s")
    return format_html(template.replace("%(entity)s", "{}"), name)
