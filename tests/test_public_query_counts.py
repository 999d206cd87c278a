"""The public listing pages cost a fixed number of SQL queries, whatever
the number of records they show, their parts, or their versions."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    EntityFactory,
    HarmTypeTermFactory,
    SectorTermFactory,
    SourceFactory,
    publish_revision,
    published_record,
)

pytestmark = pytest.mark.django_db

PAGES = [
    "/{lang}/",
    "/{lang}/incidents/",
    "/{lang}/incidents/?kind=incident&severity=3&sort=title",
    "/{lang}/incidents/?q=deepfake",
    "/{lang}/feeds/records.atom",
    "/{lang}/feeds/records.json",
]
# Generous ceilings: the rule is that the count does not grow; the ceiling
# catches a page that starts querying per row even with few rows.
CEILING = 30


def add_records(count, sector, harm_type, entity, source):
    for index in range(count):
        version = published_record(
            title_en=f"Deepfake scheme number {index}",
            title_fr=f"Stratagème d’hypertrucage numéro {index}",
            terms=[sector, harm_type],
            entities=[entity],
            countries=["CA", "FR"],
            harms=[("Deepfake harm", "Préjudice d’hypertrucage"), "Second harm"],
            sources=[source],
        )
        if index % 2:
            publish_revision(version.record, summary_en=f"Corrected deepfake summary {index}")


def queries(client, url):
    client.get(url)  # once-per-process lookups (e.g. which collations exist) done
    cache.clear()  # cold: counts, facets and rendered text computed again
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_listing_pages_cost_the_same_queries_for_3_or_12_records(client, lang):
    parts = (SectorTermFactory(), HarmTypeTermFactory(), EntityFactory(), SourceFactory())
    add_records(3, *parts)
    few = {url: queries(client, url.format(lang=lang)) for url in PAGES}
    add_records(9, *parts)
    many = {url: queries(client, url.format(lang=lang)) for url in PAGES}
    assert many == few
    assert max(many.values()) <= CEILING, many
