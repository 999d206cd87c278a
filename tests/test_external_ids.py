"""A record is the same incident as another database's entry: an external
id, with its link, reviewed like any part of a version and shown in the
record details, JSON-LD (sameAs) and the list's filters."""

import json
import re

import pytest
from django.core.exceptions import ValidationError

from incidents.models import ExternalDatabase, ExternalId
from incidents.publishing import workflow
from tests.factories import DraftVersionFactory, approve, publish, published_record, revise

pytestmark = pytest.mark.django_db


def test_an_aiid_or_oecd_id_gets_its_link_when_none_is_given():
    draft = DraftVersionFactory()
    aiid = ExternalId.objects.create(version=draft, database=ExternalDatabase.AIID, value="639")
    oecd = ExternalId.objects.create(version=draft, database=ExternalDatabase.OECD_AIM, value="2024-05-17-a1b2")
    assert aiid.url == "https://incidentdatabase.ai/cite/639/"
    assert oecd.url == "https://oecd.ai/en/incidents/2024-05-17-a1b2"


def test_a_given_link_is_kept_and_a_database_without_a_pattern_keeps_none():
    draft = DraftVersionFactory()
    caim = ExternalId.objects.create(
        version=draft, database=ExternalDatabase.CAIM, value="42", url="https://caim.example.org/records/42-deepfake"
    )
    aiaaic = ExternalId.objects.create(version=draft, database=ExternalDatabase.AIAAIC, value="AIAAIC1234")
    assert caim.url == "https://caim.example.org/records/42-deepfake"
    assert aiaaic.url == ""


@pytest.mark.parametrize("value", ["6 39", "639/", "<b>", "-1", ""])
def test_an_identifier_the_other_database_would_not_write_is_refused(value):
    external = ExternalId(version=DraftVersionFactory(), database=ExternalDatabase.AIID, value=value)
    with pytest.raises(ValidationError) as refused:
        external.full_clean()
    assert "value" in refused.value.message_dict


def test_a_link_that_is_not_a_web_address_is_refused():
    external = ExternalId(
        version=DraftVersionFactory(), database=ExternalDatabase.CAIM, value="42", url="javascript:alert(1)"
    )
    with pytest.raises(ValidationError) as refused:
        external.full_clean()
    assert refused.value.message_dict == {"url": ["Enter a web address starting with http:// or https://."]}


def test_the_record_details_show_each_id_with_its_link_in_both_languages(client):
    version = published_record(external_ids=[("aiid", "639"), ("aiaaic", "AIAAIC1234")])
    en = client.get(f"/en/incidents/{version.record.public_id}/").content.decode()
    assert "<dt>In other databases</dt>" in en
    assert '<a href="https://incidentdatabase.ai/cite/639/">AI Incident Database 639</a>' in en
    assert "<li>AIAAIC Repository AIAAIC1234</li>" in en  # no link known: plain text
    fr = client.get(f"/fr/incidents/{version.record.public_id}/").content.decode()
    assert "<dt>Dans d’autres bases de données</dt>" in fr
    assert '<a href="https://incidentdatabase.ai/cite/639/">AI Incident Database 639</a>' in fr


def test_json_ld_gives_the_other_databases_links_as_same_as(client):
    version = published_record(external_ids=[("aiid", "639"), ("aiaaic", "AIAAIC1234")])
    html = client.get(f"/en/incidents/{version.record.public_id}/").content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert json.loads(block)["sameAs"] == ["https://incidentdatabase.ai/cite/639/"]


def test_the_list_filters_records_with_an_aiid_id(client):
    with_aiid = published_record(external_ids=[("aiid", "639")])
    with_caim = published_record(external_ids=[("caim", "42")])
    without = published_record()
    html = client.get("/en/incidents/?external=aiid").content.decode()
    assert with_aiid.record.public_id in html
    assert with_caim.record.public_id not in html and without.record.public_id not in html
    unfiltered = client.get("/en/incidents/").content.decode()
    assert 'name="external" value="aiid"' in unfiltered  # the facet offers it


def test_an_id_added_in_a_draft_stays_out_of_public_pages_until_published(client):
    version = published_record()
    record = version.record
    draft = revise(record)
    ExternalId.objects.create(version=draft, database=ExternalDatabase.AIID, value="639")
    assert "incidentdatabase.ai/cite/639" not in client.get(f"/en/incidents/{record.public_id}/").content.decode()
    assert record.public_id not in client.get("/en/incidents/?external=aiid").content.decode()
    workflow.submit(draft, by=draft.created_by)
    publish(approve(draft))
    assert "incidentdatabase.ai/cite/639" in client.get(f"/en/incidents/{record.public_id}/").content.decode()
    changes = client.get(f"/en/incidents/{record.public_id}/changes/?from=1&to=2").content.decode()
    assert "In other databases" in changes


def test_a_revision_keeps_the_ids_of_the_version_it_starts_from():
    version = published_record(external_ids=[("aiid", "639")])
    draft = revise(version.record)
    assert [(e.database, e.value, e.url) for e in draft.external_ids.all()] == [
        ("aiid", "639", "https://incidentdatabase.ai/cite/639/")
    ]
