"""Duplicates (issue 13, item 3): a record marked, through review, as a
duplicate of another (``RecordVersion.duplicate_of``) is merged into it when
that version is published: its URLs answer 301 to the original, which says
so; it leaves lists, search, statistics and the sitemap; the feeds, the API
and the export say where it went."""

import csv
import json

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from api import export
from api.export import SCHEMA_VERSION
from incidents import rules
from incidents.models import Record
from incidents.public.record_page import page_stamp
from incidents.publishing import workflow
from tests.factories import (
    DraftVersionFactory,
    EntityFactory,
    PublishedHazardVersionFactory,
    PublishedVersionFactory,
    PublisherFactory,
    approve,
    publish,
    publish_revision,
    published_record,
    revise,
)
from tests.test_feeds import SITEMAP_NS, sitemap_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def original():
    return PublishedVersionFactory(title_en="The original record", title_fr="La fiche originale").record


@pytest.fixture
def duplicate(original):
    record = PublishedVersionFactory(title_en="DUPLICATE-TITLE", title_fr="TITRE-DU-DOUBLON").record
    publish_revision(record, duplicate_of=original)
    record.refresh_from_db()
    return record


def merge(record, original):
    draft = revise(record)
    draft.duplicate_of = original
    draft.save()
    return draft


# Every URL of a duplicate -------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("path", ["", "v1/", "v2/", "v1/cite.bib", "v2/cite.json", "changes/", "changes/?from=1&to=2"])
def test_every_url_of_a_duplicate_answers_301_to_the_original(client, original, duplicate, lang, path):
    response = client.get(f"/{lang}/incidents/{duplicate.public_id}/{path}")
    assert response.status_code == 301
    assert response["Location"] == f"/{lang}/incidents/{original.public_id}/"


def test_a_duplicate_records_where_and_when_it_was_merged(original, duplicate):
    assert duplicate.merged_into == original
    assert duplicate.merged_at == duplicate.live_version.published_at
    assert duplicate.live_version.number == 2
    assert not Record.objects.published().filter(pk=duplicate.pk).exists()
    assert Record.objects.merged().get() == duplicate


def test_the_original_names_the_records_merged_into_it_in_both_languages(client, original, duplicate):
    english = client.get(f"/en/incidents/{original.public_id}/").content.decode()
    assert f"{duplicate.public_id} was merged into this record on" in english
    french = client.get(f"/fr/incidents/{original.public_id}/").content.decode()
    assert f"{duplicate.public_id} a été fusionnée avec cette fiche le" in french
    for page in (english, french):
        assert "DUPLICATE-TITLE" not in page and "TITRE-DU-DOUBLON" not in page


def test_merging_moves_the_stamp_of_the_original(original):
    before = page_stamp(original.public_id).updated_at
    record = PublishedVersionFactory().record
    publish_revision(record, duplicate_of=original)
    assert page_stamp(original.public_id).updated_at > before


# Lists, search, statistics, sitemap ------------------------------------------------


def test_a_duplicate_leaves_the_list_search_and_statistics(client, original, duplicate):
    for url in ("/en/incidents/", "/en/incidents/?q=DUPLICATE", "/fr/incidents/", "/en/"):
        page = client.get(url).content.decode()
        assert duplicate.public_id not in page and "DUPLICATE-TITLE" not in page
    assert original.public_id in client.get("/en/incidents/").content.decode()
    stats = client.get("/api/v1/stats/").json()
    assert "DUPLICATE" not in json.dumps(stats)
    listed = client.get("/api/v1/records/").json()
    assert [row["id"] for row in listed["results"]] == [original.public_id]


def test_the_sitemap_lists_only_the_original(client, original, duplicate):
    cache.clear()
    locations = {url.find("sm:loc", SITEMAP_NS).text for url in sitemap_urls(client)}
    assert f"http://testserver/en/incidents/{original.public_id}/" in locations
    assert not [location for location in locations if duplicate.public_id in location]


# Feeds, API, export ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_feeds_update_the_entry_saying_where_it_was_merged(client, original, duplicate, lang):
    atom = client.get(f"/{lang}/feeds/records.atom").content.decode()
    merged_into = "merged into" if lang == "en" else "fusionnée avec"
    assert f"{duplicate.public_id} v2{'' if lang == 'en' else chr(0xA0)}: {merged_into} {original.public_id}" in atom
    assert "DUPLICATE-TITLE" not in atom and "TITRE-DU-DOUBLON" not in atom
    feed = client.get(f"/{lang}/feeds/records.json").json()
    entry = next(item for item in feed["items"] if item["id"].endswith(f"/{duplicate.public_id}/v2/"))
    assert entry["url"].endswith(f"/{lang}/incidents/{original.public_id}/")
    assert original.public_id in entry["content_html"]
    assert "DUPLICATE-TITLE" not in json.dumps(feed, ensure_ascii=False)


