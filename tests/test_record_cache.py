"""
Record pages from the cache (incidents/public/page_cache.py).

An anonymous reader's record page is rendered once per record, language,
version and ETag, then served from the cache at the cost of the record's
stamp (one query, or none once a shared cache holds it). Every event that changes what a page shows changes its
ETag and what is served: a publication, a withdrawal, a redaction, the
publication of a linked record, a change through the workflow to a
reference row shown unpinned, a restore, a deployment, the licence settings.
No cached page holds a per-request value (CSRF token, CSP nonce).

Each test runs on the local memory cache and on Redis (127.0.0.1:6379, or
REDIS_TEST_URL), the production backend: skipped when Redis cannot be
reached, except under CI=true, where that is a failure.
"""

import os
import socket
import uuid
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.test import RequestFactory, override_settings
from django.utils.csp import LazyNonce

from incidents.models import Record, Status
from incidents.public import page_cache, record_page
from incidents.publishing import workflow
from tests.factories import (
    CitationFactory,
    DraftVersionFactory,
    EditorFactory,
    HazardDraftVersionFactory,
    HazardLinkFactory,
    PublishedHazardVersionFactory,
    PublishedVersionFactory,
    PublisherFactory,
    ReviewerFactory,
    SourceFactory,
    SuperuserFactory,
    approve,
    publish,
    publish_revision,
    record_of,
    release,
)

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")


def _redis_reachable():
    parts = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(params=["locmem", "redis"], autouse=True)
def backend(request, settings):
    """The cache each test runs on; Redis under a key prefix of its own, so
    that tests share nothing with each other or with anyone else's keys."""
    if request.param == "redis":
        if not _redis_reachable():
            message = f"Redis is not reachable at {REDIS_URL}: the Redis cache path is not tested"
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(message)
            pytest.skip(message)
        settings.CACHES = {
            "default": {
                "BACKEND": "core.cache.RedisCache",  # as in production (config/settings.py)
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": f"dossier-test-{uuid.uuid4().hex}",
            }
        }
    cache.clear()
    yield request.param
    cache.clear()


def url(record, suffix="", lang="en"):
    return f"/{lang}/incidents/{record.public_id}/{suffix}"


def get(client, path, **headers):
    response = client.get(path, **headers)
    assert response.status_code in (200, 304, 410), (path, response.status_code)
    return response


def served(client, record, suffix="", lang="en"):
    """The page's ETag and text, after making sure the cache holds it."""
    get(client, url(record, suffix, lang))
    response = get(client, url(record, suffix, lang))
    return response["ETag"], response.content.decode()


def cached_html(record, lang="en", number=None):
    entry = cache.get(page_cache.page_key(record.public_id, lang, number))
    return [content.decode() for content, _type in entry["pages"].values()] if entry else []


# Served from the cache -------------------------------------------------------------------


# The record's stamp: read from a shared cache (Redis) once there, from the
# database (one query) on local memory, which is per process.
STAMP_QUERIES = {"locmem": 1, "redis": 0}


def test_a_warm_record_page_costs_the_stamp_and_no_rendering(client, backend, django_assert_num_queries, monkeypatch):
    live = PublishedVersionFactory(title_en="A cached title")
    first = get(client, url(live.record))
    renders = []
    monkeypatch.setattr("incidents.public.views.records.page_context", lambda *a, **k: renders.append(1))
    with django_assert_num_queries(STAMP_QUERIES[backend]):
        again = get(client, url(live.record))
    assert renders == []
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert "A cached title" in again.content.decode()


def test_a_304_costs_the_stamp_alone(client, backend, django_assert_num_queries):
    live = PublishedVersionFactory()
    tag = get(client, url(live.record))["ETag"]
    with django_assert_num_queries(STAMP_QUERIES[backend]):
        assert client.get(url(live.record), HTTP_IF_NONE_MATCH=tag).status_code == 304


