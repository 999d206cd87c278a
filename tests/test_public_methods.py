"""Public URLs are read-only (incidents/public/middleware.py): GET and HEAD
as before; OPTIONS answered with the Allow header and no body; TRACE and
every other method 405, with the Allow header and no body."""

import pytest
from django.urls import reverse

from tests.factories import EntityFactory, SourceFactory, TermFactory, published_record

pytestmark = pytest.mark.django_db

ALLOW = "GET, HEAD, OPTIONS"


@pytest.fixture
def public_urls():
    """Every public URL, in both languages where it has one."""
    entity, term, source = EntityFactory(), TermFactory(), SourceFactory()
    version = published_record(entities=[entity], terms=[term], sources=[source])
    public_id = version.record.public_id
    urls = [
        "/robots.txt",
        "/sitemap.xml",
        "/sitemap-records.xml",
        "/sitemap-pages.xml",
        "/sitemap-entities.xml",
        "/sitemap-terms.xml",
    ]
    for language in ("en", "fr"):
        urls += [
            f"/{language}/",
            f"/{language}/incidents/",
            f"/{language}/incidents/?q=deepfake",
            f"/{language}/incidents/{public_id}/",
            f"/{language}/incidents/{public_id}/v1/",
            f"/{language}/incidents/{public_id}/v1/cite.bib",
            f"/{language}/incidents/{public_id}/v1/cite.json",
            f"/{language}/incidents/{public_id}/changes/",
            f"/{language}/entities/{entity.slug}/",
            f"/{language}/taxonomy/{term.taxonomy.slug}/{term.slug}/",
            f"/{language}/sources/{source.pk}/",
            f"/{language}/feeds/records.atom",
            f"/{language}/feeds/records.json",
            f"/{language}/statistics/",
            f"/{language}/entities/",
            f"/{language}/entities/{entity.slug}/feed.atom",
            f"/{language}/entities/{entity.slug}/feed.json",
            f"/{language}/taxonomy/",
            f"/{language}/taxonomy/{term.taxonomy.slug}/{term.slug}/feed.atom",
            f"/{language}/taxonomy/{term.taxonomy.slug}/{term.slug}/feed.json",
            f"/{language}/methodology/",
            f"/{language}/methodology/licence/",
        ]
    return urls


def test_every_public_url_is_listed(public_urls):
    """A new public URL joins the list above (and so these tests)."""
    from incidents.public import urls

    assert len(urls.urlpatterns) == len([url for url in public_urls if url.startswith("/en/")]) - 1


def test_every_public_url_answers_get_and_head(client, public_urls):
    for url in public_urls:
        assert client.get(url).status_code == 200, url
        assert client.head(url).status_code == 200, url


def test_options_on_a_public_url_is_answered_with_allow_and_no_body(client, public_urls):
    for url in public_urls:
        response = client.options(url)
        assert response.status_code == 200, url
        assert response["Allow"] == ALLOW, url
        assert response.content == b"", url


@pytest.mark.parametrize("method", ["trace", "post", "put", "patch", "delete"])
def test_trace_and_writes_on_a_public_url_are_refused_with_405_and_no_body(client, public_urls, method):
    for url in public_urls:
        response = getattr(client, method)(url)
        assert response.status_code == 405, (method, url)
        assert response["Allow"] == ALLOW, url
        assert response.content == b"", url


def test_the_language_switch_still_takes_posts(client, editor):
    client.force_login(editor)
    assert client.post(reverse("set_language"), {"language": "fr", "next": "/fr/"}).status_code == 302
