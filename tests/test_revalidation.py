"""
A reader revalidating a record page gets its 304 before the rest of the
middleware stack (incidents/public/revalidation.py), with exactly the
headers the whole stack would give it, and only when the whole stack would
answer 304 too.
"""

import pytest
from django.conf import settings
from django.test import Client, override_settings

from incidents.publishing import workflow
from tests.factories import PublishedVersionFactory, PublisherFactory, publish_revision, record_of

pytestmark = pytest.mark.django_db

SHORT_CIRCUIT = "incidents.public.revalidation.AnonymousRevalidationMiddleware"
WHOLE_STACK = [name for name in settings.MIDDLEWARE if name != SHORT_CIRCUIT]


def answered_early(response) -> bool:
    """Whether the request stopped before the session middleware ran."""
    return not hasattr(response.wsgi_request, "session")


def through_the_whole_stack(url):
    """The same revalidation with the early answer taken out (a new client:
    a client builds its middleware chain once)."""
    with override_settings(MIDDLEWARE=WHOLE_STACK):
        return revalidate(Client(), url)


def revalidate(client, url, **headers):
    tag = client.get(url)["ETag"]
    return client.get(url, HTTP_IF_NONE_MATCH=tag, **headers)


@pytest.fixture
def record():
    return record_of(publish_revision(record_of(PublishedVersionFactory())))


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("suffix", ["", "v1/", "v2/"])
def test_a_revalidated_page_gets_the_same_304_as_through_the_whole_stack(client, record, lang, suffix):
    url = f"/{lang}/incidents/{record.public_id}/{suffix}"
    early = revalidate(client, url)
    assert early.status_code == 304
    assert answered_early(early)
    late = through_the_whole_stack(url)
    assert late.status_code == 304
    assert not answered_early(late)
    assert early["ETag"] == late["ETag"]
    assert sorted(early.items()) == sorted(late.items())


def test_a_head_request_is_revalidated_early_too(client, record):
    url = f"/en/incidents/{record.public_id}/"
    response = client.head(url, HTTP_IF_NONE_MATCH=client.get(url)["ETag"])
    assert response.status_code == 304
    assert answered_early(response)


def test_a_publication_makes_the_held_page_stale(client, record):
    url = f"/en/incidents/{record.public_id}/"
    tag = client.get(url)["ETag"]
    publish_revision(record)
    response = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200
    assert response["ETag"] != tag


def test_a_tag_from_another_language_is_not_accepted(client, record):
    tag = client.get(f"/en/incidents/{record.public_id}/")["ETag"]
    response = client.get(f"/fr/incidents/{record.public_id}/", HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"


def test_a_signed_in_reader_is_never_answered_from_the_anonymous_validator(client, record):
    url = f"/en/incidents/{record.public_id}/"
    tag = client.get(url)["ETag"]
    client.force_login(PublisherFactory())
    response = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200
    assert not answered_early(response)


def test_a_request_with_a_query_string_goes_down_the_whole_stack(client, record):
    url = f"/en/incidents/{record.public_id}/"
    response = client.get(url + "?utm_source=feed", HTTP_IF_NONE_MATCH=client.get(url)["ETag"])
    assert response.status_code == 304
    assert not answered_early(response)


def test_a_version_that_is_not_public_is_not_found_whatever_the_tag(client, record):
    tag = client.get(f"/en/incidents/{record.public_id}/")["ETag"]
    response = client.get(f"/en/incidents/{record.public_id}/v3/", HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 404


def test_a_merged_record_still_answers_301(client, record):
    url = f"/en/incidents/{record.public_id}/"
    tag = client.get(url)["ETag"]
    publish_revision(record, duplicate_of=record_of(PublishedVersionFactory()))
    response = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 301


def test_a_withdrawn_record_revalidates_as_through_the_whole_stack(client, record):
    url = f"/en/incidents/{record.public_id}/"
    workflow.withdraw(record, by=PublisherFactory(), reason_en="Withdrawn.", reason_fr="Retiré.")
    early = revalidate(client, url)
    late = through_the_whole_stack(url)
    assert early.status_code == late.status_code
    assert sorted(early.items()) == sorted(late.items())


def test_other_pages_go_down_the_whole_stack(client, record):
    response = client.get("/en/incidents/", HTTP_IF_NONE_MATCH='"anything"')
    assert response.status_code == 200
    assert not answered_early(response)
