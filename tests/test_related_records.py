"""Related records (issue 13, item 4): up to five published records sharing
entities, harm types, sectors or countries, with why, computed when versions
are published, withdrawn or merged (incidents/related.py), never per request."""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

from incidents import related
from incidents.models import RelatedRecord
from incidents.public.record_page import page_stamp
from incidents.publishing import workflow
from tests.factories import (
    DraftVersionFactory,
    EntityFactory,
    EntityRoleFactory,
    HarmFactory,
    HarmTypeTermFactory,
    PublisherFactory,
    SectorTermFactory,
    add_parts,
    approve,
    publish,
    publish_revision,
    revise,
)
from tests.test_record_pages import RECORD_PAGE_QUERIES_WITHOUT_RECOMMENDATIONS, count_queries

pytestmark = pytest.mark.django_db


def record_with(*, entities=(), harm_types=(), sectors=(), countries=(), **fields):
    """A published record (v1) whose live version shows these."""
    draft = DraftVersionFactory(**fields)
    for entity in entities:
        EntityRoleFactory(version=draft, entity=entity)
    for term in harm_types:
        HarmFactory(version=draft, harm_type=term)
    add_parts(draft, terms=sectors, countries=countries)
    workflow.submit(draft, by=draft.created_by)
    return publish(approve(draft)).record


def listed(record):
    return list(RelatedRecord.objects.filter(record=record).order_by("rank").values_list("related_id", flat=True))


def test_related_records_are_computed_when_a_version_is_published():
    entities = EntityFactory.create_batch(3)
    first = record_with(entities=entities)
    assert listed(first) == []  # nothing else published yet
    second = record_with(entities=entities)
    # Both lists change at the second publication: the first record lists the second too.
    assert listed(second) == [first.pk]
    assert listed(first) == [second.pk]
    row = RelatedRecord.objects.get(record=second)
    assert (row.shared_entities, row.shared_harm_types, row.shared_sectors, row.score) == (3, 0, 0, 9)


def test_the_record_page_gives_the_reason_in_both_languages(client):
    entities = EntityFactory.create_batch(3)
    record_with(entities=entities, title_en="Voice clone fraud", title_fr="Fraude par clonage vocal")
    second = record_with(entities=entities)
    english = client.get(f"/en/incidents/{second.public_id}/").content.decode()
    assert "Related records" in english and "Voice clone fraud" in english
    assert "shares 3 entities" in english
    french = client.get(f"/fr/incidents/{second.public_id}/").content.decode()
    assert "Fiches connexes" in french and "Fraude par clonage vocal" in french
    assert "3\u00a0entités en commun" in french


def test_reasons_are_pluralised_and_name_harm_type_and_sector():
    harm, sector, entity = HarmTypeTermFactory(), SectorTermFactory(), EntityFactory()
    first = record_with(entities=[entity], harm_types=[harm], sectors=[sector])
    second = record_with(entities=[entity], harm_types=[harm], sectors=[sector])
    row = RelatedRecord.objects.get(record=second, related=first)
    with translation.override("en"):
        assert related.reasons(row) == ["shares 1 entity", "same harm type and sector"]
    with translation.override("fr"):
        assert related.reasons(row) == ["1\u00a0entité en commun", "même type de préjudice et même secteur"]
    row.shared_sectors = 0
    with translation.override("en"):
        assert related.reasons(row) == ["shares 1 entity", "same harm type"]


def test_a_shared_country_alone_relates_nothing():
    record_with(countries=["CA"])
    second = record_with(countries=["CA"])
    assert listed(second) == []


def test_at_most_five_are_listed_best_first():
    entities = EntityFactory.create_batch(3)
    weak = [record_with(entities=entities[:1]) for _ in range(4)]
    strong = record_with(entities=entities[:2])
    strongest = record_with(entities=entities)
    subject = record_with(entities=entities)
    found = listed(subject)
    assert len(found) == 5
    assert found[:2] == [strongest.pk, strong.pk]
    # Among equals, the most recently published first: the first weak one is left out.
    assert found[2:] == [record.pk for record in reversed(weak[1:])]


def test_a_withdrawn_record_drops_out_of_the_lists_and_pages(client):
    entities = EntityFactory.create_batch(2)
    gone = record_with(entities=entities, title_en="Withdrawn neighbour")
    stays = record_with(entities=entities)
    assert listed(stays) == [gone.pk]
    workflow.withdraw(gone, by=PublisherFactory(), reason_en="Wrong", reason_fr="Erroné")
    assert listed(stays) == []
    assert listed(gone) == []
    assert "Withdrawn neighbour" not in client.get(f"/en/incidents/{stays.public_id}/").content.decode()


def test_a_stale_row_never_shows_a_record_that_is_not_published(client):
    entities = EntityFactory.create_batch(2)
    gone = record_with(entities=entities, title_en="Withdrawn neighbour")
    stays = record_with(entities=entities)
    workflow.withdraw(gone, by=PublisherFactory(), reason_en="Wrong", reason_fr="Erroné")
    # A row left behind (written around the workflow) is still never shown.
    RelatedRecord.objects.create(record=stays, related=gone, rank=1, score=6, shared_entities=2)
    assert "Withdrawn neighbour" not in client.get(f"/en/incidents/{stays.public_id}/").content.decode()


