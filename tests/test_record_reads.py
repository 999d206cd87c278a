"""
A version's parts read in one statement on PostgreSQL
(incidents/public/record_reads.py) are the parts the ORM reads: the same
rows, the same reference rows shown as reviewed, and pages byte for byte
the same. SQLite has only the ORM's path, so these tests run on PostgreSQL.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import prefetch_related_objects

from incidents import pins
from incidents.models import VERSION_PART_MODELS, Record, RecordVersion, RelatedRecord, Status
from incidents.public import record_page, record_reads
from incidents.publishing import workflow
from tests.factories import (
    CitationFactory,
    ClassificationFactory,
    DraftVersionFactory,
    EntityFactory,
    EntityResponseFactory,
    EntityRoleFactory,
    ExternalIdFactory,
    HarmFactory,
    HazardLinkFactory,
    JurisdictionFactory,
    PolicyRecommendationFactory,
    PublishedVersionFactory,
    PublisherFactory,
    RecommendationAuthorityFactory,
    approve,
    full_record,
    publish,
    publish_revision,
    revise,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="one statement on PostgreSQL only"),
]


def orm_prefetch(versions):
    """The ORM's path (record_page.prefetch_parts on SQLite)."""
    versions = list(versions)
    prefetch_related_objects(versions, *record_page.PART_PREFETCHES)
    recommending = [version for version in versions if version.recommendations.all()]
    prefetch_related_objects(recommending, record_page.AUTHORITIES)
    prefetch_related_objects([v for v in versions if not v.recommendations.all()], record_page.NO_AUTHORITIES)
    pins.apply(versions)


def values(obj):
    if obj is None:
        return None
    return (type(obj), {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields})


def snapshot(version):
    """Everything a page can read of the version's parts, as plain data."""
    shot = {}
    for model in VERSION_PART_MODELS:
        accessor = model._meta.get_field("version").remote_field.get_accessor_name()
        rows = []
        for part in getattr(version, accessor).all():
            shown = {path: values(pins._resolve(part, path)) for path, _field in part.PINS}
            if model._meta.model_name == "hazardlink":
                shown["hazard"] = values(part.hazard)
                shown["live"] = values(part.hazard.live_version)
            if model._meta.model_name == "policyrecommendation":
                shown["authorities"] = [values(entity) for entity in part.authorities()]
            if model._meta.model_name == "recommendationauthority":
                shown["recommendation"] = part.recommendation.pk
            assert part.version is version
            rows.append((values(part), shown))
        shot[accessor] = rows
    return shot


def both_ways(pks):
    """The versions ``pks`` loaded by each path, in fresh instances."""
    orm = list(RecordVersion.objects.filter(pk__in=pks).order_by("pk"))
    orm_prefetch(orm)
    fast = list(RecordVersion.objects.filter(pk__in=pks).order_by("pk"))
    record_reads.load(fast)
    return orm, fast


def grow(version, n):
    """n more parts of every kind (as test_record_pages.grow, beside a
    primary source already cited)."""
    for i in range(n):
        HarmFactory(version=version, description_en=f"Extra harm {i}")
        CitationFactory(version=version)
        RecommendationAuthorityFactory(recommendation=PolicyRecommendationFactory(version=version))
        EntityRoleFactory(version=version)
        EntityResponseFactory(version=version)
        ClassificationFactory(version=version)
        JurisdictionFactory(version=version, country="FR")
        HazardLinkFactory(version=version)
        ExternalIdFactory(version=version)