def test_version_permalinks_and_languages_are_cached_apart(client):
    v1 = PublishedVersionFactory(title_en="First title", title_fr="Premier titre")
    v2 = publish_revision(record_of(v1), title_en="Second title", title_fr="Second titre")
    record = record_of(v2)
    assert "Second title" in served(client, record)[1]
    assert "First title" in served(client, record, "v1/")[1]
    assert "Premier titre" in served(client, record, "v1/", "fr")[1]
    assert "Second titre" in served(client, record, "", "fr")[1]
    assert "Second title" in served(client, record, "v2/")[1]
    assert "First title" in cached_html(record, "en", 1)[0]
    assert "Premier titre" in cached_html(record, "fr", 1)[0]


def test_each_host_name_gets_its_own_copy(client, settings):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    live = PublishedVersionFactory()
    one = get(client, url(live.record), HTTP_HOST="one.example").content.decode()
    other = get(client, url(live.record), HTTP_HOST="two.example").content.decode()
    assert "//one.example/" in one and "//two.example/" not in one
    assert "//two.example/" in other and "//one.example/" not in other
    assert len(cached_html(live.record)) == 2


def test_signed_in_readers_and_query_strings_bypass_the_cache(client):
    live = PublishedVersionFactory()
    get(client, url(live.record) + "?utm_source=x")
    assert cached_html(live.record) == []
    client.force_login(EditorFactory())
    get(client, url(live.record))
    assert cached_html(live.record) == []


# Nothing per request -------------------------------------------------------------------------


def test_a_cached_page_holds_no_csrf_token_or_nonce(client):
    live = PublishedVersionFactory()
    response = get(client, url(live.record))
    (html,) = cached_html(live.record)
    assert "csrfmiddlewaretoken" not in html and "nonce" not in html
    assert "csrftoken" not in response.cookies
    # The policy header carries no nonce either: none was made for the page.
    assert "nonce-" not in response["Content-Security-Policy"]


@pytest.mark.parametrize("used", ["csrf token", "csp nonce", "cookie"])
def test_a_rendering_that_used_a_per_request_value_is_not_stored(used):
    request = RequestFactory().get("/en/incidents/INC-0001/")
    request._csp_nonce = LazyNonce()
    response = page_cache.HttpResponse("<p>page</p>")
    if used == "csrf token":
        get_token(request)
    elif used == "csp nonce":
        str(request._csp_nonce)
    else:
        response.set_cookie("sessionid", "x")
    key = page_cache.page_key("INC-0001", "en")
    assert not page_cache.store_page(request, key, '"tag"', response)
    assert cache.get(key) is None
    clean = RequestFactory().get("/en/incidents/INC-0001/")
    clean._csp_nonce = LazyNonce()
    assert page_cache.store_page(clean, key, '"tag"', page_cache.HttpResponse("<p>page</p>"))


# Every invalidating event ---------------------------------------------------------------------