def test_unpublished_text_of_a_related_record_never_appears(client):
    entities = EntityFactory.create_batch(2)
    other = record_with(entities=entities, title_en="Published title")
    subject = record_with(entities=entities)
    draft = revise(other)
    draft.title_en = "SECRET-DRAFT-TITLE"
    draft.save()
    workflow.submit(draft, by=draft.created_by)
    approve(draft)
    page = client.get(f"/en/incidents/{subject.public_id}/").content.decode()
    assert "Published title" in page and "SECRET-DRAFT-TITLE" not in page


def test_the_list_is_read_from_the_table_not_computed_per_request(client):
    entities = EntityFactory.create_batch(2)
    record_with(entities=entities, title_en="Neighbour")
    subject = record_with(entities=entities)
    RelatedRecord.objects.filter(record=subject).delete()
    cache.clear()
    assert "Neighbour" not in client.get(f"/en/incidents/{subject.public_id}/").content.decode()


def test_related_records_cost_one_query_whatever_their_number(client):
    entities = EntityFactory.create_batch(2)
    lonely = record_with()
    for _ in range(6):
        record_with(entities=entities)
    crowded = record_with(entities=entities)
    assert len(listed(crowded)) == 5
    assert count_queries(client, f"/en/incidents/{lonely.public_id}/") == RECORD_PAGE_QUERIES_WITHOUT_RECOMMENDATIONS
    assert count_queries(client, f"/en/incidents/{crowded.public_id}/") == RECORD_PAGE_QUERIES_WITHOUT_RECOMMENDATIONS


def test_a_new_related_record_moves_the_stamp_of_the_pages_that_list_it():
    entities = EntityFactory.create_batch(2)
    first = record_with(entities=entities)
    before = page_stamp(first.public_id).updated_at
    record_with(entities=entities)
    assert page_stamp(first.public_id).updated_at > before


def test_a_new_title_reaches_the_pages_listing_the_record(client):
    entities = EntityFactory.create_batch(2)
    other = record_with(entities=entities, title_en="Old title")
    subject = record_with(entities=entities)
    assert "Old title" in client.get(f"/en/incidents/{subject.public_id}/").content.decode()
    publish_revision(other, title_en="New title")
    page = client.get(f"/en/incidents/{subject.public_id}/").content.decode()
    assert "New title" in page and "Old title" not in page


def test_the_api_gives_related_records_with_reasons_in_both_languages(client):
    entities = EntityFactory.create_batch(3)
    first = record_with(entities=entities)
    second = record_with(entities=entities)
    body = client.get(f"/api/v1/records/{second.public_id}/").json()
    assert [entry["id"] for entry in body["related"]] == [first.public_id]
    entry = body["related"][0]
    assert entry["shared"] == {"entities": 3, "harm_types": 0, "sectors": 0, "countries": 0}
    assert entry["reasons"] == {"en": ["shares 3 entities"], "fr": ["3\u00a0entités en commun"]}


def test_compute_related_rebuilds_every_list_and_moves_changed_stamps():
    entities = EntityFactory.create_batch(2)
    first = record_with(entities=entities)
    second = record_with(entities=entities)
    RelatedRecord.objects.all().delete()
    before = page_stamp(first.public_id).updated_at
    call_command("compute_related", stdout=StringIO())
    assert listed(first) == [second.pk] and listed(second) == [first.pk]
    assert page_stamp(first.public_id).updated_at > before


def test_a_publication_recomputes_its_own_list_and_queues_its_neighbours(settings):
    entities = EntityFactory.create_batch(2)
    neighbour = record_with(entities=entities)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import default_task_backend

    default_task_backend.clear()
    newcomer = record_with(entities=entities)
    # Its own list at once, in the publication's transaction...
    assert listed(newcomer) == [neighbour.pk]
    # ...its neighbours' by the task the publication queued (the worker's, in production).
    assert listed(neighbour) == []
    (queued,) = [r for r in default_task_backend.results if r.task.name == "refresh_related_neighbours"]
    assert queued.args == [] and queued.kwargs["record_id"] == newcomer.pk
    workflow.refresh_related_neighbours.call(**queued.kwargs)
    assert listed(neighbour) == [newcomer.pk]


def test_the_neighbours_recomputed_at_once_are_bounded(monkeypatch):
    entity = EntityFactory()
    others = [record_with(entities=[entity]) for _ in range(4)]
    monkeypatch.setattr(related, "NEIGHBOURS", 2)
    computed = []
    real_compute = related.compute
    monkeypatch.setattr(related, "compute", lambda record: computed.append(record.pk) or real_compute(record))
    newcomer = record_with(entities=[entity])
    # Its own list, then the two records sharing the most with it (ties: the
    # most recently published first), not all four.
    assert computed[0] == newcomer.pk
    assert sorted(computed[1:]) == sorted(other.pk for other in others[-2:])


def test_a_shared_sector_alone_is_sought_among_the_most_recent_records(monkeypatch):
    entity, sector = EntityFactory(), SectorTermFactory()
    old_by_entity = record_with(entities=[entity])
    old_by_sector = record_with(sectors=[sector])
    recent = [record_with(sectors=[sector]) for _ in range(2)]
    monkeypatch.setattr(related, "RECENT_WINDOW", 2)
    newcomer = record_with(entities=[entity], sectors=[sector])
    found = {shared.related_id for shared in related.candidates(newcomer)}
    # An entity in common is found however old; a sector alone, among the two newest.
    assert found == {old_by_entity.pk, *(record.pk for record in recent)}
    assert old_by_sector.pk not in found
