"""
The facet counts counted in memory from the list entries
(incidents/public/browse/facet_index.py, PostgreSQL) are the counts the ORM
gives from the live versions and their parts (the path SQLite takes), for
every kind of filter, alone and combined, with and without a search; and
they follow each publication and withdrawal.
"""

import datetime

import pytest
from django.db import connection
from django.http import QueryDict
from django.utils import translation

from incidents.models import Kind, Severity
from incidents.public.browse import facet_index
from incidents.public.browse.facets import ENTITY_FACET_SIZE, FacetSet
from incidents.public.browse.query import RecordBrowser
from incidents.publishing import workflow
from tests.factories import (
    EntityFactory,
    PublisherFactory,
    SectorTermFactory,
    TermFactory,
    published_record,
    record_of,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the list entries' arrays are PostgreSQL columns"),
]


def counts(query_string, lang="en", *, from_index=True) -> dict:
    with translation.override(lang):
        browser = RecordBrowser(QueryDict(query_string), lang)
        if not from_index:
            browser.listing = None  # the ORM's path, as on SQLite
        found = FacetSet(browser)._count()
    # The ORM's path lists every choice, those with no record as 0.
    return {facet: {value: n for value, n in values.items() if n} for facet, values in found.items()}


@pytest.fixture
def catalogue():
    """Records spread over every facet: kinds, severities, countries,
    entities (more than the facet lists), nested sector terms, other
    databases, dates, words."""
    finance = SectorTermFactory(slug="finance", name_en="Finance")
    banking = TermFactory(taxonomy=finance.taxonomy, parent=finance, slug="banking", name_en="Banking")
    health = TermFactory(taxonomy=finance.taxonomy, slug="health", name_en="Health")
    entities = [EntityFactory(slug=f"entity-{n:02d}") for n in range(ENTITY_FACET_SIZE + 5)]
    records = []
    for n in range(24):
        version = published_record(
            kind=Kind.HAZARD if n % 4 == 0 else Kind.INCIDENT,
            severity=[Severity.LOW, Severity.MODERATE, Severity.HIGH][n % 3],
            terms=[[finance], [banking], [health], [banking, health]][n % 4],
            entities=entities[n % 20 : n % 20 + 1 + n % 3],
            countries=[["CA"], ["FR"], ["CA", "FR"], []][n % 4],
            external_ids=[("aiid", str(n))] if n % 5 == 0 else [],
            occurred_on=datetime.date(2020 + n % 5, 1 + n % 12, 1) if n % 6 else None,
            summary_en=("A deepfake of a banker." if n % 3 == 0 else "A chatbot gave bad advice."),
        )
        records.append(record_of(version))
    return records


SELECTIONS = [
    "",
    "kind=incident",
    "severity=3&severity=1",
    "country=CA",
    "entity=entity-01&entity=entity-03",
    "term-sector=finance",
    "term-sector=banking&kind=hazard",
    "external=aiid",
    "date_from=2021-01-01&date_to=2022-12-31",
    "q=deepfake",
    "q=chatbot&country=FR&term-sector=health",
    "q=deepfake&entity=entity-02&severity=1",
    "q=nothingmatchesthis",
]


def test_counts_from_the_index_are_the_orms_counts(catalogue):
    # One catalogue for every selection: publishing it is most of the time.
    for lang in ("en", "fr"):
        for selection in SELECTIONS:
            assert counts(selection, lang) == counts(selection, lang, from_index=False), (lang, selection)


def test_the_entity_facet_keeps_the_most_named_and_breaks_ties_by_slug(catalogue):
    entities = counts("")["entity"]
    assert len(entities) == ENTITY_FACET_SIZE
    # Some entities left out are named as often as some kept: the slug decided.
    assert min(entities.values()) in {1, 2}
    assert entities == counts("", from_index=False)["entity"]


def test_counts_follow_each_publication_and_withdrawal_read_once_per_publication(catalogue):
    counts("kind=incident")
    index = facet_index._indexes[connection.alias][1]
    before = counts("country=CA")
    # Another selection under the same publications: the same index.
    assert facet_index._indexes[connection.alias][1] is index
    published_record(countries=["CA"], summary_en="One more.")
    after = counts("country=CA")
    assert facet_index._indexes[connection.alias][1] is not index
    assert sum(after["kind"].values()) == sum(before["kind"].values()) + 1
    workflow.withdraw(catalogue[0], by=PublisherFactory(), reason_en="Duplicate.", reason_fr="Doublon.")
    assert counts("country=CA") == counts("country=CA", from_index=False)
