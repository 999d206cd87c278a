"""The read-only JSON API (/api/v1/): published content only, both
languages with their status, the public list's filters, pagination, ETags,
CORS, the rate limit, clear errors in the reader's language, and a number of
queries that does not grow with the data."""

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.publishing import workflow
from tests.catalogue import SECRETS, build_catalogue
from tests.factories import (
    PublisherFactory,
    TermFactory,
    full_record,
    publish_revision,
    published_record,
    record_of,
    revise,
)
from tests.test_record_pages import ONE_STATEMENT, PART_QUERIES

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # the rate limit and the list's cached choices
    yield
    cache.clear()


def get(client, url, **headers):
    response = client.get(url, **headers)
    assert response["Content-Type"].startswith("application/json"), (url, response.status_code)
    return response, response.json()


def every_answer(client):
    """(url, body) of every answer the API gives on the current data: every
    list page, every record, every published version, every versions list,
    the reference lists, taxonomies, statistics."""
    answers = []
    url = f"{API}/records/?limit=2"
    ids = []
    while url:
        response, body = get(client, url)
        assert response.status_code == 200
        answers.append((url, body))
        ids += [row["id"] for row in body["results"]]
        url = body["next"]
    for public_id in ids:
        _response, versions = get(client, f"{API}/records/{public_id}/versions/")
        answers.append((public_id, versions))
        for entry in versions:
            response, body = get(client, f"{API}/records/{public_id}/?version={entry['version']}")
            assert response.status_code == 200
            answers.append((public_id, body))
    for name in ("entities", "sources"):
        url = f"{API}/{name}/?limit=3"
        while url:
            _response, body = get(client, url)
            answers.append((url, body))
            url = body["next"]
    for name in ("taxonomies", "stats"):
        answers.append((name, get(client, f"{API}/{name}/")[1]))
    return ids, answers


# Only what readers can see ----------------------------------------------------


def test_no_answer_of_the_api_holds_unpublished_or_redacted_text(client):
    catalogue = build_catalogue()
    ids, answers = every_answer(client)
    expected = {record_of(v).public_id for v in (catalogue.deepfakes, catalogue.voice, catalogue.chatbot)}
    assert expected <= set(ids)
    for public_id in (record_of(catalogue.draft).public_id, record_of(catalogue.withdrawn).public_id):
        assert public_id not in ids
    for where, body in answers:
        text = json.dumps(body, ensure_ascii=False)
        for state, word in SECRETS.items():
            assert word not in text, (state, where)
        for hidden in ("secret-sector", "Secret sector", "secret-entity", "Secret Entity"):
            assert hidden not in text, (hidden, where)


def test_a_draft_or_unknown_record_is_a_404_and_a_withdrawn_one_a_410_with_its_notice(client):
    catalogue = build_catalogue()
    response, body = get(client, f"{API}/records/{record_of(catalogue.draft).public_id}/")
    assert response.status_code == 404 and body["detail"] == "No published record or version has this id."
    assert get(client, f"{API}/records/INC-9999/")[0].status_code == 404
    withdrawn = record_of(catalogue.withdrawn)
    response, body = get(client, f"{API}/records/{withdrawn.public_id}/")
    assert response.status_code == 410
    assert body["id"] == withdrawn.public_id and body["reason"]["en"] == withdrawn.withdrawal_reason_en
    assert SECRETS["withdrawn"] not in json.dumps(body)


def test_a_version_in_review_is_not_served_even_by_number(client):
    version = published_record()
    draft = revise(record_of(version))
    workflow.submit(draft, by=draft.created_by)
    response, _body = get(client, f"{API}/records/{version.record.public_id}/?version=2")
    assert response.status_code == 404


# The record's data ---------------------------------------------------------------


def test_a_record_gives_every_part_in_both_languages(client):
    live = full_record()
    response, body = get(client, f"{API}/records/{live.record.public_id}/")
    assert response.status_code == 200
    assert body["id"] == live.record.public_id and body["version"] == 1 and body["is_live"]
    assert body["title"]["en"] == {"text": "Canadian advisory warned of deepfake IT workers", "status": "complete"}
    assert body["title"]["fr"]["status"] == "complete"
    assert [c["key"] for c in body["citations"]] == ["rcmp-2025", "bnn-2025", "msft-2025"]
    assert body["citations"][0]["is_primary"] and body["citations"][0]["source"]["publisher"]["en"]
    assert len(body["harms"]) == 2 and body["recommendations"] and body["entities"]
    assert {j["country"] for j in body["jurisdictions"]} == {"CA", "US"}
    assert body["materialized_from"][0]["title"]["en"]["text"] == "Deepfake hiring fraud hazard"
    assert body["permalinks"]["fr"].endswith(f"/fr/incidents/{live.record.public_id}/v1/")
    assert body["licence"]["name"] and body["changelog"][0]["version"] == 1


