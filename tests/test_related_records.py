"""Related records (issue 13, item 4): up to five published records sharing
entities, harm types, sectors or countries, with why, computed when versions
are published, withdrawn or merged (incidents/related.py), never per request."""

import random
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from incidents import related
from incidents.models import Classification, EntityRole, Harm, Jurisdiction, RecordVersion, RelatedRecord, Role
from incidents.public.record_page import page_stamp
from incidents.publishing import workflow
from taxonomy.models import SECTOR
from tests.factories import (
    DraftVersionFactory,
    EntityFactory,
    EntityRoleFactory,
    HarmFactory,
    HarmTypeTermFactory,
    JurisdictionFactory,
    PublisherFactory,
    SectorTermFactory,
    TermFactory,
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


# The statement scoring every kind at once (issue 12: publishing at 100,000
# records), against the rule counted plainly ---------------------------------------


def things(version):
    """What a version shows that related records compare."""
    return {
        "entities": set(EntityRole.objects.filter(version=version).values_list("entity_id", flat=True)),
        "harm_types": set(
            Harm.objects.filter(version=version, harm_type__isnull=False).values_list("harm_type_id", flat=True)
        ),
        "sectors": set(
            Classification.objects.filter(version=version, term__taxonomy__slug=SECTOR).values_list(
                "term_id", flat=True
            )
        ),
        "countries": set(Jurisdiction.objects.filter(version=version).values_list("country", flat=True)),
    }


def expected_candidates(record):
    """The rule, counted in Python from every live version: an entity in
    common counts however old the other record, a harm type or a sector
    only among the RECENT_WINDOW most recently published others (and those
    published at the same instant as the last of them), a country only for a
    record found otherwise; best score first, then the most recent, then the
    oldest id."""
    live = {version.record_id: version for version in RecordVersion.objects.live()}
    if record.pk not in live:
        return []
    own = things(live.pop(record.pk))
    newest = sorted((version.published_at for version in live.values()), reverse=True)
    window_start = newest[related.RECENT_WINDOW - 1] if len(newest) >= related.RECENT_WINDOW else None
    found = []
    for version in live.values():
        theirs = things(version)
        recent = window_start is None or version.published_at >= window_start
        counts = {
            kind: len(own[kind] & theirs[kind]) if kind == "entities" or recent else 0
            for kind in ("entities", "harm_types", "sectors")
        }
        if any(counts.values()):
            shared = related.Shared(version.record_id, **counts, countries=len(own["countries"] & theirs["countries"]))
            found.append((-shared.score, -version.published_at.timestamp(), shared.related_id, shared))
    return [shared for *_key, shared in sorted(found)]


def published_together(monkeypatch, make):
    """Call ``make`` with every publication at the same instant (ties)."""
    instant = timezone.now()
    with monkeypatch.context() as patched:
        patched.setattr(timezone, "now", lambda: instant)
        return make()


def test_candidates_are_what_the_live_versions_share_counted_plainly(monkeypatch):
    monkeypatch.setattr(related, "RECENT_WINDOW", 6)
    rng = random.Random(12)
    entities = EntityFactory.create_batch(3)
    harm_types = HarmTypeTermFactory.create_batch(2)
    sectors = SectorTermFactory.create_batch(2)
    other_terms = TermFactory.create_batch(2)  # terms of another taxonomy: never a reason

    def some():
        return {
            "entities": rng.sample(entities, rng.randint(0, 2)),
            "harm_types": rng.sample(harm_types, rng.randint(0, 2)),
            "sectors": rng.sample(sectors, rng.randint(0, 1)) + rng.sample(other_terms, rng.randint(0, 1)),
            "countries": rng.sample(["CA", "US", "FR"], rng.randint(0, 2)),
        }

    records = [record_with(**some()) for _ in range(8)]
    # Five at one instant: ties of score and date, one of them at the window's edge.
    records += published_together(monkeypatch, lambda: [record_with(**some()) for _ in range(5)])
    records += [record_with(**some()) for _ in range(3)]
    # One thing shown twice counts once: an entity in two roles, two harms of
    # one type, two regions of one country.
    twice = DraftVersionFactory()
    for role in (Role.DEPLOYER, Role.DEVELOPER):
        EntityRoleFactory(version=twice, entity=entities[0], role=role)
    for _ in range(2):
        HarmFactory(version=twice, harm_type=harm_types[0])
        JurisdictionFactory(version=twice, country="CA")
    workflow.submit(twice, by=twice.created_by)
    records.append(publish(approve(twice)).record)
    # Only what the public sees counts: a withdrawn record, a duplicate, a
    # record whose live version is a revision showing something else.
    workflow.withdraw(records[9], by=PublisherFactory(), reason_en="Wrong", reason_fr="Erroné")
    publish_revision(records[3], duplicate_of=records[4])
    draft = revise(records[5])
    EntityRoleFactory(version=draft, entity=entities[2])
    HarmFactory(version=draft, harm_type=harm_types[0])
    workflow.submit(draft, by=draft.created_by)
    publish(approve(draft))
    # ...and a draft shows nothing.
    EntityRoleFactory(version=revise(records[6]), entity=entities[0])

    found_any = False
    for record in records:
        expected = expected_candidates(record)
        found_any = found_any or bool(expected)
        assert related.candidates(record) == expected, record.pk
        assert related.candidates(record, 3) == expected[:3]
    assert found_any
    related.compute_all()
    for record in records:
        assert [(row[0], row[2:]) for row in related._rows(record)] == [
            (s.related_id, (s.score, s.entities, s.harm_types, s.sectors, s.countries))
            for s in expected_candidates(record)[: related.MAX_RELATED]
        ]


def test_finding_related_records_is_one_query_however_much_is_shared():
    entities = EntityFactory.create_batch(4)
    harm_types, sectors = HarmTypeTermFactory.create_batch(2), SectorTermFactory.create_batch(2)
    everything = {"entities": entities, "harm_types": harm_types, "sectors": sectors, "countries": ["CA", "US"]}
    for _ in range(7):
        record_with(**everything)
    little = record_with(entities=entities[:1])
    much = record_with(**everything)
    for record in (little, much):
        with CaptureQueriesContext(connection) as queries:
            assert len(related.candidates(record)) == 8
        assert len(queries) == 1
        # compute: the candidates and the stored rows, then nothing to write.
        related.compute(record)
        with CaptureQueriesContext(connection) as queries:
            assert related.compute(record) is False
        assert len(queries) == 2


def test_a_record_that_is_not_published_has_no_candidates():
    entity = EntityFactory()
    record_with(entities=[entity])
    gone = record_with(entities=[entity])
    workflow.withdraw(gone, by=PublisherFactory(), reason_en="Wrong", reason_fr="Erroné")
    assert related.candidates(gone) == []
    assert related.candidates(DraftVersionFactory().record) == []


def test_a_country_adds_only_to_a_record_found_otherwise(monkeypatch):
    entity, sector = EntityFactory(), SectorTermFactory()
    old_sector_and_country = record_with(sectors=[sector], countries=["CA"])
    by_entity = record_with(entities=[entity], countries=["CA", "US"])
    record_with(countries=["CA", "US"])  # a country alone
    monkeypatch.setattr(related, "RECENT_WINDOW", 2)
    subject = record_with(entities=[entity], sectors=[sector], countries=["CA", "US"])
    # The sector is out of the window for the oldest record: its country does not bring it back.
    assert related.candidates(subject) == [related.Shared(by_entity.pk, entities=1, countries=2)]
    assert old_sector_and_country.pk not in listed(subject)
    assert RelatedRecord.objects.get(record=subject).score == 3 + 2


def test_records_published_with_the_last_of_the_window_are_in_it(monkeypatch):
    sector = SectorTermFactory()
    record_with(sectors=[sector])  # the oldest: out
    together = published_together(monkeypatch, lambda: [record_with(sectors=[sector]) for _ in range(3)])
    latest = record_with(sectors=[sector])
    monkeypatch.setattr(related, "RECENT_WINDOW", 2)
    subject = record_with(sectors=[sector])
    # The second most recent was published with two others: all three are in.
    found = [shared.related_id for shared in related.candidates(subject)]
    assert found == [latest.pk, *sorted(record.pk for record in together)]


def test_the_window_counts_only_records_the_public_sees(monkeypatch):
    sector = SectorTermFactory()
    in_window = record_with(sectors=[sector])
    revised = record_with()
    publish_revision(revised, title_en="Second version")  # one live version, not two
    withdrawn = record_with()
    workflow.withdraw(withdrawn, by=PublisherFactory(), reason_en="Wrong", reason_fr="Erroné")
    monkeypatch.setattr(related, "RECENT_WINDOW", 2)
    subject = record_with(sectors=[sector])
    assert [shared.related_id for shared in related.candidates(subject)] == [in_window.pk]


def test_ties_go_to_the_most_recent_then_the_oldest_id(monkeypatch):
    entity = EntityFactory()
    earlier = record_with(entities=[entity])
    together = published_together(monkeypatch, lambda: [record_with(entities=[entity]) for _ in range(3)])
    stronger = record_with(entities=[entity], countries=["CA"])
    subject = record_with(entities=[entity], countries=["CA"])
    assert listed(subject) == [stronger.pk, *sorted(record.pk for record in together), earlier.pk]
