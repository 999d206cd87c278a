"""
A record page's ETag changes when, and only when, what the page shows can
change: its own publication or withdrawal, or the publication or withdrawal
of a record linked to it. (Reference data a published version shows is
pinned as reviewed: a change to it changes no published page.) Editorial work elsewhere changes nothing: a cache keeps
its copy, and nobody polling a page can time the editors' work.
"""

import pytest

from incidents.publishing import workflow
from tests.factories import (
    CitationFactory,
    ClassificationFactory,
    DraftVersionFactory,
    EntityFactory,
    EntityRoleFactory,
    HazardDraftVersionFactory,
    HazardLinkFactory,
    PublishedVersionFactory,
    PublisherFactory,
    SourceFactory,
    approve,
    publish,
    record_of,
)

pytestmark = pytest.mark.django_db


def etag_of(client, record, suffix=""):
    response = client.get(f"/en/incidents/{record.public_id}/{suffix}")
    assert response.status_code == 200
    return response["ETag"]


def release(draft):
    workflow.submit(draft, by=draft.created_by)
    return publish(approve(draft))


@pytest.fixture
def live_record():
    """A published record citing a source, involving an entity, classified
    under a term."""
    draft = DraftVersionFactory()
    CitationFactory(version=draft, is_primary=True)
    EntityRoleFactory(version=draft)
    ClassificationFactory(version=draft)
    return record_of(release(draft))


def test_editorial_work_on_other_records_leaves_the_etag_alone(client, live_record):
    tag = etag_of(client, live_record)
    draft = DraftVersionFactory()
    workflow.submit(draft, by=draft.created_by)
    approve(draft)
    elsewhere = PublishedVersionFactory()
    workflow.withdraw(record_of(elsewhere), by=PublisherFactory(), reason_en="x", reason_fr="x")
    assert etag_of(client, live_record) == tag
    assert client.get(f"/en/incidents/{live_record.public_id}/", HTTP_IF_NONE_MATCH=tag).status_code == 304


def test_a_revision_in_progress_leaves_the_etag_alone(client, live_record):
    tag = etag_of(client, live_record)
    revision = workflow.start_revision(live_record, by=live_record.live_version.created_by)
    revision.title_en = "Not reviewed yet"
    revision.save()
    workflow.submit(revision, by=revision.created_by)
    assert etag_of(client, live_record) == tag


def test_reference_rows_the_record_does_not_show_leave_the_etag_alone(client, live_record):
    tag = etag_of(client, live_record)
    source, entity = SourceFactory(), EntityFactory()
    source.title = "Another source, edited"
    source.save()
    entity.name_en = "Another entity, renamed"
    entity.save()
    assert etag_of(client, live_record) == tag


@pytest.mark.parametrize("part", ["source", "entity", "term", "taxonomy"])
def test_a_change_to_reference_data_leaves_published_pages_and_etags_alone(client, live_record, part):
    """A published version shows reference rows as they were reviewed
    (tests/test_reference_pins.py): a later change reaches readers only
    through a new, reviewed version."""
    version = live_record.live_version
    row = {
        "source": lambda: version.citations.get().source,
        "entity": lambda: version.entity_roles.get().entity,
        "term": lambda: version.classifications.get().term,
        "taxonomy": lambda: version.classifications.get().term.taxonomy,
    }[part]()
    tag, v1_tag = etag_of(client, live_record), etag_of(client, live_record, "v1/")
    field = "title" if part == "source" else "name_en"
    setattr(row, field, "Corrected name")
    row.save()
    assert etag_of(client, live_record) == tag
    assert etag_of(client, live_record, "v1/") == v1_tag
    assert "Corrected name" not in client.get(f"/en/incidents/{live_record.public_id}/v1/").content.decode()


def test_a_hazard_page_changes_when_an_incident_materializing_from_it_is_published(client):
    hazard = record_of(release(HazardDraftVersionFactory()))
    tag = etag_of(client, hazard)
    incident = DraftVersionFactory()
    HazardLinkFactory(version=incident, hazard=hazard)
    workflow.submit(incident, by=incident.created_by)
    assert etag_of(client, hazard) == tag  # linked in a draft: not public yet
    publish(approve(incident))
    response = client.get(f"/en/incidents/{hazard.public_id}/", HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200 and incident.record.public_id in response.content.decode()


def test_an_incident_page_changes_when_the_hazard_it_materialized_from_is_revised(client):
    hazard = record_of(release(HazardDraftVersionFactory()))
    draft = DraftVersionFactory()
    HazardLinkFactory(version=draft, hazard=hazard)
    incident = record_of(release(draft))
    tag = etag_of(client, incident)
    revision = workflow.start_revision(hazard, by=hazard.live_version.created_by)
    revision.title_en = "The hazard, retitled"
    revision.save()
    release(revision)
    response = client.get(f"/en/incidents/{incident.public_id}/", HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200 and "The hazard, retitled" in response.content.decode()
