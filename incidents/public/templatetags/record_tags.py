"""Template helpers of the public record pages."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext as _

from core.i18n import date_format, localized, starts_with_vowel
from core.links import safe_url
from core.templatetags.dossier import date_text, text
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


@register.simple_tag
def evidence_items(entries):
    """The items of the evidence list (``record_page.evidence``): the markup
    of templates/incidents/record_markup/evidence_items.html, written here in Python
    because the template engine made it a fifth of a cold page's template
    time. The tests render both and require the same HTML
    (tests/test_record_markup.py); change both together."""
    primary = gettext("Primary source")
    archived = gettext("Archived copy")
    unverified = gettext("No verified web address: find it by its author, publisher and date")
    citing = gettext("Records citing this source")
    what = gettext("What it corroborates:")
    back = gettext("Back to its first citation in the text")
    items = []
    for entry in entries:
        citation = entry.citation
        source = citation.source
        href = safe_url(source.url)
        title = format_html('<a href="{}">{}</a>', href, source.title) if href else conditional_escape(source.title)
        published = ""
        if source.published_on:
            published = format_html(
                ', <time datetime="{}">{}</time>',
                date_filter(source.published_on, "Y-m-d"),
                date_text(source.published_on, "DATE_FORMAT"),
            )
        archive = safe_url(source.archived_url)
        if archive:
            elsewhere = format_html('<span aria-hidden="true">·</span> <a href="{}">{}</a>', archive, archived)
        elif not href:
            elsewhere = format_html('<span aria-hidden="true">·</span> {}', unverified)
        else:
            elsewhere = ""
        items.append(
            format_html(
                "\n"
                '      <li id="{anchor}" class="source">\n'
                '        <p class="source__title">\n'
                '          <span class="source__label">[{label}]</span>\n'
                '          <cite lang="{language}">{title}</cite>\n'
                "          {primary}\n"
                "        </p>\n"
                '        <p class="source__meta">\n'
                "          {authors}{publisher}{published}\n"
                '          <span aria-hidden="true">·</span> {source_type}\n'
                "          {elsewhere}\n"
                '          <span aria-hidden="true">·</span> <a href="{source_page}">{citing}</a>\n'
                "        </p>\n"
                '        <p class="source__corroborates"><span class="source__what">{what}</span> {corroborates}</p>\n'
                "        {back}\n"
                "      </li>\n"
                "      ",
                anchor=entry.anchor,
                label=text(entry.label, ""),
                language=source.language,
                title=title,
                primary=format_html('<strong class="badge badge--primary">{}</strong>', primary)
                if citation.is_primary
                else "",
                authors=format_html("{}, ", source.authors) if source.authors else "",
                publisher=text(source, "publisher"),
                published=published,
                source_type=source.get_source_type_display(),
                elsewhere=elsewhere,
                source_page=reverse("incidents:source", args=[source.pk]),
                citing=citing,
                what=what,
                corroborates=text(citation, "corroborates"),
                back=format_html('<p class="back-link"><a href="#{}">{}</a></p>', entry.first_use, back)
                if entry.first_use
                else "",
            )
        )
    return mark_safe("".join(items))  # noqa: S308 (each item built by format_html above)


# The record page's other loops, as evidence_items: each writes the markup of
# its template in templates/incidents/record_markup/, tested to be the same.


@register.simple_tag
def harm_items(harms):
    """The items of the list of harms (record_markup/harm_items.html)."""
    harm_type = gettext("Harm type")
    severity = gettext("Severity")
    affected = gettext("Affected group")
    items = []
    for harm in harms:
        term = harm.harm_type
        kind = ""
        if term:
            kind = format_html(
                '<div><dt>{}</dt><dd><a href="{}">{}</a></dd></div>',
                harm_type,
                reverse("incidents:term", args=[term.taxonomy.slug, term.slug]),
                text(term, "name"),
            )
        group = ""
        if harm.affected_group_en or harm.affected_group_fr:
            group = format_html("<div><dt>{}</dt><dd>{}</dd></div>", affected, text(harm, "affected_group"))
        items.append(
            format_html(
                "\n"
                '      <li class="harm">\n'
                "        <p>{}</p>\n"
                '        <dl class="facts">\n'
                "          {}\n"
                "          <div><dt>{}</dt><dd>{}</dd></div>\n"
                "          {}\n"
                "        </dl>\n"
                "      </li>\n"
                "      ",
                text(harm, "description"),
                kind,
                severity,
                harm.get_severity_display(),
                group,
            )
        )
    return mark_safe("".join(items))  # noqa: S308 (each item built by format_html above)


@register.simple_tag
def entity_items(roles):
    """The items of the list of entities involved (record_markup/entity_items.html)."""
    items = []
    for role in roles:
        note = format_html(" ({})", text(role, "note")) if role.note_en or role.note_fr else ""
        items.append(
            format_html(
                '\n      <li><a href="{}">{}</a> <span aria-hidden="true">—</span> <span class="role">{}</span>{}</li>\n      ',
                reverse("incidents:entity", args=[role.entity.slug]),
                text(role.entity, "name"),
                role.get_role_display(),
                note,
            )
        )
    return mark_safe("".join(items))  # noqa: S308 (each item built by format_html above)


@register.simple_tag
def related_items(entries):
    """The items of the list of related records (record_markup/related_items.html)."""
    items = []
    for entry in entries:
        other = entry.record
        items.append(
            format_html(
                "\n"
                "      <li>\n"
                '        <span class="kind kind--{}">{}</span>\n'
                '        <a href="{}"><span class="record-id">{}</span> {}</a>\n'
                '        <span class="related-records__reason">{}</span>\n'
                "      </li>\n"
                "      ",
                other.kind,
                other.get_kind_display(),
                reverse("incidents:record", args=[other.public_id]),
                other.public_id,
                text(other.live_version, "title"),
                # As the join filter: each reason escaped.
                mark_safe(", ".join(conditional_escape(reason) for reason in entry.reasons)),  # noqa: S308 (escaped just here)
            )
        )
    return mark_safe("".join(items))  # noqa: S308 (each item built by format_html above)