def test_external_ids_and_term_codes_are_given(client):
    version = published_record(external_ids=[("aiid", "639")])
    body = get(client, f"{API}/records/{version.record.public_id}/")[1]
    assert body["external_ids"] == [
        {
            "database": "aiid",
            "name": {"en": "AI Incident Database", "fr": "AI Incident Database"},
            "id": "639",
            "url": "https://incidentdatabase.ai/cite/639/",
        }
    ]


def test_french_left_empty_is_missing_and_french_left_behind_is_stale(client):
    version = published_record(summary_fr="", narrative_fr="Récit d'origine.")
    revised = publish_revision(record_of(version), narrative_en="A corrected narrative.")
    body = get(client, f"{API}/records/{revised.record.public_id}/")[1]
    assert body["summary"]["fr"] == {"text": "", "status": "missing"}
    assert body["narrative"]["fr"] == {"text": "Récit d'origine.", "status": "stale"}
    assert body["narrative"]["en"]["status"] == "complete"
    first = get(client, f"{API}/records/{revised.record.public_id}/?version=1")[1]
    assert first["narrative"]["fr"]["status"] == "complete" and not first["is_live"]


def test_versions_list_every_published_version_with_its_change_note(client):
    revised = publish_revision(record_of(published_record()), summary_en="Corrected.")
    body = get(client, f"{API}/records/{revised.record.public_id}/versions/")[1]
    assert [(v["version"], v["is_live"]) for v in body] == [(1, False), (2, True)]
    assert body[1]["change"]["fr"]["text"] == "Résumé corrigé"


# The list --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=hazard", ["voice"]),
        ("country=CA", ["deepfakes", "chatbot"]),
        ("entity=acme-bank", ["voice", "chatbot"]),
        ("term=sector/finance", ["deepfakes", "voice"]),
        ("severity=4", ["chatbot"]),
        ("date_from=2025-01-01", ["deepfakes"]),
    ],
)
def test_the_list_takes_the_public_lists_filters(client, query, expected):
    catalogue = build_catalogue()
    body = get(client, f"{API}/records/?{query}")[1]
    assert sorted(row["id"] for row in body["results"]) == sorted(
        record_of(getattr(catalogue, name)).public_id for name in expected
    )
    assert body["count"] == len(expected)


def test_cursor_pages_cover_every_record_once(client):
    for _ in range(5):
        published_record()
    seen, url = [], f"{API}/records/?limit=2"
    while url:
        body = get(client, url)[1]
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 5


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("severity=abc", "severity"),
        ("limit=0", "limit"),
        ("limit=1000", "limit"),
        ("cursor=not-a-cursor", "cursor"),
        ("lang=de", "lang"),
        ("term=finance", "term"),
        ("term=nothing/here", "term"),
        ("date_from=2025-13-45", "date_from"),
        ("q=" + "x" * 500, "q"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, query, parameter):
    published_record()
    response, body = get(client, f"{API}/records/?{query}")
    assert response.status_code == 400
    assert parameter in body["errors"] and body["detail"] == "Some parameters are not valid."