def test_a_new_publication_changes_the_page_and_its_etag(client):
    v1 = PublishedVersionFactory(title_en="Before the revision")
    tag, html = served(client, v1.record)
    assert "Before the revision" in html
    publish_revision(record_of(v1), title_en="After the revision")
    response = get(client, url(v1.record), HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200 and response["ETag"] != tag
    assert "After the revision" in response.content.decode()
    # The old version's permalink now says it was replaced.
    assert "has been replaced" in served(client, v1.record, "v1/")[1]


def test_a_withdrawal_replaces_the_cached_page_with_the_notice(client):
    live = PublishedVersionFactory(title_en="Soon withdrawn")
    tag, _html = served(client, live.record)
    served(client, live.record, "v1/")
    workflow.withdraw(live.record, by=PublisherFactory(), reason_en="Out of scope", reason_fr="Hors sujet")
    for suffix in ("", "v1/"):
        response = client.get(url(live.record, suffix), HTTP_IF_NONE_MATCH=tag)
        assert response.status_code == 410
        assert "Out of scope" in response.content.decode()


def test_a_redaction_changes_what_is_served_and_leaves_no_copy_in_the_cache(client):
    passage = "Jane Roe, 555-0100"
    live = PublishedVersionFactory(narrative_en=f"A caller, {passage}, was impersonated.")
    record = live.record
    tag, html = served(client, record)
    served(client, record, "v1/", "fr")
    assert passage in html and any(passage in page for page in cached_html(record))
    redaction = workflow.request_redaction(
        live, by=PublisherFactory(), field="narrative", language="en", passage=passage, reason="personal_data"
    )
    workflow.apply_redaction(redaction, by=ReviewerFactory())
    # Deleted at once, before any reader asks again.
    for lang in ("en", "fr"):
        for number in (None, 1):
            assert cache.get(page_cache.page_key(record.public_id, lang, number)) is None
    response = get(client, url(record), HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200 and response["ETag"] != tag
    assert passage not in response.content.decode() and "[redacted]" in response.content.decode()
    assert not any(passage in page for page in cached_html(record))


def test_a_redacted_hazard_title_leaves_no_copy_in_a_linked_incident_page(client):
    passage = "Jane Roe"
    hazard = record_of(release(HazardDraftVersionFactory(title_en=f"Calls to {passage}")))
    draft = DraftVersionFactory()
    HazardLinkFactory(version=draft, hazard=hazard)
    incident = record_of(release(draft))
    tag, html = served(client, incident)
    assert passage in html
    redaction = workflow.request_redaction(
        hazard.live_version, by=PublisherFactory(), field="title", language="en", passage=passage, reason="safety"
    )
    workflow.apply_redaction(redaction, by=ReviewerFactory())
    assert cache.get(page_cache.page_key(incident.public_id, "en")) is None
    response = get(client, url(incident), HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200 and passage not in response.content.decode()


def test_a_hazard_page_changes_when_an_incident_materializing_from_it_is_published(client):
    hazard = record_of(release(HazardDraftVersionFactory()))
    tag, _html = served(client, hazard)
    incident = DraftVersionFactory(title_en="A materialized incident")
    HazardLinkFactory(version=incident, hazard=hazard)
    release(incident)
    response = get(client, url(hazard), HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200 and "A materialized incident" in response.content.decode()


def test_an_incident_page_changes_when_its_hazard_is_revised_or_withdrawn(client):
    hazard = record_of(release(HazardDraftVersionFactory(title_en="The hazard")))
    draft = DraftVersionFactory()
    HazardLinkFactory(version=draft, hazard=hazard)
    incident = record_of(release(draft))
    tag, html = served(client, incident)
    assert "The hazard" in html
    publish_revision(hazard, title_en="The hazard, retitled")
    response = get(client, url(incident), HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200 and "The hazard, retitled" in response.content.decode()
    tag, _html = served(client, incident)
    workflow.withdraw(hazard, by=PublisherFactory(), reason_en="x", reason_fr="x")
    response = get(client, url(incident), HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200 and "The hazard, retitled" not in response.content.decode()


def test_a_reference_change_reaches_pages_that_show_the_row_unpinned(client):
    """Data from before pins shows reference rows as they are: a change
    through the workflow moves those records' stamps."""
    source = SourceFactory(title="Old report title")
    draft = DraftVersionFactory()
    CitationFactory(version=draft, source=source, is_primary=True)
    live = release(draft)
    citation = live.citations.get()
    citation.source_state = None  # as parts published before pins existed
    citation.save(update_fields=["source_state"])
    tag, html = served(client, live.record)
    assert "Old report title" in html
    source.title = "Corrected report title"
    workflow.change_reference(source, by=PublisherFactory())
    response = get(client, url(live.record), HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200 and "Corrected report title" in response.content.decode()


def test_a_reference_change_leaves_pages_that_show_the_row_pinned_alone(client):
    source = SourceFactory(title="Report as reviewed")
    draft = DraftVersionFactory()
    CitationFactory(version=draft, source=source, is_primary=True)
    live = release(draft)
    tag, _html = served(client, live.record)
    source.title = "Report, corrected later"
    workflow.change_reference(source, by=PublisherFactory())
    assert client.get(url(live.record), HTTP_IF_NONE_MATCH=tag).status_code == 304
    assert "Report as reviewed" in served(client, live.record)[1]


def test_a_restored_incident_changes_the_page_of_the_hazard_it_materialized_from(client):
    hazard = PublishedHazardVersionFactory().record
    tag, _html = served(client, hazard)
    template = DraftVersionFactory.build(title_en="A restored incident", title_fr="Un incident restauré")
    texts = ("title", "summary", "narrative", "editorial_assessment", "ai_system")
    others = ("occurred_on", "occurrence_precision", "severity", "verification_level", "assessment_status")
    content = {f"{name}_{lang}": getattr(template, f"{name}_{lang}") for name in texts for lang in ("en", "fr")}
    content |= {name: getattr(template, name) for name in (*others, "recommendations_status", "taxonomy_status")}
    content |= {"change_note_en": "Restored", "change_note_fr": "Restaurée"}
    workflow.restore_record(
        kind="incident",
        public_id="INC-0900",
        versions=[
            workflow.RestoredVersion(
                number=1,
                published_at=hazard.live_version.published_at,
                content=content,
                reviews=[],
                add_parts=lambda version: HazardLinkFactory(version=version, hazard=hazard),
            )
        ],
        live_number=1,
        by=SuperuserFactory(),
    )
    assert Record.objects.get(public_id="INC-0900").live_version.status == Status.PUBLISHED
    response = get(client, url(hazard), HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200 and "A restored incident" in response.content.decode()


def test_a_deployment_changes_the_etag_and_the_page(client, monkeypatch):
    live = PublishedVersionFactory()
    tag, _html = served(client, live.record)
    monkeypatch.setattr(record_page, "_code_fingerprint", lambda: "a-new-release")
    response = get(client, url(live.record), HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200 and response["ETag"] != tag


def test_a_licence_change_changes_the_etag_and_the_page(client):
    live = PublishedVersionFactory()
    tag, html = served(client, live.record)
    licence = {"name": "CC BY-SA 4.0", "url": "https://creativecommons.org/licenses/by-sa/4.0/"}
    with override_settings(DOSSIER_CONTENT_LICENCE=licence):
        response = get(client, url(live.record), HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200 and "CC BY-SA 4.0" in response.content.decode()
    assert "CC BY-SA 4.0" not in html


def test_editorial_work_leaves_the_cached_page_alone(client, backend, django_assert_num_queries):
    live = PublishedVersionFactory()
    tag, _html = served(client, live.record)
    revision = workflow.start_revision(live.record, by=live.created_by)
    revision.title_en = "Not reviewed yet"
    revision.save()
    workflow.submit(revision, by=revision.created_by)
    approve(revision)
    other = PublishedVersionFactory()
    workflow.withdraw(record_of(other), by=PublisherFactory(), reason_en="x", reason_fr="x")
    with django_assert_num_queries(STAMP_QUERIES[backend]):
        response = get(client, url(live.record))
    assert response["ETag"] == tag and "Not reviewed yet" not in response.content.decode()
    publish(revision)
    assert "Not reviewed yet" in get(client, url(live.record)).content.decode()


def test_a_stamp_read_before_a_commit_cannot_replace_the_one_written_after(backend, django_capture_on_commit_callbacks):
    if backend != "redis":
        pytest.skip("stamps are cached only in a shared cache")
    live = PublishedVersionFactory()
    record = live.record
    before = record_page.page_stamp(record.public_id)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(record, by=PublisherFactory(), reason_en="x", reason_fr="x")
    after = cache.get(record_page._stamp_key(record.public_id))
    assert after.is_withdrawn and not before.is_withdrawn
    # A reader that read the row before the commit adds its stamp too late.
    cache.add(record_page._stamp_key(record.public_id), before, 60)
    assert record_page.page_stamp(record.public_id) == after


# The JSON API's answer about one record -----------------------------------------------------


def api_url(record, query=""):
    return f"/api/v1/records/{record.public_id}/{query}"


def test_a_warm_api_answer_costs_the_stamp_and_no_view(client, backend, django_assert_num_queries, monkeypatch):
    live = PublishedVersionFactory(title_en="An answered title")
    first = client.get(api_url(live.record))
    assert first.status_code == 200
    monkeypatch.setattr("api.queries.load_record", lambda *a, **k: pytest.fail("the view ran"))
    with django_assert_num_queries(STAMP_QUERIES[backend]):
        again = client.get(api_url(live.record))
    assert again.status_code == 200 and again.content == first.content and again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"] and "An answered title" in again.content.decode()
    with django_assert_num_queries(STAMP_QUERIES[backend]):
        assert client.get(api_url(live.record), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_api_answers_are_cached_per_version_and_language_and_other_queries_are_not(client):
    v1 = PublishedVersionFactory(title_en="First title", title_fr="Premier titre")
    record = record_of(publish_revision(record_of(v1), title_en="Second title", title_fr="Second titre"))
    assert "Second title" in client.get(api_url(record)).content.decode()
    assert "First title" in client.get(api_url(record, "?version=1")).content.decode()
    french = client.get(api_url(record), HTTP_ACCEPT_LANGUAGE="fr")
    assert french.status_code == 200
    for lang, number in (("en", None), ("en", 1), ("fr", None)):
        assert cache.get(page_cache.answer_key(record.public_id, lang, number)) is not None
    assert client.get(api_url(record, "?version=1&extra=1")).status_code == 200
    assert client.get(api_url(record, "?version=9")).status_code == 404
    assert cache.get(page_cache.answer_key(record.public_id, "en", 9)) is None


def test_a_new_publication_changes_the_api_answer_and_its_etag(client):
    live = PublishedVersionFactory(summary_en="Before.")
    first = client.get(api_url(live.record))
    publish_revision(record_of(live), summary_en="Corrected.")
    again = client.get(api_url(live.record), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"] and "Corrected." in again.content.decode()


def test_a_redaction_leaves_no_api_answer_in_the_cache(client):
    passage = "Jane Roe, 555-0100"
    live = PublishedVersionFactory(narrative_en=f"A caller, {passage}, was impersonated.")
    record = live.record
    first = client.get(api_url(record))
    assert passage in first.content.decode()
    assert cache.get(page_cache.answer_key(record.public_id, "en")) is not None
    redaction = workflow.request_redaction(
        live, by=PublisherFactory(), field="narrative", language="en", passage=passage, reason="personal_data"
    )
    workflow.apply_redaction(redaction, by=ReviewerFactory())
    assert cache.get(page_cache.answer_key(record.public_id, "en")) is None
    again = client.get(api_url(record), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and passage not in again.content.decode()


def test_a_withdrawn_record_answer_is_not_served_from_the_cache(client):
    live = PublishedVersionFactory()
    assert client.get(api_url(live.record)).status_code == 200
    workflow.withdraw(record_of(live), by=PublisherFactory(), reason_en="Wrong.", reason_fr="Erroné.")
    assert client.get(api_url(live.record)).status_code == 410


def test_a_cached_api_answer_still_counts_against_the_rate_limit(client, settings):
    live = PublishedVersionFactory()
    settings.DOSSIER_API_RATE = "2/min"
    assert client.get(api_url(live.record)).status_code == 200
    assert client.get(api_url(live.record)).status_code == 200
    assert client.get(api_url(live.record)).status_code == 429
