"""
Citing and sharing a published version: a formatted reference in the
reader's language, BibTeX, CSL-JSON, and schema.org JSON-LD for the page head.

Every format names the *version's* permalink (``/en/incidents/INC-0001/v2/``),
never the record's moving URL: a citation must keep pointing at the text the
author read. Every format that has a field for it also states the version's
licence (``incidents/public/licence.py``).
"""

import json
import re
from dataclasses import dataclass
from datetime import datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.i18n import Localized, localized
from core.links import safe_url
from incidents.public import licence
from incidents.public.licence import Licensing

SITE_NAME = "Dossier"

BIBTEX_LANGUAGES = {"en": "english", "fr": "french"}


@dataclass(frozen=True)
class Reference:
    """What every citation format says about one version."""

    public_id: str
    kind: str
    number: int
    title: Localized
    summary: str  # plain text
    published_at: datetime
    url: str  # absolute permalink of this version in ``lang``
    lang: str
    licensing: Licensing | None = None  # its licence and credits; None: not stated
    summary_lang: str = ""  # the language the summary is really in; "" : the title's


def reference(record, version, url, lang, summary="") -> Reference:
    """The reference of a published ``version``; its licence is read from its
    citations and their sources (prefetched on every page that cites)."""
    summary_lang = localized(version, "summary", lang).lang if summary else ""
    return Reference(
        public_id=record.public_id,
        kind=record.kind,
        number=version.number,
        title=localized(version, "title", lang),
        summary=summary,
        published_at=version.published_at,
        url=url,
        lang=lang,
        licensing=licence.licensing(version),
        summary_lang=summary_lang,
    )


def cite_key(ref: Reference) -> str:
    return f"dossier-{ref.public_id.lower()}-v{ref.number}"


def filename(ref: Reference, extension: str) -> str:
    return f"{ref.public_id}-v{ref.number}.{extension}"


# Formatted text ---------------------------------------------------------


def formatted(ref: Reference) -> SafeString:
    """An author–date reference in the reader's language, as HTML: the title
    in <cite> (marked lang="en" when French is missing), the URL linked."""
    title = format_html(
        "<cite{}>{}</cite>",
        format_html(' lang="{}"', ref.title.lang) if ref.title.is_fallback else "",
        ref.title.text,
    )
    link = format_html('<a href="{}">{}</a>', ref.url, ref.url)
    # Translators: an author-date reference; keep the placeholders.
    template = _("{site}. ({year}). {title} ({public_id}, version {number}). Retrieved from {url}")
    return format_html(
        template,
        site=SITE_NAME,
        year=_local_date(ref.published_at).year,
        title=title,
        public_id=ref.public_id,
        number=ref.number,
        url=link,
    )


# BibTeX ---------------------------------------------------------------------

# One pass, character by character, so the braces a replacement adds are
# never escaped again.
_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}


def bibtex_escape(text: str) -> str:
    """Text safe inside a braced BibTeX field: LaTeX specials escaped,
    line breaks and control characters turned into spaces."""
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", text or "")
    return "".join(_BIBTEX_SPECIALS.get(char, char) for char in text).strip()


def _bibtex_url(url: str) -> str:
    # Our URLs hold none of these, but a URL must not be able to unbalance
    # the entry's braces either; percent-encoding keeps it a valid URL.
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


def _local_date(moment):
    # The date readers see on the page, in the site's time zone, not UTC's.
    return timezone.localdate(moment)


def bibtex(ref: Reference) -> str:
    # BibTeX (and biblatex's standard data model) has no field for a licence:
    # none is written, rather than a field reference managers would ignore or
    # print as a note. The CSL-JSON file and the page say it.
    date = _local_date(ref.published_at)
    fields = [
        ("author", f"{{{SITE_NAME}}}"),  # braced twice: a corporate author, not "Last, First"
        ("title", bibtex_escape(ref.title.text)),
        ("year", str(date.year)),
        ("month", str(date.month)),
        ("date", date.isoformat()),
        ("version", str(ref.number)),
        ("number", bibtex_escape(ref.public_id)),
        ("organization", SITE_NAME),
        ("howpublished", rf"\url{{{_bibtex_url(ref.url)}}}"),
        ("url", _bibtex_url(ref.url)),
        (
            "note",
            bibtex_escape(
                _("Record %(public_id)s, version %(number)s") % {"public_id": ref.public_id, "number": ref.number}
            ),
        ),
        ("langid", BIBTEX_LANGUAGES.get(ref.title.lang, ref.title.lang)),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{cite_key(ref)},\n{body}\n}}\n"


# CSL-JSON -------------------------------------------------------------------


