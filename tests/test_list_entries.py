"""
The public list's entries (``ListEntry``, migration 0014_list_entries) hold
exactly the live versions, and every workflow event that changes them
rewrites them in its own transaction: a publication, a new version, a
withdrawal, a redaction, a restore, a term moved in the tree.

On PostgreSQL the entries also carry the facet values and the search
documents that the list reads (``incidents.public.browse.listing``); those
tests skip on SQLite.
"""

import pytest
from django.db import connection
from django.http import QueryDict
from django.utils import translation

from incidents.models import ListEntry, RecordVersion
from incidents.public.browse.query import RecordBrowser
from incidents.publishing import workflow
from tests.factories import (
    DraftVersionFactory,
    InReviewVersionFactory,
    PublishedVersionFactory,
    PublisherFactory,
    ReviewerFactory,
    SectorTermFactory,
    SuperuserFactory,
    publish_revision,
    published_record,
    requested_redaction,
)

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the entries' arrays and documents are PostgreSQL columns"
)


def entries():
    return set(ListEntry.objects.values_list("record_id", "version_id"))


def live():
    return set(RecordVersion.objects.live().values_list("record_id", "pk"))


def pg_entry(version, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM incidents_listentry WHERE version_id = %s", [version.pk])  # noqa: S608
        row = cursor.fetchone()
    return row and row[0]


def listed(query_string, lang="en"):
    with translation.override(lang):
        browser = RecordBrowser(QueryDict(query_string), lang)
        return [version.pk for version, _snippet in browser.results()], browser


def test_drafts_and_versions_in_review_have_no_entry():
    DraftVersionFactory()
    InReviewVersionFactory()
    assert ListEntry.objects.count() == 0


def test_a_publication_adds_the_live_version():
    version = PublishedVersionFactory(severity=3)
    entry = ListEntry.objects.get()
    assert (entry.record_id, entry.version_id, entry.severity) == (version.record_id, version.pk, 3)
    assert entry.first_published_at == version.published_at
    assert entries() == live()


def test_a_new_version_replaces_the_entry_and_keeps_the_first_publication_date():
    first = PublishedVersionFactory(severity=1)
    second = publish_revision(first.record, severity=4)
    entry = ListEntry.objects.get()
    assert (entry.version_id, entry.severity) == (second.pk, 4)
    first.refresh_from_db()
    assert entry.first_published_at == first.published_at
    assert entries() == live()


def test_a_withdrawal_removes_the_entry():
    kept = PublishedVersionFactory()
    withdrawn = PublishedVersionFactory()
    workflow.withdraw(withdrawn.record, by=PublisherFactory(), reason_en="Duplicate", reason_fr="Doublon")
    assert entries() == {(kept.record_id, kept.pk)} == live()


def test_a_merge_removes_the_duplicates_entry_and_an_unmerge_brings_it_back():
    original = PublishedVersionFactory()
    duplicate = publish_revision(PublishedVersionFactory().record, duplicate_of=original.record)
    assert entries() == {(original.record_id, original.pk)} == live()
    restored = publish_revision(duplicate.record, duplicate_of=None)
    assert entries() == {(original.record_id, original.pk), (restored.record_id, restored.pk)} == live()


def test_a_restore_adds_the_restored_live_version():
    template = DraftVersionFactory.build()
    texts = ("title", "summary", "narrative", "editorial_assessment", "ai_system")
    content = {f"{name}_{lang}": getattr(template, f"{name}_{lang}") for name in texts for lang in ("en", "fr")}
    content |= {name: getattr(template, name) for name in ("occurred_on", "occurrence_precision", "severity")}
    content |= {"change_note_en": "Restored", "change_note_fr": "Restaurée"}
    published_at = PublishedVersionFactory().published_at
    record = workflow.restore_record(
        kind="incident",
        public_id="INC-0900",
        versions=[
            workflow.RestoredVersion(number, published_at, dict(content), [], lambda version: None) for number in (1, 2)
        ],
        live_number=2,
        by=SuperuserFactory(),
    )
    assert ListEntry.objects.get(record=record).version_id == record.live_version_id
    assert entries() == live()


def test_a_failed_publication_leaves_the_entries_as_they_were():
    version = PublishedVersionFactory()
    draft = workflow.start_revision(version.record, by=version.created_by)
    with pytest.raises(workflow.WorkflowError):
        workflow.publish(draft, by=PublisherFactory(), change_note_en="x", change_note_fr="x")
    assert entries() == {(version.record_id, version.pk)}


@postgresql_only
def test_the_entry_holds_the_facet_values_with_broader_terms():
    sector = SectorTermFactory()
    narrower = SectorTermFactory(taxonomy=sector.taxonomy, parent=sector)
    version = published_record(terms=[narrower], countries=["CA", "FR"], external_ids=[("aiid", "12")])
    assert sorted(pg_entry(version, "term_ids")) == sorted([sector.pk, narrower.pk])
    assert sorted(pg_entry(version, "countries")) == ["CA", "FR"]
    assert pg_entry(version, "databases") == ["aiid"]


@postgresql_only
def test_a_term_moved_under_another_moves_the_entries_counts():
    old, new = SectorTermFactory(), SectorTermFactory()
    term = SectorTermFactory(taxonomy=old.taxonomy, parent=old)
    version = published_record(terms=[term])
    term.parent = new
    workflow.change_reference(term, by=PublisherFactory())
    assert sorted(pg_entry(version, "term_ids")) == sorted([new.pk, term.pk])


@postgresql_only
def test_the_search_document_holds_the_version_and_its_harms():
    version = published_record(title_en="Quokka misread", harms=["Wombats were harmed"])
    assert listed("q=quokka")[0] == [version.pk]
    assert listed("q=wombat")[0] == [version.pk]


@postgresql_only
def test_search_never_finds_a_superseded_or_withdrawn_text():
    first = published_record(summary_en="The zeppelin crashed.")
    second = publish_revision(first.record, summary_en="The airship crashed.")
    withdrawn = published_record(summary_en="A zeppelin and an airship.")
    workflow.withdraw(withdrawn.record, by=PublisherFactory(), reason_en="Wrong", reason_fr="Erroné")
    assert listed("q=zeppelin")[0] == []
    ids, browser = listed("q=airship")
    assert ids == [second.pk]
    assert browser.total == 1


@postgresql_only
def test_a_redacted_passage_is_no_longer_found_by_the_list():
    redaction = requested_redaction(passage="Jane Quillfeather")
    assert listed("q=quillfeather")[0] == [redaction.version_id]
    workflow.apply_redaction(redaction, by=ReviewerFactory())
    assert listed("q=quillfeather")[0] == []
    assert "quillfeath" not in str(pg_entry(redaction.version, "search_en"))


@postgresql_only
def test_facet_counts_from_the_entries_apply_every_other_filter():
    sector = SectorTermFactory(slug="finance")
    other = SectorTermFactory(taxonomy=sector.taxonomy, slug="health")
    published_record(terms=[sector], severity=3, countries=["CA"])
    published_record(terms=[sector], severity=1, countries=["FR"])
    published_record(terms=[other], severity=3, countries=["CA"])
    _ids, browser = listed("term-sector=finance&severity=3")
    counts = browser.facet_set.counts
    assert browser.total == 1
    # Severity counted without the severity filter, terms without the term filter.
    assert counts["severity"] == {1: 1, 3: 1}
    assert counts["term"] == {sector.pk: 1, other.pk: 1}
    assert counts["country"] == {"CA": 1}
