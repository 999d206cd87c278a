"""
The licence a published version is offered under, and the credits for the
data it draws from elsewhere.

Original records are under ``DOSSIER_CONTENT_LICENCE`` (CC BY 4.0 by
default). ``DOSSIER_DATA_CREDITS`` names the databases some records draw
on (the AI Incident Database by default), each recognized by the URLs of
the sources a version cites: a version citing one is credited for it ("Contains
data from the AI Incident Database, CC BY-SA 4.0"), and when that data is
share-alike, the version is offered under the data's licence (``licensing``).

Only a version's citations and their sources are read. The record page, the
citation files and the feeds load them anyway, with the citations, so saying
the licence costs no query (``RECORD_PAGE_QUERIES`` in
tests/test_record_pages.py).
"""

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Licence:
    name: str  # "CC BY 4.0"
    url: str
    share_alike: bool = False  # adaptations must be offered under the same licence


@dataclass(frozen=True)
class Credit:
    """A database whose data some records use, and the data's licence."""

    name: str  # "AI Incident Database"
    url: str
    licence: Licence
    sources: tuple[str, ...]  # URL prefixes of the sources that draw on it

    def covers(self, url) -> bool:
        """Whether a source at ``url`` draws on this database."""
        address = _comparable(url)
        return bool(address) and any(address.startswith(_comparable(prefix)) for prefix in self.sources)


@dataclass(frozen=True)
class Licensing:
    """What a version says about its licence: the licence and the credits."""

    licence: Licence
    credits: tuple[Credit, ...] = ()


def _comparable(url) -> str:
    """ "https://www.Example.org/a/" -> "example.org/a/": the scheme and a
    leading "www." do not tell two sources apart. A host ends at its "/", so
    "example.org.evil.test" does not pass for "example.org"."""
    try:
        parts = urlsplit((url or "").strip())
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:  # a malformed address matches nothing
        return ""
    return f"{host}{parts.path or '/'}" if host else ""


def _licence(data) -> Licence:
    return Licence(name=data["name"], url=data["url"], share_alike=bool(data.get("share_alike", False)))


def content_licence() -> Licence:
    """The licence of original records (``DOSSIER_CONTENT_LICENCE``)."""
    return _licence(settings.DOSSIER_CONTENT_LICENCE)


def data_credits() -> tuple[Credit, ...]:
    """The credited databases (``DOSSIER_DATA_CREDITS``), in their order."""
    return tuple(
        Credit(
            name=data["name"],
            url=data["url"],
            licence=_licence(data["licence"]),
            sources=tuple(data.get("sources") or [data["url"]]),
        )
        for data in settings.DOSSIER_DATA_CREDITS
    )


def for_sources(sources) -> Licensing:
    """The licence and credits of a text that cites ``sources``."""
    urls = [source.url for source in sources if source.url]
    credits = tuple(credit for credit in data_credits() if any(credit.covers(url) for url in urls))
    licence = content_licence()
    for credit in credits:
        if credit.licence.share_alike:
            # A record built on share-alike data is an adaptation of it, and
            # an adaptation of CC BY-SA material must be shared under the same
            # licence (CC BY-SA 4.0, section 3(b)): the record takes the data's
            # licence instead of ours. Should two credited databases ask for
            # two different share-alike licences, the first one listed wins;
            # such licences cannot both be met, so avoid configuring both.
            licence = credit.licence
            break
    return Licensing(licence, credits)


def licensing(version) -> Licensing:
    """The licence and the credits of a published ``version``, from the
    sources it cites (prefetch ``citations__source`` to read them without a
    query per version)."""
    return for_sources(citation.source for citation in version.citations.all())


def original() -> Licensing:
    """Our own text, credited to no one: a withdrawal notice, a feed."""
    return Licensing(content_licence())


def settings_fingerprint() -> str:
    """Changes when the licence settings do: part of the record pages' ETags,
    so a new licence reaches readers who hold a page."""
    data = repr((settings.DOSSIER_CONTENT_LICENCE, settings.DOSSIER_DATA_CREDITS))
    return hashlib.blake2b(data.encode(), digest_size=8).hexdigest()


# Saying it ----------------------------------------------------------------


def statement_html(terms: Licensing) -> SafeString:
    """ "Licence: CC BY-SA 4.0. Contains data from the AI Incident Database,
    CC BY-SA 4.0." in the current language, each name linked."""
    licence = format_html('<a rel="license" href="{}">{}</a>', terms.licence.url, terms.licence.name)
    parts = [format_html(_("Licence: {licence}"), licence=licence)]
    parts += [
        format_html(
            _("Contains data from the {name}, {licence}"),
            name=format_html('<a href="{}">{}</a>', credit.url, credit.name),
            licence=format_html('<a href="{}">{}</a>', credit.licence.url, credit.licence.name),
        )
        for credit in terms.credits
    ]
    return format_html("{}.", format_html_join(". ", "{}", ((part,) for part in parts)))


def statement_text(terms: Licensing) -> str:
    """The same as plain text, each address in brackets (Atom's <rights>)."""
    parts = [_("Licence: {licence}").format(licence=f"{terms.licence.name} ({terms.licence.url})")]
    parts += [
        _("Contains data from the {name}, {licence}").format(
            name=f"{credit.name} ({credit.url})",
            licence=f"{credit.licence.name} ({credit.licence.url})",
        )
        for credit in terms.credits
    ]
    return ". ".join(parts) + "."


def as_data(terms: Licensing) -> dict:
    """The licence and credits as JSON data (the JSON Feed's extension)."""
    return {
        "licence": {"name": terms.licence.name, "url": terms.licence.url},
        "credits": [
            {
                "name": credit.name,
                "url": credit.url,
                "licence": {"name": credit.licence.name, "url": credit.licence.url},
            }
            for credit in terms.credits
        ],
    }
