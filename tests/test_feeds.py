"""Feeds (Atom, JSON Feed), sitemap.xml and robots.txt: valid, in both
languages, published content only."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, DateTimeField, Value, When
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.timezone import localtime

from core.i18n import Localized, date_format
from incidents.models import Record, RecordVersion
from incidents.public import feeds
from incidents.publishing import workflow
from tests.catalogue import SECRETS, build_catalogue
from tests.factories import (
    EntityFactory,
    PublisherFactory,
    SourceFactory,
    publish_revision,
    published_record,
    record_of,
)

pytestmark = pytest.mark.django_db

LANGS = ["en", "fr"]
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_catalogue()
        transaction.set_rollback(True)


def get(client, url, content_type):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith(content_type)
    return response


def assert_no_secret(text):
    for state, word in SECRETS.items():
        assert word not in text, state


# Feeds -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_atom_feed_is_valid_and_lists_each_publication(client, catalogue, lang):
    response = get(client, f"/{lang}/feeds/records.atom", "application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.language == lang
    entries = {entry.id: entry for entry in parsed.entries}
    chatbot = catalogue.chatbot.record.public_id
    # v1 and v2 of the revised record are two publications.
    assert f"http://testserver/{lang}/incidents/{chatbot}/v1/" in entries
    assert f"http://testserver/{lang}/incidents/{chatbot}/v2/" in entries
    # 4 records, one of them with two versions, the withdrawn record's
    # entry, which carries only its withdrawal notice, and the two versions
    # of the record merged into another, which say only where it went.
    assert len(parsed.entries) == 8
    for entry in parsed.entries:
        assert entry.link.startswith(f"http://testserver/{lang}/incidents/")
        assert entry.published and entry.updated and entry.summary
    assert_no_secret(response.content.decode())


@pytest.mark.parametrize("lang", LANGS)
def test_json_feed_is_valid_and_lists_each_publication(client, catalogue, lang):
    response = get(client, f"/{lang}/feeds/records.json", "application/feed+json")
    document = json.loads(response.content)
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["language"] == lang
    assert document["feed_url"] == f"http://testserver/{lang}/feeds/records.json"
    assert document["home_page_url"] == f"http://testserver/{lang}/"
    assert len(document["items"]) == 8  # as in the Atom feed
    assert_valid_json_feed(document)
    assert_no_secret(response.content.decode())


def assert_valid_json_feed(document):
    """The rules of https://www.jsonfeed.org/version/1.1/ that apply to us
    (feedparser 6.0 reads Atom and RSS, not JSON Feed)."""
    assert isinstance(document["title"], str) and document["title"]
    assert isinstance(document["items"], list)
    assert all(isinstance(author["name"], str) for author in document["authors"])
    ids = [item["id"] for item in document["items"]]
    assert len(set(ids)) == len(ids), "item ids must be unique"
    spec_keys = {"version", "title", "home_page_url", "feed_url", "description", "language", "authors", "items"}
    item_keys = {"id", "url", "title", "content_html", "date_published", "date_modified", "tags", "language"}
    # Anything else is an extension: "_" and a letter (1.1, "Extensions").
    for key in set(document) - spec_keys:
        assert re.match(r"_[A-Za-z]", key), key
    for item in document["items"]:
        for key in set(item) - item_keys:
            assert re.match(r"_[A-Za-z]", key), key
        assert isinstance(item["id"], str) and item["id"]
        assert item.get("content_html") or item.get("content_text")
        assert item["url"].startswith("http")
        for key in ("date_published", "date_modified"):
            datetime.datetime.fromisoformat(item[key])  # RFC 3339
            assert item[key][-6] in "+-" or item[key].endswith("Z"), "dates carry their offset"


def test_feed_items_are_in_the_page_language_and_mark_missing_french(client, catalogue):
    document = json.loads(client.get("/fr/feeds/records.json").content)
    by_title = {item["title"]: item for item in document["items"]}
    deepfakes = catalogue.deepfakes.record.public_id
    assert f"{deepfakes} v1\u00a0: Des hypertrucages pour infiltrer des employeurs" in by_title
    voice = next(item for item in document["items"] if catalogue.voice.record.public_id in item["title"])
    assert voice["title"].endswith("(Pas encore traduit en français)") and voice["language"] == "en"


def test_feed_content_is_sanitized_markdown(client, db):
    from incidents.publishing import workflow
    from tests.factories import CitationFactory, DraftVersionFactory, approve, publish

    draft = DraftVersionFactory(
        summary_en="Scam **reported** [@rcmp-2025] <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    CitationFactory(version=draft, key="rcmp-2025", label_en="RCMP, 2025", is_primary=True)
    workflow.submit(draft, by=draft.created_by)
    publish(approve(draft))
    document = json.loads(client.get("/en/feeds/records.json").content)
    html = document["items"][0]["content_html"]
    assert "<strong>reported</strong>" in html
    assert "(RCMP, 2025)" in html  # the citation's label, not a link to a page anchor
    # Raw HTML is shown as text, the javascript: link is dropped.
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html
    atom = feedparser.parse(client.get("/en/feeds/records.atom").content)
    assert "<script" not in atom.entries[0].summary


def test_revised_version_entry_carries_its_change_note(client, catalogue):
    document = json.loads(client.get("/en/feeds/records.json").content)
    v2 = next(item for item in document["items"] if item["id"].endswith(f"{catalogue.chatbot.record.public_id}/v2/"))
    assert "Corrected the summary" in v2["content_html"]
    assert "to patients" in v2["content_html"]


def test_an_entry_links_to_its_version_permalink_in_the_feed_language(client, catalogue):
    version = catalogue.chatbot
    with translation.override("fr"):
        assert feeds.item_link(version) == f"/fr/incidents/{version.record.public_id}/v{version.number}/"
    assert client.get(feeds.item_link(version)).status_code == 200


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_links_the_feeds_in_its_language(client, catalogue, lang):
    html = client.get(f"/{lang}/").content.decode()
    assert f'<link rel="alternate" type="application/atom+xml" href="/{lang}/feeds/records.atom"' in html
    assert f'<link rel="alternate" type="application/feed+json" href="/{lang}/feeds/records.json"' in html


def test_feeds_answer_conditional_gets(client, catalogue):
    first = client.get("/en/feeds/records.atom")
    assert first.has_header("Last-Modified") and first.has_header("ETag")
    again = client.get("/en/feeds/records.atom", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


# Withdrawals and other dated notices ------------------------------------------------

ATOM = {"atom": "http://www.w3.org/2005/Atom"}


def atom_entries(content):
    """The Atom feed's entries by id: (updated, summary), read as XML (the
    parser must accept the document at all)."""
    root = ET.fromstring(content)
    return {
        entry.find("atom:id", ATOM).text: (
            datetime.datetime.fromisoformat(entry.find("atom:updated", ATOM).text),
            entry.find("atom:summary", ATOM).text,
            entry.find("atom:title", ATOM).text,
        )
        for entry in root.findall("atom:entry", ATOM)
    }


def json_items(client, lang, *versions):
    """The JSON Feed's items by id, in order; only those of ``versions``'
    records if given (the module's catalogue may be there too)."""
    items = json.loads(client.get(f"/{lang}/feeds/records.json").content)["items"]
    wanted = {f"/incidents/{version.record.public_id}/" for version in versions}
    return {item["id"]: item for item in items if not wanted or any(path in item["id"] for path in wanted)}


RETRACTED = "retractedsecretword"


def withdrawn_after_a_revision():
    """A record published twice, then another record, then the first one
    withdrawn: (v1, v2, the other record's v1, the withdrawn record)."""
    v1 = published_record(
        title_en=f"Title {RETRACTED}",
        title_fr=f"Titre {RETRACTED}",
        summary_en=f"Summary {RETRACTED}.",
        summary_fr=f"Résumé {RETRACTED}.",
        narrative_en=f"Narrative {RETRACTED}.",
        narrative_fr=f"Récit {RETRACTED}.",
        sources=[SourceFactory(title=f"Source {RETRACTED}", url="https://incidentdatabase.ai/cite/1/")],
    )
    v2 = publish_revision(record_of(v1), summary_en=f"Second summary {RETRACTED}.")
    other = published_record(title_en="A later record", title_fr="Une fiche ultérieure")
    record = workflow.withdraw(
        record_of(v1),
        by=PublisherFactory(),
        reason_en="Duplicate of another record.",
        reason_fr="Doublon d’une autre fiche.",
    )
    v1.refresh_from_db()
    v2.refresh_from_db()
    return v1, v2, other, record


@pytest.mark.parametrize(
    ("lang", "reason", "notice"),
    [
        ("en", "Reason for withdrawal: Duplicate of another record.", "This record was withdrawn on {date}."),
        ("fr", "Motif du retrait\u00a0: Doublon d’une autre fiche.", "Cette fiche a été retirée le {date}."),
    ],
)
def test_a_withdrawal_appears_in_the_feeds_as_an_updated_entry_with_the_notice_only(client, lang, reason, notice):
    v1, v2, other, record = withdrawn_after_a_revision()
    with translation.override(lang):
        # The site's own date: « 1er décembre » on the first of a month.
        notice = notice.format(date=date_format(localtime(record.withdrawn_at), "DATE_FORMAT"))
    base = f"http://testserver/{lang}/incidents/{record.public_id}"

    response = client.get(f"/{lang}/feeds/records.atom")
    assert feedparser.parse(response.content).bozo == 0
    atom = atom_entries(response.content)
    items = json_items(client, lang)
    for entries in (list(atom), list(items)):
        # The live version's entry moved up, above the record published after it.
        assert entries[:2] == [f"{base}/v2/", f"http://testserver/{lang}/incidents/{other.record.public_id}/v1/"]
        assert entries[2] == f"{base}/v1/"

    assert atom[f"{base}/v2/"][0] == record.withdrawn_at  # updated: the withdrawal
    assert datetime.datetime.fromisoformat(items[f"{base}/v2/"]["date_modified"]) == record.withdrawn_at
    assert datetime.datetime.fromisoformat(items[f"{base}/v2/"]["date_published"]) == v2.published_at
    # The earlier entry carries the notice too, but keeps its date.
    assert atom[f"{base}/v1/"][0] == v1.published_at
    assert datetime.datetime.fromisoformat(items[f"{base}/v1/"]["date_modified"]) == v1.published_at
    for number in (1, 2):
        title = {"en": "{} v{}: record withdrawn", "fr": "{} v{}\u00a0: fiche retirée"}[lang]
        item = items[f"{base}/v{number}/"]
        for summary_and_title in (atom[f"{base}/v{number}/"][1:], (item["content_html"], item["title"])):
            assert summary_and_title == (
                f"<p><strong>{notice}</strong></p><p>{reason}</p>",
                title.format(record.public_id, number),
            )
    # Never the record's content, nor what it cites or the credit for it.
    for feed in ("atom", "json"):
        text = client.get(f"/{lang}/feeds/records.{feed}").content.decode()
        assert RETRACTED not in text
        assert "incidentdatabase.ai" not in text


def test_a_withdrawn_record_s_secret_word_never_appears_in_a_feed(client, catalogue):
    public_id = catalogue.withdrawn.record.public_id
    for lang in LANGS:
        for feed in ("atom", "json"):
            text = client.get(f"/{lang}/feeds/records.{feed}").content.decode()
            assert f"/incidents/{public_id}/v1/" in text  # its entry is there, with the notice
            assert SECRETS["withdrawn"] not in text


def test_a_new_version_is_a_new_entry_and_leaves_the_previous_one_as_it_was(client):
    v1 = published_record(summary_en="First summary.")
    v2 = publish_revision(record_of(v1), summary_en="Second summary.")
    items = json_items(client, "en", v1)
    base = f"http://testserver/en/incidents/{v1.record.public_id}"
    assert list(items) == [f"{base}/v2/", f"{base}/v1/"]
    assert "Second summary." in items[f"{base}/v2/"]["content_html"]
    assert "First summary." in items[f"{base}/v1/"]["content_html"]
    for version in (v1, v2):
        item = items[f"{base}/v{version.number}/"]
        assert item["date_published"] == item["date_modified"] == version.published_at.isoformat()


def test_a_dated_notice_of_a_version_updates_its_entry_and_is_added_to_its_content(client, monkeypatch):
    """The extension point for corrections (feeds module docstring): a
    redaction, as it would plug in, moves its entry up and shows above the
    content it corrects."""
    older = published_record(summary_en="Older summary.")
    newer = published_record(summary_en="Newer summary.")
    redacted_at = newer.published_at + datetime.timedelta(hours=1)
    notice = feeds.Notice(
        at=redacted_at,
        statement="Redacted on the day after.",
        reason_label="Reason for redaction:",
        reason=Localized("A private person's name was removed.", "en", False),
    )
    monkeypatch.setattr(feeds, "version_notices", lambda version: [notice] if version.pk == older.pk else [])
    monkeypatch.setattr(
        feeds,
        "VERSION_NOTICE_DATES",
        (Case(When(pk=older.pk, then=Value(redacted_at, output_field=DateTimeField())), output_field=DateTimeField()),),
    )
    items = list(json_items(client, "en", older, newer).values())
    assert [item["id"] for item in items] == [
        f"http://testserver/en/incidents/{older.record.public_id}/v1/",
        f"http://testserver/en/incidents/{newer.record.public_id}/v1/",
    ]
    assert datetime.datetime.fromisoformat(items[0]["date_modified"]) == redacted_at
    assert datetime.datetime.fromisoformat(items[0]["date_published"]) == older.published_at
    assert items[0]["content_html"] == (
        "<p><strong>Redacted on the day after.</strong></p>"
        "<p>Reason for redaction: A private person&#x27;s name was removed.</p>"
        "<p>Older summary.</p>"
    )
    assert datetime.datetime.fromisoformat(items[1]["date_modified"]) == newer.published_at


def test_a_control_character_does_not_break_the_atom_feed(client):
    version = published_record()
    withdrawn = published_record()
    # Saving cleans text (core/text.py); update() writes these characters
    # straight to the rows, as an old row or a raw SQL write could hold them.
    RecordVersion.objects.filter(pk=version.pk).update(
        title_en="Vertical\x0btab", summary_en="Form\x0cfeed and\x01 start of heading."
    )
    workflow.withdraw(record_of(withdrawn), by=PublisherFactory(), reason_en="Bell.", reason_fr="Cloche.")
    Record.objects.filter(pk=withdrawn.record_id).update(withdrawal_reason_en="Bell\x07.")
    for lang in LANGS:
        content = client.get(f"/{lang}/feeds/records.atom").content
        assert feedparser.parse(content).bozo == 0
        entries = atom_entries(content)  # the XML parser accepts it
        assert f"http://testserver/{lang}/incidents/{version.record.public_id}/v1/" in entries
    items = json_items(client, "en", version)
    item = items[f"http://testserver/en/incidents/{version.record.public_id}/v1/"]
    assert item["title"].endswith("Vertical tab")
    assert item["content_html"] == "<p>Form feed and start of heading.</p>"


def feed_queries(client, url):
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def add_feed_records(count):
    """Published, revised, withdrawn and AIID-credited records."""
    for index in range(count):
        aiid = SourceFactory(url=f"https://incidentdatabase.ai/cite/{index}/")
        version = published_record(title_en=f"Record {index}", sources=[aiid, SourceFactory()])
        publish_revision(record_of(version), summary_en=f"Revised summary {index}")
        gone = published_record(title_en=f"Withdrawn {index}", sources=[SourceFactory()])
        publish_revision(record_of(gone), summary_en=f"Revised before withdrawal {index}")
        workflow.withdraw(record_of(gone), by=PublisherFactory(), reason_en="Duplicate.", reason_fr="Doublon.")


def test_feeds_cost_the_same_queries_whatever_the_number_of_records_withdrawn_or_credited(client):
    urls = [f"/{lang}/feeds/records.{feed}" for lang in LANGS for feed in ("atom", "json")]
    add_feed_records(1)
    few = {url: feed_queries(client, url) for url in urls}
    add_feed_records(4)
    assert {url: feed_queries(client, url) for url in urls} == few
    # The publication stamp and the latest source edit (the kept copy's
    # key), the entries, and their citations with their sources.
    assert max(few.values()) <= 5, few


def test_a_kept_feed_costs_two_queries_until_the_next_publication(client):
    published_record()
    first = client.get("/en/feeds/records.atom")
    with CaptureQueriesContext(connection) as captured:
        kept = client.get("/en/feeds/records.atom")
    assert len(captured) == 2  # the publication stamp, the latest source edit
    assert kept.content == first.content
    assert kept["Content-Type"] == first["Content-Type"]
    assert kept["Last-Modified"] == first["Last-Modified"]


def test_a_kept_feed_follows_each_publication_withdrawal_and_source_correction(client):
    source = SourceFactory()
    first = published_record(title_en="First entry", sources=[source])
    assert list(json_items(client, "en", first))
    second = published_record(title_en="Second entry")
    assert any("Second entry" in item["title"] for item in json_items(client, "en", second).values())
    workflow.withdraw(record_of(second), by=PublisherFactory(), reason_en="Duplicate.", reason_fr="Doublon.")
    assert all("record withdrawn" in item["title"] for item in json_items(client, "en", second).values())
    before = client.get("/en/feeds/records.json").content
    source.url = "https://incidentdatabase.ai/cite/1/"  # now credited to the AI Incident Database
    source.save()
    assert client.get("/en/feeds/records.json").content != before


def test_a_feed_reader_polling_with_its_etag_gets_not_modified_until_a_publication(client):
    published_record()
    etag = client.get("/fr/feeds/records.atom")["ETag"]
    assert client.get("/fr/feeds/records.atom", HTTP_IF_NONE_MATCH=etag).status_code == 304
    published_record()
    assert client.get("/fr/feeds/records.atom", HTTP_IF_NONE_MATCH=etag).status_code == 200


# Sitemap and robots.txt --------------------------------------------------------------


def sitemap_urls(client):
    index = ET.fromstring(get(client, "/sitemap.xml", "application/xml").content)
    urls = []
    for loc in index.findall("sm:sitemap/sm:loc", SITEMAP_NS):
        path = loc.text.replace("http://testserver", "")
        urls.extend(ET.fromstring(get(client, path, "application/xml").content).findall("sm:url", SITEMAP_NS))
    return urls


def test_sitemap_lists_every_published_record_in_both_languages_with_alternates(client, catalogue):
    urls = sitemap_urls(client)
    locations = {url.find("sm:loc", SITEMAP_NS).text: url for url in urls}
    for version in catalogue.published:
        public_id = version.record.public_id
        for lang in LANGS:
            url = locations[f"http://testserver/{lang}/incidents/{public_id}/"]
            alternates = {link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", SITEMAP_NS)}
            assert alternates == {
                "en": f"http://testserver/en/incidents/{public_id}/",
                "fr": f"http://testserver/fr/incidents/{public_id}/",
                "x-default": f"http://testserver/incidents/{public_id}/",
            }
            assert url.find("sm:lastmod", SITEMAP_NS) is not None
    assert "http://testserver/en/" in locations and "http://testserver/fr/incidents/" in locations


def test_sitemap_leaves_out_unpublished_and_withdrawn_records(client, catalogue):
    text = " ".join(url.find("sm:loc", SITEMAP_NS).text for url in sitemap_urls(client))
    for hidden in (catalogue.draft, catalogue.in_review, catalogue.approved, catalogue.withdrawn):
        assert f"/incidents/{hidden.record.public_id}/" not in text
    record_urls = [loc for loc in text.split() if "/incidents/" in loc and loc.count("/") > 5]
    assert len(record_urls) == 2 * len(catalogue.published)


def test_x_default_address_redirects_by_language(client, catalogue):
    public_id = catalogue.deepfakes.record.public_id
    response = client.get(f"/incidents/{public_id}/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr")
    assert response.status_code == 302 and response["Location"] == f"/fr/incidents/{public_id}/"


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client, db):
    response = get(client, "/robots.txt", "text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_an_old_record_withdrawn_last_heads_the_feed_past_newer_publications(client, monkeypatch):
    """The feed reads a bounded set of candidates (``entry_candidates``), not
    every version: an old entry moved up by a withdrawal is still among them."""
    monkeypatch.setattr(feeds, "FEED_SIZE", 2)
    old = published_record(title_en="Old record")
    newer = [published_record(title_en=f"Newer {n}") for n in range(3)]
    workflow.withdraw(record_of(old), by=PublisherFactory(), reason_en="Duplicate.", reason_fr="Doublon.")
    items = list(json_items(client, "en", old, *newer))
    assert items == [
        f"http://testserver/en/incidents/{old.record.public_id}/v1/",
        f"http://testserver/en/incidents/{newer[2].record.public_id}/v1/",
    ]


def test_feed_candidates_are_bounded_whatever_the_number_of_versions(db, monkeypatch):
    monkeypatch.setattr(feeds, "FEED_SIZE", 2)
    for n in range(4):
        version = published_record(title_en=f"Record {n}")
        publish_revision(record_of(version), summary_en=f"Revised {n}")
    workflow.withdraw(record_of(version), by=PublisherFactory(), reason_en="Duplicate.", reason_fr="Doublon.")
    # At most FEED_SIZE of each: newest publications, withdrawals, redactions.
    candidates = RecordVersion.objects.filter(pk__in=feeds.entry_candidates()).count()
    assert 2 <= candidates <= 2 * (2 + len(feeds.VERSION_NOTICE_DATES)) < RecordVersion.objects.announced().count()


# Sitemap pages by ranges of record ids ------------------------------------------------


def sitemap_page(client, page):
    response = client.get(f"/sitemap-records.xml?p={page}")
    assert response.status_code == 200
    return [
        url.find("sm:loc", SITEMAP_NS).text for url in ET.fromstring(response.content).findall("sm:url", SITEMAP_NS)
    ]


def test_sitemap_pages_split_the_records_by_id_range_within_the_limit(client, db, monkeypatch):
    from incidents.public.sitemaps import RecordSitemap

    monkeypatch.setattr(RecordSitemap, "limit", 4)  # two records, in two languages, per page
    records = [published_record(title_en=f"Record {n}").record for n in range(5)]
    workflow.withdraw(records[1], by=PublisherFactory(), reason_en="Duplicate.", reason_fr="Doublon.")
    index = ET.fromstring(client.get("/sitemap.xml").content)
    pages = [loc.text for loc in index.findall("sm:sitemap/sm:loc", SITEMAP_NS) if "records" in loc.text]
    published = list(Record.objects.published())  # the factories publish a few more
    assert records[1] not in published and len(published) >= 4
    last = -(-max(r.pk for r in published) // 2)
    assert len(pages) == last
    listed = []
    for page in range(1, last + 1):
        urls = sitemap_page(client, page)
        assert len(urls) <= 4
        listed += urls
    expected = {f"http://testserver/{lang}/incidents/{r.public_id}/" for r in published for lang in LANGS}
    assert set(listed) == expected and len(listed) == len(expected)
    assert client.get(f"/sitemap-records.xml?p={last + 1}").status_code == 404
    assert client.get("/sitemap-records.xml?p=x").status_code == 404


def test_sitemap_index_and_pages_cost_the_same_queries_whatever_the_number_of_records(client, db):
    def queries(url):
        client.get(url)
        cache.clear()  # written again, not the kept copy
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = ["/sitemap.xml", "/sitemap-records.xml?p=1"]
    published_record()
    few = {url: queries(url) for url in urls}
    for _ in range(4):
        published_record()
    assert {url: queries(url) for url in urls} == few


# Sitemaps kept until the next publication ------------------------------------------------------


def record_locations(client):
    return set(sitemap_page(client, 1))


def sitemap_locations(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [loc.text for loc in ET.fromstring(response.content).findall("sm:url/sm:loc", SITEMAP_NS)]


def record_url(record, lang="en"):
    return f"http://testserver/{lang}/incidents/{record.public_id}/"


def test_a_kept_sitemap_section_costs_one_query_until_the_next_publication(client, db):
    published_record()
    first = client.get("/sitemap-records.xml")
    with CaptureQueriesContext(connection) as captured:
        kept = client.get("/sitemap-records.xml")
    assert len(captured) == 1  # the publication stamp
    assert kept.content == first.content
    assert kept["Content-Type"] == first["Content-Type"] == "application/xml"
    assert kept["X-Robots-Tag"] == first["X-Robots-Tag"]


def test_a_kept_sitemap_section_follows_each_publication_and_withdrawal(client, db):
    first = published_record(title_en="First").record
    assert record_url(first) in record_locations(client)
    second = published_record(title_en="Second").record
    assert {record_url(first), record_url(second)} <= record_locations(client)
    workflow.withdraw(first, by=PublisherFactory(), reason_en="Duplicate.", reason_fr="Doublon.")
    listed = record_locations(client)
    assert record_url(first) not in listed and record_url(second) in listed


def test_the_kept_sitemap_index_follows_a_publication_that_opens_a_page(client, db, monkeypatch):
    from incidents.public.sitemaps import RecordSitemap

    monkeypatch.setattr(RecordSitemap, "limit", 2)  # one record, in two languages, per page

    def pages():
        index = ET.fromstring(client.get("/sitemap.xml").content)
        return [loc.text for loc in index.findall("sm:sitemap/sm:loc", SITEMAP_NS) if "records" in loc.text]

    published_record()
    before = pages()
    newest = published_record().record
    after = pages()
    assert len(after) == newest.pk > len(before)


def test_the_kept_entities_section_follows_a_renamed_slug(client, db):
    entity = EntityFactory(slug="maker")
    published_record(entities=[entity])
    old = f"http://testserver/en/entities/{entity.slug}/"
    assert old in sitemap_locations(client, "/sitemap-entities.xml")
    entity.slug = "renamed-maker"
    entity.save()
    listed = sitemap_locations(client, "/sitemap-entities.xml")
    assert old not in listed and "http://testserver/en/entities/renamed-maker/" in listed


@pytest.mark.parametrize("page", ["x", "²", "0", "99999", "1234567"])
def test_a_sitemap_page_that_cannot_be_is_not_found_and_not_kept(client, db, page, monkeypatch):
    from incidents.public import page_cache

    published_record()
    kept = []
    monkeypatch.setattr(page_cache.cache, "set", lambda key, *args, **kwargs: kept.append(key))
    assert client.get(f"/sitemap-records.xml?p={page}").status_code == 404
    assert not [key for key in kept if "sitemap" in key]
    assert client.get("/sitemap-records.xml?p=1").status_code == 200
    assert [key for key in kept if "sitemap" in key]  # what a 200 does