def rich_record():
    """A record in three versions with every kind of part, several of each
    (a response, an external id, links to a published hazard and to a draft
    one); its reference rows edited after v1 was reviewed, so that v1 shows
    them as pinned and the live rows differ; and a draft in progress."""
    live = full_record()
    live_draft = revise(live.record)
    grow(live_draft, 2)
    EntityResponseFactory(version=live_draft)
    ExternalIdFactory(version=live_draft, value="4242")
    HazardLinkFactory(version=live_draft, hazard=DraftVersionFactory(kind="hazard").record)
    workflow.submit(live_draft, by=live_draft.created_by)
    v2 = publish(approve(live_draft), note=("More", "Plus"))
    publisher = PublisherFactory()
    # Every kind of reference row, changed after v1 and v2 pinned it.
    for citation in v2.citations.all():
        citation.source.title = f"{citation.source.title} (renamed)"
        workflow.change_reference(citation.source, by=publisher)
    for role in v2.entity_roles.all()[:2]:
        role.entity.name_en = f"{role.entity.name_en} (renamed)"
        workflow.change_reference(role.entity, by=publisher)
    for classification in v2.classifications.all()[:2]:
        classification.term.name_en = f"{classification.term.name_en} (renamed)"
        workflow.change_reference(classification.term, by=publisher)
        taxonomy = classification.term.taxonomy
        taxonomy.name_en = f"{taxonomy.name_en} (renamed)"
        workflow.change_reference(taxonomy, by=publisher)
    for harm in v2.harms.exclude(harm_type=None)[:1]:
        harm.harm_type.name_en = "Renamed harm type"
        workflow.change_reference(harm.harm_type, by=publisher)
    v3 = publish_revision(v2.record)
    draft = revise(v3.record)
    draft.title_en = "Draft in progress"
    draft.save()
    return Record.objects.get(pk=v3.record_id)


def test_one_statement_loads_what_the_orm_loads():
    record = rich_record()
    pks = list(record.versions.order_by("number").values_list("pk", flat=True))
    statuses = set(RecordVersion.objects.filter(pk__in=pks).values_list("status", flat=True))
    assert {Status.PUBLISHED, Status.SUPERSEDED, Status.DRAFT} <= statuses
    orm, fast = both_ways(pks)
    for before, after in zip(orm, fast, strict=True):
        assert snapshot(after) == snapshot(before), before
    # The reviewed states differ from the rows as they are now: the test
    # compares something.
    v1 = next(version for version in fast if version.number == 1)
    shown = [citation.source.title for citation in v1.citations.all()]
    assert shown and not any("(renamed)" in title for title in shown)
    draft = next(version for version in fast if version.status == Status.DRAFT)
    assert all("(renamed)" in citation.source.title for citation in draft.citations.all())


def test_one_statement_loads_each_version_of_several_alone():
    record = rich_record()
    pks = list(record.versions.order_by("number").values_list("pk", flat=True))
    _orm, together = both_ways(pks)
    for version in together:
        _orm, (alone,) = both_ways([version.pk])
        assert snapshot(alone) == snapshot(version)


def test_a_hazard_link_shows_only_a_published_hazard():
    record = rich_record()
    live = record.live_version
    assert live.hazard_links.count() > live.hazard_links.filter(hazard__in=Record.objects.published()).count()
    _orm, (fast,) = both_ways([live.pk])
    assert [link.hazard.pk for link in fast.hazard_links.all()] == list(
        live.hazard_links.filter(hazard__in=Record.objects.published()).values_list("hazard", flat=True)
    )


def test_a_version_without_parts_has_none():
    version = DraftVersionFactory()
    _orm, (fast,) = both_ways([version.pk])
    assert all(values == [] for values in snapshot(fast).values())


def pages(client, urls):
    found = {}
    for url, status in urls:
        cache.clear()
        response = client.get(url)
        assert response.status_code == status, url
        found[url] = (response.content.decode(), response.get("Location"), response.get("ETag"))
    return found