def csl_json(ref: Reference) -> list[dict]:
    """A one-item CSL-JSON list, as reference managers import it."""
    date = _local_date(ref.published_at)
    item = {
        "id": cite_key(ref),
        "type": "webpage",
        "title": ref.title.text,
        "author": [{"literal": SITE_NAME}],
        "container-title": SITE_NAME,
        "publisher": SITE_NAME,
        "number": ref.public_id,
        "version": str(ref.number),
        "issued": {"date-parts": [[date.year, date.month, date.day]]},
        "URL": ref.url,
        "language": ref.title.lang,
    }
    if ref.summary:
        item["abstract"] = ref.summary
    if ref.licensing:
        item["license"] = ref.licensing.licence.url
    return [item]


# schema.org JSON-LD -----------------------------------------------------------


def json_ld(
    ref: Reference, *, page_url, first_published, sources=(), terms=(), entities=(), countries=(), same_as=()
) -> dict:
    """schema.org metadata of the page. Only what the page itself shows;
    ``same_as``: the links of the same incident in other databases.

    ``inLanguage`` is the language of the title it carries, which is not the
    page's when the title is not yet translated; a summary in yet another
    language says so with a JSON-LD language-tagged value."""
    description = ref.summary
    if ref.summary and ref.summary_lang and ref.summary_lang != ref.title.lang:
        description = {"@value": ref.summary, "@language": ref.summary_lang}
    data = {
        "@context": "https://schema.org",
        "@type": "Report",
        "@id": ref.url,
        "url": page_url,
        "identifier": ref.public_id,
        "name": ref.title.text,
        "headline": ref.title.text,
        "description": description,
        "inLanguage": ref.title.lang,
        "version": str(ref.number),
        "datePublished": first_published.isoformat(),
        "dateModified": ref.published_at.isoformat(),
        "publisher": {"@type": "Organization", "name": SITE_NAME},
        "genre": ref.kind,
    }
    if ref.licensing:
        data["license"] = ref.licensing.licence.url
        if ref.licensing.credits:
            # The credited data the record is an adaptation of.
            data["isBasedOn"] = [
                {"@type": "Dataset", "name": credit.name, "url": credit.url, "license": credit.licence.url}
                for credit in ref.licensing.credits
            ]
    if sources:
        data["citation"] = [
            {
                "@type": "CreativeWork",
                "name": source.title,
                "inLanguage": source.language,
                **({"url": href} if (href := safe_url(source.url)) else {}),
                **({"datePublished": source.published_on.isoformat()} if source.published_on else {}),
                "publisher": {"@type": "Organization", "name": localized(source, "publisher", ref.lang).text},
            }
            for source in sources
        ]
    if terms:
        data["about"] = [
            {
                "@type": "DefinedTerm",
                "name": localized(term, "name", ref.lang).text,
                "inDefinedTermSet": localized(term.taxonomy, "name", ref.lang).text,
            }
            for term in terms
        ]
    if entities:
        data["mentions"] = [
            {
                "@type": "Person" if entity.kind == "person" else "Organization",
                "name": localized(entity, "name", ref.lang).text,
            }
            for entity in entities
        ]
    links = [href for href in map(safe_url, same_as) if href]
    if links:
        data["sameAs"] = links
    if countries:
        data["spatialCoverage"] = [{"@type": "Country", "name": str(country.name)} for country in countries]
    return data


# What a data block must not contain to stay one: "<" (so neither
# "</script>" nor "<!--" can appear), ">" and "&", as Django's json_script
# escapes them, plus the two line separators some parsers treat as newlines.
_JSON_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def json_ld_script(data: dict) -> SafeString:
    """``<script type="application/ld+json">`` with the data escaped like
    Django's ``json_script``. A data block, not a script: the CSP does not
    apply to it, and no text in it can close the element."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308 (escaped above)


# On a page ----------------------------------------------------------------------


def absolute_url(request, name, *args):
    """The absolute address of a public page (``incidents:<name>``)."""
    return request.build_absolute_uri(reverse(f"incidents:{name}", args=args))


def cite_context(request, record, version, context, lang):
    """The "Cite this record" section of a published version's page (also
    shown by the staff preview of a published version); with the citation
    reference, which the page's JSON-LD reuses."""
    permalink = absolute_url(request, "version", record.public_id, version.number)
    ref = reference(record, version, permalink, lang, summary=context["texts"]["summary_text"])
    return ref, {
        "permalink": permalink,
        "record_url": absolute_url(request, "record", record.public_id),
        "formatted_citation": formatted(ref),
        "licence_statement": licence.statement_html(ref.licensing),
        "bibtex": bibtex(ref),
        "csl_json": json.dumps(csl_json(ref), ensure_ascii=False, indent=2),
    }