def test_errors_are_in_the_readers_language(client):
    response, body = get(client, f"{API}/records/?limit=0", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert body["detail"] == "Certains paramètres ne sont pas valides."
    assert body["errors"]["limit"] == ["Donnez un nombre de résultats de 1 à 100."]
    response, body = get(client, f"{API}/records/INC-9999/", HTTP_ACCEPT_LANGUAGE="fr")
    assert body["detail"] == "Aucune fiche ni version publiée ne porte cet identifiant."


def test_a_bad_version_number_is_a_400(client):
    version = published_record()
    for bad in ("abc", "0", "-1", "99999999999999999999"):
        response, body = get(client, f"{API}/records/{version.record.public_id}/?version={bad}")
        assert response.status_code == 400 and "version" in body["errors"], bad


def test_an_unknown_address_under_the_api_is_a_json_404(client):
    response, body = get(client, f"{API}/nothing/")
    assert response.status_code == 404 and body["detail"]


# HTTP ----------------------------------------------------------------------------


def test_an_unchanged_answer_is_a_304_and_a_publication_changes_the_etag(client):
    version = published_record()
    url = f"{API}/records/{version.record.public_id}/"
    first = client.get(url)
    tag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304
    publish_revision(record_of(version), summary_en="Corrected.")
    again = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 200 and again["ETag"] != tag


def test_a_withdrawal_and_a_redaction_change_the_etag(client):
    catalogue = build_catalogue()
    url = f"{API}/records/"
    tag = client.get(url)["ETag"]
    workflow.withdraw(record_of(catalogue.chatbot), by=PublisherFactory(), reason_en="Wrong.", reason_fr="Erroné.")
    assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 200


def test_a_draft_saved_does_not_change_the_etag(client):
    version = published_record()
    url = f"{API}/records/"
    tag = client.get(url)["ETag"]
    draft = revise(record_of(version))
    draft.summary_en = "Edited in a draft."
    draft.save()
    assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304


def test_any_origin_may_read_and_only_get_is_allowed(client):
    response = client.get(f"{API}/stats/", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(f"{API}/records/", HTTP_ORIGIN="https://example.org")
    assert preflight.status_code == 204 and "GET" in preflight["Access-Control-Allow-Methods"]
    for method in (client.post, client.put, client.delete):
        response = method(f"{API}/records/")
        assert response.status_code == 405 and response["Allow"] == "GET, HEAD, OPTIONS"


def test_past_the_rate_limit_the_api_answers_429_with_retry_after(client, settings):
    settings.DOSSIER_API_RATE = "3/min"
    for _ in range(3):
        assert client.get(f"{API}/stats/").status_code == 200
    response = client.get(f"{API}/stats/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert client.get(f"{API}/stats/", REMOTE_ADDR="192.0.2.9").status_code == 200  # another address


def test_a_spoofed_forwarded_header_does_not_escape_the_rate_limit(client, settings):
    settings.DOSSIER_API_RATE = "2/min"
    settings.DOSSIER_TRUSTED_PROXIES = 0
    for index in range(2):
        client.get(f"{API}/stats/", HTTP_X_FORWARDED_FOR=f"198.51.100.{index}")
    assert client.get(f"{API}/stats/", HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


# Cost ------------------------------------------------------------------------------

# The record's detail: the record's stamp (for the ETag, then reused: none
# on Redis), the record with its versions, the parts of the version and of
# the one before it (test_record_pages.PART_QUERIES: one statement on
# PostgreSQL, else one query per kind), the terms' codes, its related
# records (record_page.neighbours).
RECORD_QUERIES = 4 + PART_QUERIES
# Without recommendations, their further authorities are not read on the
# ORM's path (record_page.prefetch_parts).
RECORD_QUERIES_WITHOUT_RECOMMENDATIONS = RECORD_QUERIES - (0 if ONE_STATEMENT else 1)


def queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_records_answer_costs_the_same_whatever_its_size(client):
    small = published_record(terms=[TermFactory()])
    big = full_record()
    big = publish_revision(record_of(big), summary_en="Corrected.")
    assert queries(client, f"{API}/records/{small.record.public_id}/") == RECORD_QUERIES_WITHOUT_RECOMMENDATIONS
    assert queries(client, f"{API}/records/{big.record.public_id}/") == RECORD_QUERIES


def test_list_and_reference_answers_cost_the_same_whatever_the_number_of_records(client):
    build_catalogue()
    urls = [
        f"{API}/records/",
        f"{API}/records/?q=bank&country=CA",
        f"{API}/entities/",
        f"{API}/sources/",
        f"{API}/stats/",
    ]
    before = [queries(client, url) for url in urls]
    for _ in range(4):
        full_record()
    assert [queries(client, url) for url in urls] == before


# The page for people -----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_api_page_documents_every_endpoint(client, lang):
    from api.views import api

    html = client.get(f"/{lang}/api/").content.decode()
    for path in api.get_openapi_schema()["paths"]:
        assert f"<code>GET {path}</code>" in html, path
    assert "/api/v1/openapi.json" in html