def test_record_pages_and_api_answers_are_the_same_either_way(client, monkeypatch):
    record = rich_record()
    hazard = record.live_version.hazard_links.filter(hazard__in=Record.objects.published()).first().hazard
    withdrawn = PublishedVersionFactory().record
    workflow.withdraw(withdrawn, by=PublisherFactory(), reason_en="Wrong", reason_fr="Erroné")
    duplicate = PublishedVersionFactory().record
    publish_revision(duplicate, duplicate_of=record)
    urls = [
        *((f"/{lang}/incidents/{record.public_id}/", 200) for lang in ("en", "fr")),
        *((f"/{lang}/incidents/{record.public_id}/v1/", 200) for lang in ("en", "fr")),
        (f"/en/incidents/{record.public_id}/v2/", 200),
        (f"/en/incidents/{record.public_id}/changes/?from=1&to=3", 200),
        (f"/en/incidents/{record.public_id}/v1/cite.json", 200),
        (f"/fr/incidents/{hazard.public_id}/", 200),
        (f"/en/incidents/{withdrawn.public_id}/", 410),
        (f"/en/incidents/{duplicate.public_id}/", 301),
        (f"/en/incidents/{record.public_id}/v9/", 404),
        (f"/api/v1/records/{record.public_id}/", 200),
        (f"/api/v1/records/{record.public_id}/?version=1", 200),
        (f"/api/v1/records/{withdrawn.public_id}/", 410),
    ]
    fast = pages(client, urls)
    monkeypatch.setattr(record_reads, "available", lambda using="default": False)
    assert pages(client, urls) == fast


def neighbour_values(records):
    return [
        (
            values(r),
            values(r.live_version),
            *(getattr(r, name) for name in record_reads.NEIGHBOUR_COUNTS[1:]),
            r.related_rank,
        )
        for r in sorted(records, key=lambda r: r.pk)
    ]


def test_one_statement_reads_the_neighbours_the_orm_reads():
    from tests.test_related_records import record_with

    entities = EntityFactory.create_batch(3)
    record = record_with(entities=entities)
    closest = record_with(entities=entities)
    other = record_with(entities=entities[:2])
    gone = record_with(entities=entities)
    workflow.withdraw(gone, by=PublisherFactory(), reason_en="Wrong", reason_fr="Erroné")
    # A row left behind for a withdrawn record is never read.
    RelatedRecord.objects.create(record=record, related=gone, rank=5, score=1, shared_entities=1)
    duplicate = PublishedVersionFactory().record
    publish_revision(duplicate, duplicate_of=record)
    record.refresh_from_db()
    fast = record_reads.neighbours(record.pk)
    assert {r.pk for r in fast} == {closest.pk, other.pk, duplicate.pk}
    assert neighbour_values(fast) == neighbour_values(record_page._neighbours(record))


def test_one_statement_reads_the_stamp_and_versions_the_orm_reads(monkeypatch):
    live = full_record()
    v2 = publish_revision(live.record)
    revise(v2.record)  # a draft, never read
    withdrawn = PublishedVersionFactory().record
    workflow.withdraw(withdrawn, by=PublisherFactory(), reason_en="Wrong", reason_fr="Erroné")
    duplicate = PublishedVersionFactory().record
    publish_revision(duplicate, duplicate_of=v2.record)
    never = DraftVersionFactory().record
    ids = [v2.record.public_id, withdrawn.public_id, duplicate.public_id, never.public_id, "INC-9999"]
    fast = {public_id: record_page._read_stamp(public_id) for public_id in ids}
    monkeypatch.setattr(record_reads, "available", lambda using="default": False)
    assert fast == {public_id: record_page._read_stamp(public_id) for public_id in ids}
    assert fast[never.public_id] is None and fast[withdrawn.public_id].is_withdrawn
    assert fast[duplicate.public_id].merged_into == v2.record.public_id
    monkeypatch.undo()
    record, versions = record_page.record_with_versions(fast[v2.record.public_id])
    assert [values(v) for v in versions] == [
        values(v) for v in RecordVersion.objects.published().filter(record=record).order_by("number")
    ]
    assert values(record) == values(Record.objects.get(pk=record.pk))
    assert all(version.record is record for version in versions)
    assert record.live_version is versions[-1]
    assert [version.number for version in versions] == [1, 2]
