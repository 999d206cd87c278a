"""
Redaction: the one change a published version may undergo.

A publisher requests the redaction of a passage; a second person (a reviewer
or another publisher, never the requester) applies or declines it. Applied,
the passage is replaced by a visible marker in both languages, the pages say
"Redacted on <date> — <reason>" and the changelog lists it, and the passage
is erased from the database entirely: version rows and their history, every
other row that holds it, the search columns, the cached renderings. The audit
keeps who, when, why and a hash, never the text.
"""

import hashlib
import pickle

import feedparser
import pytest
from django.core.cache import cache, caches
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from incidents.models import Action, Redaction, RedactionReason, RedactionStatus
from incidents.public.feeds import feed_keys
from incidents.publishing import workflow
from incidents.publishing.workflow import WorkflowError
from tests.factories import (
    DraftVersionFactory,
    HarmFactory,
    PublishedVersionFactory,
    PublisherFactory,
    ReviewerFactory,
    approve,
    publish,
    publish_revision,
    record_of,
)

pytestmark = pytest.mark.django_db

# A distinctive name and number: easy to look for in every table and index.
PASSAGE = "Quentin Quuxworth (613-555-0199)"
TOKEN = "quuxworth"


@pytest.fixture
def published():
    """v1 and v2 of a record, both naming a private person in EN and FR,
    in their narrative and in a harm (v2 keeps the harm)."""
    draft = DraftVersionFactory(
        narrative_en=f"A caller, {PASSAGE}, was impersonated.",
        narrative_fr=f"Un appelant, {PASSAGE}, a été usurpé.",
    )
    HarmFactory(
        version=draft, description_en=f"{PASSAGE} lost savings.", description_fr=f"{PASSAGE} a perdu ses économies."
    )
    workflow.submit(draft, by=draft.created_by)
    v1 = publish(approve(draft))
    v2 = publish_revision(record_of(v1), title_en="A second version")
    return v1, v2


def request(version, by=None, **fields):
    values = {"field": "narrative", "language": "en", "passage": PASSAGE, "reason": RedactionReason.PERSONAL_DATA}
    return workflow.request_redaction(version, by=by or PublisherFactory(), **{**values, **fields})


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# Two people ------------------------------------------------------------------------------------


def test_redaction_needs_a_second_person(published):
    v1, _v2 = published
    requester = PublisherFactory()
    redaction = request(v1, by=requester)
    with pytest.raises(PermissionDenied, match="second person"):
        workflow.apply_redaction(redaction, by=requester)
    workflow.apply_redaction(redaction, by=ReviewerFactory())
    redaction.refresh_from_db()
    assert redaction.status == RedactionStatus.APPLIED


def test_the_database_refuses_a_redaction_decided_by_its_requester(published):
    v1, _v2 = published
    redaction = request(v1)
    redaction.decided_by = redaction.requested_by
    with pytest.raises(IntegrityError), transaction.atomic():
        redaction.save()


def test_only_publishers_request_and_only_reviewers_and_publishers_decide(published, editor):
    v1, _v2 = published
    with pytest.raises(PermissionDenied):
        request(v1, by=ReviewerFactory())
    redaction = request(v1)
    with pytest.raises(PermissionDenied):
        workflow.apply_redaction(redaction, by=editor)


def test_a_passage_must_be_in_the_text_chosen(published):
    v1, _v2 = published
    with pytest.raises(WorkflowError, match="not in that text"):
        request(v1, passage="Someone else entirely")
    with pytest.raises(WorkflowError, match="at least"):
        request(v1, passage="613")
    with pytest.raises(WorkflowError, match="Only a published version"):
        request(DraftVersionFactory(narrative_en=PASSAGE))


