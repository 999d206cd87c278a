"""The record list and home with little or no data: bad query strings that
must never break the page, an empty site, and language-aware title sorting."""

import pytest

from incidents.publishing import workflow
from tests.catalogue import ids, page, public_ids
from tests.factories import EntityFactory, PublisherFactory, TaxonomyFactory, TermFactory, published_record, record_of

LANGS = ["en", "fr"]

pytestmark = pytest.mark.django_db


def test_home_without_records_says_so(client, db):
    html = page(client, "/fr/")
    assert "Aucune fiche n’a encore été publiée." in html or "No record has been published yet." in html
    assert 'id="updated-heading"' not in html


def test_accented_titles_sort_with_their_letter(client, db):
    zebra = published_record(title_fr="Zèbre")
    ecole = published_record(title_fr="École")
    apple = published_record(title_fr="abricot")
    order = public_ids(page(client, "/fr/incidents/?sort=title"))
    if order != ids(apple, ecole, zebra):
        # SQLite has no locale-aware collation: only PostgreSQL promises this.
        from django.db import connection

        assert connection.vendor != "postgresql", order


MALFORMED = [
    "page=-1",
    "page=0",
    "page=999999999",
    "page=abc",
    "page=1e3",
    "page=99999999999999999999999999999",
    "q=" + "x" * 2000,
    "q=%22unbalanced",
    "q=%27%3B+DROP+TABLE+incidents_record%3B--",
    "q=%25",
    "q=100%25+_",
    "q=%00",
    "q=a%00b",
    "q=%E2%80%8B",
    "q=!%26%7C%3A*()%3C-%3E",
    "q=%5C",
    "kind=robot",
    "kind=%00",
    "severity=9",
    "severity=high",
    "verification=-1",
    "country=XX",
    "country=%00",
    "entity=" + "y" * 500,
    "entity=%00",
    "entity=no+such+entity",
    "term-sector=nope",
    "term-sector=%00",
    "term-no-such-taxonomy=x",
    "date_from=2025-13-45",
    "date_from=yesterday",
    "date_to=%00",
    "date_from=2025-02-01&date_to=2025-01-01",
    "date_from=0001-01-01&date_to=9999-12-31",
    "sort=random",
    "sort=%00",
    "unknown=1",
    "kind=incident&" + "&".join(f"entity=e{i}" for i in range(40)),
]


@pytest.fixture
def small_catalogue(db):
    """Enough for every filter to exist, quicker than the full catalogue."""
    term = TermFactory(taxonomy=TaxonomyFactory(slug="sector"), slug="finance")
    return published_record(terms=[term], entities=[EntityFactory(slug="rcmp")], countries=["CA"])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("query", MALFORMED)
def test_malformed_query_strings_never_break_the_list(client, small_catalogue, lang, query):
    response = client.get(f"/{lang}/incidents/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>" in html and "\x00" not in html


def test_counts_follow_each_publication_and_withdrawal(client, db):
    """The unfiltered list's counts are cached until the next publication or
    withdrawal: neither may leave them stale."""
    finance = TermFactory(taxonomy=TaxonomyFactory(slug="sector"), slug="finance", name_en="Finance")
    first = published_record(terms=[finance], countries=["CA"])
    html = page(client, "/en/incidents/")
    assert 'role="status">1 record' in html and 'value="finance"' in html
    assert "<strong>1</strong> incident" in page(client, "/en/")

    health = TermFactory(taxonomy=finance.taxonomy, slug="health", name_en="Health")
    published_record(terms=[health], countries=["FR"])
    html = page(client, "/en/incidents/")
    assert 'role="status">2 records' in html and 'value="health"' in html and 'value="FR"' in html
    assert "<strong>2</strong> incidents" in page(client, "/en/")

    workflow.withdraw(record_of(first), by=PublisherFactory(), reason_en="Duplicate.", reason_fr="Doublon.")
    html = page(client, "/en/incidents/")
    assert 'role="status">1 record' in html
    assert 'value="finance"' not in html and 'value="CA"' not in html
    assert "<strong>1</strong> incident" in page(client, "/en/")


@pytest.mark.parametrize("selection", ["term-sector=finance", "q=deepfake", "q=deepfake&country=CA"])
def test_a_selections_cached_counts_follow_each_publication_and_withdrawal(client, db, selection):
    """A filtered list's or a search's counts are cached for the next
    readers and pages of the same selection, until the next publication or
    withdrawal."""
    finance = TermFactory(taxonomy=TaxonomyFactory(slug="sector"), slug="finance", name_en="Finance")
    first = published_record(terms=[finance], countries=["CA"], summary_en="A deepfake of a banker.")
    assert 'role="status">1 record' in page(client, f"/en/incidents/?{selection}")

    second = published_record(terms=[finance], countries=["CA"], summary_en="Another deepfake.")
    assert 'role="status">2 records' in page(client, f"/en/incidents/?{selection}")

    workflow.withdraw(record_of(first), by=PublisherFactory(), reason_en="Duplicate.", reason_fr="Doublon.")
    assert 'role="status">1 record' in page(client, f"/en/incidents/?{selection}&sort=title")
    workflow.withdraw(record_of(second), by=PublisherFactory(), reason_en="Duplicate.", reason_fr="Doublon.")
    assert 'role="status">0 records' in page(client, f"/en/incidents/?{selection}")


def test_the_next_page_of_a_selection_counts_nothing_again(client, db, monkeypatch):
    from incidents.public.browse.facets import FacetSet

    counted = []
    count = FacetSet._count
    monkeypatch.setattr(FacetSet, "_count", lambda facet_set: counted.append(1) or count(facet_set))
    finance = TermFactory(taxonomy=TaxonomyFactory(slug="sector"), slug="finance", name_en="Finance")
    for index in range(25):
        published_record(terms=[finance], summary_en=f"Deepfake number {index}.")
    url = "/en/incidents/?q=deepfake&term-sector=finance"
    assert 'role="status">25 records' in page(client, url)
    assert 'role="status">25 records' in page(client, url + "&page=2")
    assert 'role="status">25 records' in page(client, url + "&sort=title")
    assert len(counted) == 1
    # Another language stems the search differently, another filter counts
    # other records: each is counted afresh.
    page(client, url.replace("/en/", "/fr/"))
    page(client, url + "&severity=3")
    assert len(counted) == 3


def test_renaming_a_term_shows_at_once(client, db):
    """Names are never cached: a publisher's correction is public at once."""
    term = TermFactory(taxonomy=TaxonomyFactory(slug="sector"), slug="finance", name_en="Finanse")
    published_record(terms=[term])
    assert "Finanse" in page(client, "/en/incidents/")
    term.name_en = "Finance"
    term.save()
    html = page(client, "/en/incidents/")
    assert "Finance" in html and "Finanse" not in html
