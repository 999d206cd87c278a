"""
Counts of published records, by facet: the numbers of the statistics page
(/en/statistics/) and of the API's /api/v1/stats/, computed here once so
the two can never disagree.

A record counts through its live version only (``RecordVersion.objects
.live()``): drafts, versions in review and withdrawn records count nowhere.
A record with two sectors counts once in each, so a facet's rows may add
up to more than the total.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from core.i18n import Localized, current_language, localized
from incidents import pins
from incidents.models import Classification, Harm, Jurisdiction, Kind, RecordVersion, Severity, VerificationLevel
from incidents.public.browse.choices import cached
from taxonomy.models import HARM_TYPE, SECTOR, Term


def counts() -> dict:
    """Published records (their live versions) counted by facet: {"total":
    n, facet: {value: n}}, values being years (None when the date is
    unknown), kinds, term ids, country codes, severities and levels.

    Only a publication, a withdrawal or a merge (a publication) changes
    them: cached under the publication stamp (``browse.choices.cached``),
    so the page and the API count 100,000 records once per publication."""
    return cached("statistics", _count)


def _count() -> dict:
    live = RecordVersion.objects.live()
    live_ids = live.values("pk")

    def by(queryset, field):
        return dict(queryset.order_by().values_list(field).annotate(n=Count("version", distinct=True)))

    years = Counter(
        dict(live.annotate(year=ExtractYear("occurred_on")).order_by().values_list("year").annotate(n=Count("pk")))
    )
    return {
        "total": live.count(),
        "year": years,
        "kind": dict(live.order_by().values_list("record__kind").annotate(n=Count("pk"))),
        "severity": dict(live.order_by().values_list("severity").annotate(n=Count("pk"))),
        "verification_level": dict(live.order_by().values_list("verification_level").annotate(n=Count("pk"))),
        "jurisdiction": by(Jurisdiction.objects.filter(version__in=live_ids), "country"),
        "harm_type": by(Harm.objects.filter(version__in=live_ids, harm_type__taxonomy__slug=HARM_TYPE), "harm_type_id"),
        "sector": by(Classification.objects.filter(version__in=live_ids, term__taxonomy__slug=SECTOR), "term_id"),
    }


# The statistics page ----------------------------------------------------------


@dataclass(frozen=True)
class Row:
    value: object  # as the API names it: a year, a kind, a term's slug, a country code, a level
    label: Localized
    count: int


@dataclass(frozen=True)
class Facet:
    key: str  # "year", "harm_type"…: the API's name for it
    title: str
    rows: list[Row]

    @property
    def largest(self) -> int:
        return max((row.count for row in self.rows), default=0)


# In the order of the page, with its headings.
FACETS = (
    ("year", gettext_lazy("Published records by year of occurrence")),
    ("kind", gettext_lazy("Published records by kind")),
    ("harm_type", gettext_lazy("Published records by harm type")),
    ("sector", gettext_lazy("Published records by sector")),
    ("jurisdiction", gettext_lazy("Published records by jurisdiction")),
    ("severity", gettext_lazy("Published records by severity")),
    ("verification_level", gettext_lazy("Published records by verification level")),
)


def _plain(text) -> Localized:
    return Localized(str(text), current_language(), False)


def facets(found=None) -> tuple[int, list[Facet]]:
    """The total and every facet of ``counts()``, labelled in the active
    language. Terms are named as published versions show them
    (``pins.public_rows``), as the record pages do."""
    found = counts() if found is None else found
    used = {*found["harm_type"], *found["sector"]}
    terms = {term.pk: term for term in pins.public_rows(Term)} if used else {}
    if used - terms.keys():  # terms no published version pinned (data from before pins): as they are
        terms.update(Term.objects.in_bulk(used - terms.keys()))

    def by_count(rows):
        # Largest first; ties in the order of their values, as the API orders them.
        return sorted(rows, key=lambda row: (-row.count, str(row.value)))

    def term_rows(key):
        rows = []
        for pk, n in found[key].items():
            term = terms[pk]
            rows.append(Row(term.slug, localized(term, "name"), n))
        return by_count(rows)

    def scale(choices, key):
        # A scale reads in its own order, lowest first.
        return [Row(value, _plain(label), found[key][value]) for value, label in choices.choices if value in found[key]]

    rows = {
        "year": [
            Row(year, _plain(year if year else _("Date unknown")), n)
            for year, n in sorted(found["year"].items(), key=lambda item: (item[0] is None, item[0] or 0))
        ],
        "kind": [
            Row(value, _plain(label), found["kind"][value]) for value, label in Kind.choices if value in found["kind"]
        ],
        "harm_type": term_rows("harm_type"),
        "sector": term_rows("sector"),
        "jurisdiction": by_count(
            Row(code, _plain(countries.name(code) or code), n) for code, n in found["jurisdiction"].items()
        ),
        "severity": scale(Severity, "severity"),
        "verification_level": scale(VerificationLevel, "verification_level"),
    }
    return found["total"], [Facet(key, str(title), rows[key]) for key, title in FACETS]
