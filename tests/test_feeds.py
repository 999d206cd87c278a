"""Feeds (Atom, JSON Feed), sitemap.xml and robots.txt: valid, in both
languages, published content only."""

import datetime
import json
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.db import transaction
from django.utils import translation

from incidents.public import feeds
from tests.catalogue import SECRETS, build_catalogue

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
    assert len(parsed.entries) == 5  # 4 records, one of them with two versions
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
    assert len(document["items"]) == 5
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
    for item in document["items"]:
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
    assert f"{deepfakes} v1: Des hypertrucages pour infiltrer des employeurs" in by_title
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