def test_the_api_answers_301_with_merged_into(client, original, duplicate):
    response = client.get(f"/api/v1/records/{duplicate.public_id}/?version=1")
    assert response.status_code == 301
    assert response["Location"] == f"/api/v1/records/{original.public_id}/"
    body = response.json()
    assert body["merged_into"] == original.public_id and body["id"] == duplicate.public_id
    assert "DUPLICATE-TITLE" not in response.content.decode()
    versions = client.get(f"/api/v1/records/{duplicate.public_id}/versions/")
    assert versions.status_code == 301
    assert versions["Location"] == f"/api/v1/records/{original.public_id}/versions/"


def test_the_export_names_duplicates_in_merged_csv_and_leaves_them_out(tmp_path, original, duplicate):
    manifest = export.export(tmp_path)
    assert manifest["schema_version"] == SCHEMA_VERSION
    with open(tmp_path / "merged.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["id"], row["merged_into"]) for row in rows] == [(duplicate.public_id, original.public_id)]
    records = (tmp_path / "records.jsonl").read_text(encoding="utf-8")
    assert duplicate.public_id not in records and "DUPLICATE-TITLE" not in records


# Rules -------------------------------------------------------------------------------------


def test_a_record_cannot_be_a_duplicate_of_itself():
    record = PublishedVersionFactory().record
    draft = merge(record, record)
    with pytest.raises(ValidationError, match="duplicate of itself"):
        workflow.submit(draft, by=draft.created_by)


def test_only_a_published_record_can_be_the_original():
    target = DraftVersionFactory().record
    draft = merge(PublishedVersionFactory().record, target)
    with pytest.raises(ValidationError, match="duplicate of a published record"):
        workflow.submit(draft, by=draft.created_by)


def test_a_withdrawn_record_cannot_be_the_original():
    target = PublishedVersionFactory().record
    workflow.withdraw(target, by=PublisherFactory(), reason_en="Wrong", reason_fr="Erroné")
    draft = merge(PublishedVersionFactory().record, target)
    with pytest.raises(ValidationError, match="is withdrawn"):
        workflow.submit(draft, by=draft.created_by)


def test_no_chains_a_duplicate_cannot_be_the_original(original, duplicate):
    draft = merge(PublishedVersionFactory().record, duplicate)
    with pytest.raises(ValidationError, match=f"itself a duplicate of {original.public_id}"):
        workflow.submit(draft, by=draft.created_by)


def test_no_chains_a_record_others_were_merged_into_cannot_become_a_duplicate(original, duplicate):
    draft = merge(original, PublishedVersionFactory().record)
    with pytest.raises(ValidationError, match="cannot become a duplicate in turn"):
        workflow.submit(draft, by=draft.created_by)


def test_an_incident_cannot_duplicate_a_hazard():
    hazard = PublishedHazardVersionFactory().record
    draft = merge(PublishedVersionFactory().record, hazard)
    with pytest.raises(ValidationError, match="only duplicate an incident"):
        workflow.submit(draft, by=draft.created_by)


def test_the_publication_gate_checks_the_original_again():
    target = PublishedVersionFactory().record
    draft = merge(PublishedVersionFactory().record, target)
    workflow.submit(draft, by=draft.created_by)
    approve(draft)
    # Withdrawn between the review and the publication.
    workflow.withdraw(target, by=PublisherFactory(), reason_en="Wrong", reason_fr="Erroné")
    assert any("is withdrawn" in problem for problem in rules.publication_problems(draft))
    with pytest.raises(ValidationError, match="is withdrawn"):
        publish(draft)
    draft.record.refresh_from_db()
    assert not draft.record.is_merged


def test_a_duplicate_cannot_be_withdrawn(duplicate):
    with pytest.raises(ValidationError, match="was merged into"):
        workflow.withdraw(duplicate, by=PublisherFactory(), reason_en="x", reason_fr="x")


def test_the_version_form_refuses_a_chain_in_the_users_language(client, original, duplicate, editor):
    from incidents.admin.forms import RecordVersionForm

    draft = merge(PublishedVersionFactory().record, original)
    form = RecordVersionForm(instance=draft)
    data = {**form.initial, "duplicate_of": duplicate.pk}
    bound = RecordVersionForm(data=data, instance=draft)
    assert not bound.is_valid()
    assert "duplicate_of" in bound.errors


def test_publishing_a_version_without_duplicate_of_undoes_the_merge(client, original, duplicate):
    draft = revise(duplicate)
    assert draft.duplicate_of == original  # a revision keeps the claim until an editor removes it
    draft.duplicate_of = None
    draft.save()
    workflow.submit(draft, by=draft.created_by)
    publish(approve(draft))
    duplicate.refresh_from_db()
    assert not duplicate.is_merged and duplicate.merged_at is None
    assert client.get(f"/en/incidents/{duplicate.public_id}/").status_code == 200
    assert (
        f"{duplicate.public_id} was merged" not in client.get(f"/en/incidents/{original.public_id}/").content.decode()
    )


def test_merging_drops_the_duplicate_from_related_records(original):
    entities = EntityFactory.create_batch(2)
    first = published_record(entities=entities).record
    second = published_record(entities=entities).record
    assert first.related_rows.get().related == second
    publish_revision(second, duplicate_of=original)
    assert not first.related_rows.exists()
    assert not second.related_rows.exists()
