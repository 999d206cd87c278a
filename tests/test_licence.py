"""The content licence and the credits for data drawn from elsewhere: stated
on record pages, in the feeds, the JSON-LD and the citation files, from the
settings, at no extra query."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from django.core.cache import cache

from incidents.public import licence
from tests.factories import (
    CitationFactory,
    SourceFactory,
    full_record,
    publish_revision,
    published_record,
    record_of,
    release,
    revise,
)
from tests.test_record_pages import RECORD_PAGE_QUERIES, count_queries

pytestmark = pytest.mark.django_db

BY = "https://creativecommons.org/licenses/by/4.0/"
BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"
AIID = "https://incidentdatabase.ai/"
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def aiid_source(number=639):
    return SourceFactory(
        title="Air Canada Chatbot Reportedly Provides Inaccurate Bereavement Fare Information",
        publisher_en="AI Incident Database",
        publisher_fr="AI Incident Database",
        url=f"https://incidentdatabase.ai/cite/{number}/",
    )


def licence_line(html):
    return re.search(r'<p class="cite__licence">(.*?)</p>', html, re.S).group(1)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# On the record page ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", f'Licence: <a rel="license" href="{BY}">CC BY 4.0</a>.'),
        ("fr", f'Licence{NBSP}: <a rel="license" href="{BY}">CC BY 4.0</a>.'),
    ],
)
def test_record_page_states_its_licence_in_both_languages(client, lang, expected):
    v1 = published_record()
    publish_revision(record_of(v1), summary_en="A second version.")
    public_id = v1.record.public_id
    for path in ("", "v1/", "v2/"):  # the live page and both version permalinks
        html = page(client, f"/{lang}/incidents/{public_id}/{path}")
        assert licence_line(html) == expected
        # Near "Cite this record": in its section, after the reference.
        cite = html.split('<section class="cite"', 1)[1].split("</section>", 1)[0]
        assert cite.index('class="cite__text"') < cite.index('class="cite__licence"')


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            f'Licence: <a rel="license" href="{BY_SA}">CC BY-SA 4.0</a>. '
            f'Contains data from the <a href="{AIID}">AI Incident Database</a>, <a href="{BY_SA}">CC BY-SA 4.0</a>.',
        ),
        (
            "fr",
            f'Licence{NBSP}: <a rel="license" href="{BY_SA}">CC BY-SA 4.0</a>. '
            f'Contient des données de la base <a href="{AIID}">AI Incident Database</a>, '
            f'sous licence <a href="{BY_SA}">CC BY-SA 4.0</a>.',
        ),
    ],
)
def test_a_record_citing_aiid_data_is_credited_and_share_alike(client, lang, expected):
    credited = published_record(sources=[aiid_source(), SourceFactory()])
    plain = published_record(sources=[SourceFactory()])
    assert licence_line(page(client, f"/{lang}/incidents/{credited.record.public_id}/")) == expected
    assert licence_line(page(client, f"/{lang}/incidents/{credited.record.public_id}/v1/")) == expected
    assert "AI Incident Database" not in licence_line(page(client, f"/{lang}/incidents/{plain.record.public_id}/"))


def test_the_licence_is_that_of_the_version_shown(client):
    v1 = published_record(sources=[SourceFactory()])
    draft = revise(record_of(v1))
    CitationFactory(version=draft, source=aiid_source())
    release(draft)
    public_id = v1.record.public_id
    assert BY_SA in licence_line(page(client, f"/en/incidents/{public_id}/"))  # v2 cites the AIID
    assert BY_SA not in licence_line(page(client, f"/en/incidents/{public_id}/v1/"))


def test_stating_the_licence_and_credits_costs_no_query(client):
    live = full_record()
    draft = revise(record_of(live))
    CitationFactory(version=draft, source=aiid_source())
    v2 = release(draft)
    assert count_queries(client, f"/en/incidents/{v2.record.public_id}/") == RECORD_PAGE_QUERIES
    assert count_queries(client, f"/fr/incidents/{v2.record.public_id}/v2/") == RECORD_PAGE_QUERIES


# JSON-LD and citation files ---------------------------------------------------------


def json_ld(html):
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def test_json_ld_and_csl_json_carry_the_licence(client):
    credited = published_record(sources=[aiid_source()])
    plain = published_record()
    for version, url in ((credited, BY_SA), (plain, BY)):
        public_id = version.record.public_id
        data = json_ld(page(client, f"/en/incidents/{public_id}/"))
        assert data["license"] == url
        [item] = json.loads(client.get(f"/fr/incidents/{public_id}/v1/cite.json").content)
        assert item["license"] == url
        # BibTeX has no licence field: none is made up.
        assert "licen" not in client.get(f"/en/incidents/{public_id}/v1/cite.bib").content.decode().lower()
    data = json_ld(page(client, f"/fr/incidents/{credited.record.public_id}/v1/"))
    assert data["isBasedOn"] == [{"@type": "Dataset", "name": "AI Incident Database", "url": AIID, "license": BY_SA}]
    assert "isBasedOn" not in json_ld(page(client, f"/en/incidents/{plain.record.public_id}/"))


# In the feeds ---------------------------------------------------------------------


def test_feeds_state_the_licence_of_the_feed_and_of_each_entry(client):
    plain = published_record(title_en="Our own record")
    credited = published_record(title_en="Drawn from the AIID", sources=[aiid_source()])
    atom = feedparser.parse(client.get("/en/feeds/records.atom").content)
    assert atom.bozo == 0
    assert atom.feed.rights == f"Records are licensed under CC BY 4.0 ({BY}) unless their entry says otherwise."
    assert atom.feed.license == BY  # <link rel="license">, RFC 4946
    entries = {entry.id: entry for entry in atom.entries}
    plain_entry = entries[f"http://testserver/en/incidents/{plain.record.public_id}/v1/"]
    assert plain_entry.license == BY
    assert plain_entry.rights == f"Licence: CC BY 4.0 ({BY})."
    credited_entry = entries[f"http://testserver/en/incidents/{credited.record.public_id}/v1/"]
    assert credited_entry.license == BY_SA
    assert credited_entry.rights == (
        f"Licence: CC BY-SA 4.0 ({BY_SA}). Contains data from the AI Incident Database ({AIID}), CC BY-SA 4.0 ({BY_SA})."
    )
    french = feedparser.parse(client.get("/fr/feeds/records.atom").content)
    assert french.feed.rights.startswith(f"Les fiches sont publiées sous licence CC BY 4.0 ({BY})")
    assert f"Licence{NBSP}: CC BY-SA 4.0" in french.entries[0].rights
    assert "Contient des données de la base AI Incident Database" in french.entries[0].rights

    # JSON Feed has no licence field: its "_dossier" extension says it.
    document = json.loads(client.get("/en/feeds/records.json").content)
    assert document["_dossier"] == {"licence": {"name": "CC BY 4.0", "url": BY}, "credits": []}
    items = {item["id"]: item for item in document["items"]}
    assert items[f"http://testserver/en/incidents/{credited.record.public_id}/v1/"]["_dossier"] == {
        "licence": {"name": "CC BY-SA 4.0", "url": BY_SA},
        "credits": [{"name": "AI Incident Database", "url": AIID, "licence": {"name": "CC BY-SA 4.0", "url": BY_SA}}],
    }
    assert items[f"http://testserver/en/incidents/{plain.record.public_id}/v1/"]["_dossier"]["licence"]["url"] == BY


# The settings -----------------------------------------------------------------------


def test_the_licence_and_credits_come_from_the_settings(client, settings):
    settings.DOSSIER_CONTENT_LICENCE = {"name": "Licence ouverte 2.0", "url": "https://example.org/lo2/"}
    settings.DOSSIER_DATA_CREDITS = [
        {
            "name": "Example Register",
            "url": "https://register.example.org/",
            "licence": {"name": "CC BY 4.0", "url": BY},  # not share-alike
            "sources": ["https://register.example.org/entries/"],
        }
    ]
    credited = published_record(sources=[SourceFactory(url="https://www.register.example.org/entries/7")])
    aiid = published_record(sources=[aiid_source()])
    line = licence_line(page(client, f"/en/incidents/{credited.record.public_id}/"))
    # Credited, but the data is not share-alike: the record keeps our licence.
    assert line.startswith('Licence: <a rel="license" href="https://example.org/lo2/">Licence ouverte 2.0</a>. ')
    assert "Contains data from the <a" in line and "Example Register" in line
    # The AI Incident Database is no longer credited.
    assert licence_line(page(client, f"/en/incidents/{aiid.record.public_id}/")).count("<a ") == 1


def test_the_page_etag_changes_with_the_licence_settings(client, settings):
    version = published_record(sources=[aiid_source()])
    url = f"/en/incidents/{version.record.public_id}/"
    first = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first).status_code == 304
    settings.DOSSIER_DATA_CREDITS = []
    second = client.get(url, HTTP_IF_NONE_MATCH=first)  # the old copy no longer matches
    assert second.status_code == 200 and second["ETag"] != first
    assert "AI Incident Database" not in licence_line(second.content.decode())


@pytest.mark.parametrize(
    ("url", "covered"),
    [
        ("https://incidentdatabase.ai/cite/639/", True),
        ("http://www.incidentdatabase.ai/cite/639", True),
        ("https://INCIDENTDATABASE.ai/reports/1", True),
        ("https://incidentdatabase.ai.example.org/cite/1/", False),
        ("https://example.org/?u=https://incidentdatabase.ai/", False),
        ("https://example.org/incidentdatabase.ai/", False),
        ("", False),
        ("http://[not-a-host/", False),
    ],
)
def test_a_credited_source_is_recognized_by_its_address(url, covered):
    [aiid] = licence.data_credits()
    assert aiid.covers(url) is covered


def test_a_source_prefix_with_a_path_only_covers_that_path(settings):
    settings.DOSSIER_DATA_CREDITS = [
        {"name": "Register", "url": "https://example.org/", "licence": {"name": "X", "url": "https://x.test/"}}
    ]
    [credit] = licence.data_credits()
    assert credit.sources == ("https://example.org/",)  # the credit's own address, by default
    settings.DOSSIER_DATA_CREDITS[0]["sources"] = ["https://example.org/register"]
    [credit] = licence.data_credits()
    assert credit.covers("https://example.org/register/1") and not credit.covers("https://example.org/blog/1")


BASE_DIR = Path(__file__).resolve().parent.parent
READ = (
    "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup();"
    "from django.conf import settings;"
    "print(settings.DOSSIER_CONTENT_LICENCE['name'], len(settings.DOSSIER_DATA_CREDITS))"
)


def settings_with(**env):
    clean = {key: value for key, value in os.environ.items() if not key.startswith("DOSSIER_")}
    return subprocess.run(
        [sys.executable, "-c", READ],
        cwd=BASE_DIR,
        env={**clean, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_licence_settings_are_read_from_the_environment():
    assert settings_with().stdout.strip() == "CC BY 4.0 1"
    result = settings_with(
        DOSSIER_CONTENT_LICENCE='{"name": "CC0 1.0", "url": "https://creativecommons.org/publicdomain/zero/1.0/"}',
        DOSSIER_DATA_CREDITS="[]",
    )
    assert result.stdout.strip() == "CC0 1.0 0", result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DOSSIER_CONTENT_LICENCE", "CC BY 4.0"),  # not JSON
        ("DOSSIER_CONTENT_LICENCE", '{"name": "CC BY 4.0"}'),  # no URL
        ("DOSSIER_DATA_CREDITS", '{"name": "AIID"}'),  # not a list
        ("DOSSIER_DATA_CREDITS", '[{"name": "AIID", "url": "https://incidentdatabase.ai/"}]'),  # no licence
        (
            "DOSSIER_DATA_CREDITS",
            '[{"name": "A", "url": "https://a.test/", "licence": {"name": "L", "url": "https://l.test/", "share_alike": "no"}}]',
        ),  # "no" would read as true
    ],
)
def test_a_malformed_licence_setting_is_refused_at_start_up_naming_it(name, value):
    result = settings_with(**{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and f"{name} must be" in result.stderr