def test_a_declined_redaction_leaves_the_passage_published_and_forgets_it(client, published):
    v1, _v2 = published
    redaction = request(v1)
    with pytest.raises(WorkflowError, match="comment is required"):
        workflow.decline_redaction(redaction, by=ReviewerFactory(), comment="")
    workflow.decline_redaction(redaction, by=ReviewerFactory(), comment="Public figure, in the public interest.")
    redaction.refresh_from_db()
    assert (redaction.status, redaction.passage) == (RedactionStatus.DECLINED, "")
    assert redaction.passage_hash == hashlib.sha256(PASSAGE.encode()).hexdigest()
    assert PASSAGE in page(client, f"/en/incidents/{v1.record.public_id}/v1/")


# Erased entirely ---------------------------------------------------------------------------------


def all_rows_as_text():
    """Every row of every table of the database, as text (tsvector columns included)."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (our own table names)
            for row in cursor.fetchall():
                yield table, " ".join(str(value) for value in row)


def test_redacted_text_is_gone_from_every_table(client, published):
    v1, v2 = published
    record = record_of(v1)
    cache.clear()  # what earlier tests left there is not this test's
    for lang in ("en", "fr"):  # cached renderings of both versions, and the kept feeds
        page(client, f"/{lang}/incidents/{record.public_id}/")
        page(client, f"/{lang}/incidents/{record.public_id}/v1/")
        for kind in ("atom", "json"):
            assert client.get(f"/{lang}/feeds/records.{kind}").status_code == 200
    assert any(PASSAGE in text for _table, text in all_rows_as_text())
    workflow.apply_redaction(request(v1), by=ReviewerFactory())

    holding = [table for table, text in all_rows_as_text() if PASSAGE in text or TOKEN in text.lower()]
    assert holding == []
    locmem = caches["default"]
    if hasattr(locmem, "_cache"):  # the local-memory cache of tests: look inside it too
        kept = [
            key for key, value in locmem._cache.items() if PASSAGE.encode() in value or pickle.dumps(PASSAGE) in value
        ]
        assert kept == []
    redaction = Redaction.objects.get(version=v1)
    assert redaction.passage == "" and redaction.erased_rows >= 4
    # v2 held the passage too (its harm): it is redacted as well, and says so.
    assert Redaction.objects.filter(version=v2, status=RedactionStatus.APPLIED).exists()
    event = v1.events.filter(action=Action.REDACTED).get()
    assert PASSAGE not in event.comment


def test_redacted_passage_never_reaches_a_public_surface(client, published):
    v1, _v2 = published
    record = record_of(v1)
    workflow.apply_redaction(request(v1), by=ReviewerFactory())
    cache.clear()
    public_id = record.public_id
    urls = [
        f"/{lang}/incidents/{public_id}/{suffix}"
        for lang in ("en", "fr")
        for suffix in ("", "v1/", "v2/", "changes/?from=1&to=2", "v1/cite.bib", "v1/cite.json")
    ]
    urls += [f"/{lang}/feeds/records.{kind}" for lang in ("en", "fr") for kind in ("atom", "json")]
    urls += [f"/{lang}/incidents/?q={TOKEN}" for lang in ("en", "fr")]
    for url in urls:
        text = page(client, url)
        assert PASSAGE not in text and "Quuxworth" not in text.replace(f"q={TOKEN}", ""), url
    assert public_id not in page(client, f"/en/incidents/?q={TOKEN}").split('id="results"')[-1]


@pytest.mark.parametrize(
    ("lang", "marker", "notice", "changelog"),
    [
        ("en", "[redacted]", "Redacted on", "Redacted — personal data"),
        ("fr", "[caviardé]", "Caviardé le", "Caviardé — données personnelles"),
    ],
)
def test_the_page_marks_the_passage_and_says_when_and_why(client, published, lang, marker, notice, changelog):
    v1, _v2 = published
    workflow.apply_redaction(request(v1), by=ReviewerFactory())
    html = page(client, f"/{lang}/incidents/{record_of(v1).public_id}/v1/")
    assert marker in html and notice in html
    assert changelog in html  # the changelog lists the redaction


def test_a_redaction_appears_in_the_feeds_as_an_updated_entry(client, published):
    v1, _v2 = published
    later = PublishedVersionFactory()  # published after both versions
    permalink = f"http://testserver/en/incidents/{record_of(v1).public_id}/v1/"

    def position(feed):
        return [entry.link for entry in feed.entries].index(permalink)

    before = feedparser.parse(client.get("/en/feeds/records.atom").content)
    workflow.apply_redaction(request(v1), by=ReviewerFactory())
    after = feedparser.parse(client.get("/en/feeds/records.atom").content)
    entry = after.entries[position(after)]
    assert "Redacted on" in entry.summary and PASSAGE not in entry.summary
    assert position(after) < position(before)  # updated by the redaction: moved up, above the later record
    assert later.record.public_id in [e.link.split("/")[-3] for e in after.entries]


def test_the_etag_of_a_redacted_version_changes(client, published):
    v1, _v2 = published
    url = f"/en/incidents/{record_of(v1).public_id}/v1/"
    tag = client.get(url)["ETag"]
    workflow.apply_redaction(request(v1), by=ReviewerFactory())
    response = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200 and "[redacted]" in response.content.decode()


# In the admin ---------------------------------------------------------------------------------


def test_a_publisher_requests_and_a_reviewer_applies_in_the_admin(client, published):
    v1, _v2 = published
    publisher, reviewer = PublisherFactory(), ReviewerFactory()
    client.force_login(publisher)
    version_page = page(client, reverse("admin:incidents_recordversion_change", args=[v1.pk]))
    assert reverse("admin:incidents_recordversion_redact", args=[v1.pk]) in version_page
    form = {"field": "narrative", "language": "en", "passage": PASSAGE, "reason": "personal_data", "explanation": ""}
    response = client.post(reverse("admin:incidents_recordversion_redact", args=[v1.pk]), form)
    redaction = Redaction.objects.get()
    assert response.status_code == 302
    decide_url = reverse("admin:incidents_redaction_decide", args=[redaction.pk])
    assert "Apply the redaction" not in page(client, decide_url)  # the requester does not decide

    client.force_login(reviewer)
    assert decide_url in page(client, reverse("admin:index"))  # in the reviewer's queue
    decide_page = page(client, decide_url)
    assert "<mark>Quentin Quuxworth (613-555-0199)</mark>" in decide_page and "Apply the redaction" in decide_page
    assert client.post(decide_url, {"apply": "1", "comment": ""}).status_code == 302
    redaction.refresh_from_db()
    assert redaction.status == RedactionStatus.APPLIED and redaction.decided_by == reviewer
    assert PASSAGE not in page(client, decide_url)


def test_a_bad_request_keeps_what_was_typed(client, published):
    v1, _v2 = published
    client.force_login(PublisherFactory())
    form = {"field": "narrative", "language": "en", "passage": "Not in the text at all", "reason": "legal"}
    response = client.post(reverse("admin:incidents_recordversion_redact", args=[v1.pk]), form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not in the text at all" in html and "not in that text" in html
    assert not Redaction.objects.exists()


def test_a_redaction_erases_the_passage_from_the_kept_feeds(client):
    version = PublishedVersionFactory(
        summary_en=f"A caller, {PASSAGE}, was impersonated.", summary_fr=f"Un appelant, {PASSAGE}, a été usurpé."
    )
    feeds = [f"/{lang}/feeds/records.{kind}" for lang in ("en", "fr") for kind in ("atom", "json")]
    assert all(PASSAGE in page(client, url) for url in feeds)
    redaction = request(version, field="summary")
    workflow.apply_redaction(redaction, by=ReviewerFactory())
    kept = [cache.get(key) for key in feed_keys()]
    assert not [entry for entry in kept if entry is not None and PASSAGE in str(entry)]
    assert not any(PASSAGE in page(client, url) for url in feeds)
