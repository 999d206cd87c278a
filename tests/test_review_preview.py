"""The staff preview: any version, rendered with the public record page's
own markup, in either language, for staff only, never cached or indexed,
and reachable through no public URL."""

import re

import pytest
from django.core.cache import cache
from django.urls import Resolver404, resolve

from incidents.public.record_page import render_cache_key
from tests.factories import (
    ApprovedVersionFactory,
    DraftVersionFactory,
    InReviewVersionFactory,
    PublishedVersionFactory,
    UserFactory,
    full_record,
    record_of,
    revise,
)
from tests.review_helpers import preview_url, review_url

pytestmark = pytest.mark.django_db

STATE_FACTORIES = [DraftVersionFactory, InReviewVersionFactory, ApprovedVersionFactory, PublishedVersionFactory]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def body(html):
    """The record itself, as templates/incidents/_record_body.html renders it."""
    start = html.index('<header class="record-header">')
    return html[start : html.index("</article>", start)]


@pytest.mark.parametrize("factory", STATE_FACTORIES)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_any_version_previews_in_both_languages_with_banner_and_no_store(client, reviewer, factory, lang):
    version = factory(title_en="Deepfake hiring advisory", title_fr="Avis sur l’embauche hypertruquée")
    client.force_login(reviewer)
    response = client.get(preview_url(version, lang))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    title = "Deepfake hiring advisory" if lang == "en" else "Avis sur l’embauche hypertruquée"
    assert f'<h1 id="record-title">{title}</h1>' in html
    # The public page's sections, headings and stylesheet.
    for section in (
        "summary-heading",
        "details-heading",
        "narrative-heading",
        "harms-heading",
        "evidence-heading",
        "changelog-heading",
        "cite-heading",
    ):
        assert f'id="{section}"' in html
    assert "/static/css/record.css" in html
    assert 'class="preview-banner"' in html
    banner = {"en": "Preview — not published", "fr": "Aperçu — non publiée"}[lang]
    assert (banner in html) == (factory is not PublishedVersionFactory)
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in html
    assert '<link rel="canonical"' not in html
    assert not response.has_header("ETag") and not response.has_header("Last-Modified")
    assert response["Content-Language"] == lang


def test_preview_banner_is_in_the_previews_language(client, reviewer):
    version = DraftVersionFactory()
    client.force_login(reviewer)
    html = client.get(preview_url(version, "fr")).content.decode()
    assert "Aperçu — non publiée" in html
    assert "Brouillon de la version 1" in html


def test_published_version_previews_exactly_as_its_public_page(client, reviewer):
    live = full_record()
    public = client.get(f"/en/incidents/{live.record.public_id}/").content.decode()
    cache.clear()
    client.force_login(reviewer)
    preview = client.get(preview_url(live, "en")).content.decode()
    assert body(preview) == body(public)


def test_draft_preview_renders_the_record_as_it_will_be_published(client, reviewer):
    live = full_record()
    draft = revise(record_of(live))
    draft.title_en = "Canadian advisory warned of AI-enabled deepfake IT workers"
    draft.change_note_en = "Sharper title."
    draft.save()
    client.force_login(reviewer)
    html = client.get(preview_url(draft, "en")).content.decode()
    assert "AI-enabled deepfake IT workers" in html
    assert "Draft of version 2" in html and "Not published yet" in html
    # The changelog as it will read: v1, then this version with its note.
    changelog = html[html.index('id="changelog-heading"') :]
    assert changelog.index(">v1</a>") < changelog.index("v2 <span") < changelog.index("Sharper title.")
    # Everything else is the public markup of the same parts.
    assert html.count('class="source"') == 3 and html.count('class="harm"') == 2
    assert "The permanent link and the citation of this version are given when it is published." in html


def test_first_draft_preview_says_nothing_is_published_yet(client, reviewer):
    draft = DraftVersionFactory()
    client.force_login(reviewer)
    html = client.get(preview_url(draft, "en")).content.decode()
    assert "Draft of version 1" in html
    facts = html[html.index('id="details-heading"') : html.index('id="narrative-heading"')]
    assert facts.count("Not published yet") == 2  # first published, current version
    assert "/v1/" not in html


def test_preview_sanitizes_like_the_public_page(client, reviewer):
    draft = DraftVersionFactory(
        narrative_en='Text <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="alert(3)">'
    )
    client.force_login(reviewer)
    html = client.get(preview_url(draft, "en")).content.decode()
    narrative = html[html.index('id="narrative-heading"') : html.index('id="materialized-heading"')]
    # Raw HTML stays text; the javascript: link loses its href.
    assert "<script" not in narrative and "<img" not in narrative and "javascript:" not in narrative
    assert "&lt;script&gt;" in narrative


def test_language_switcher_of_the_preview_points_at_the_other_preview(client, reviewer):
    draft = DraftVersionFactory()
    client.force_login(reviewer)
    html = client.get(preview_url(draft, "en")).content.decode()
    assert f'href="http://testserver{preview_url(draft, "fr")}" hreflang="fr"' in html
    assert f'<a href="{review_url(draft)}" target="_top">' in html


# Who may see it ----------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login_page(client):
    draft = DraftVersionFactory(title_en="Secret draft")
    response = client.get(preview_url(draft, "en"))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert b"Secret draft" not in response.content


def test_staff_without_view_permission_is_refused(client):
    draft = DraftVersionFactory(title_en="Secret draft")
    client.force_login(UserFactory())  # staff, no group
    response = client.get(preview_url(draft, "en"))
    assert response.status_code == 403
    assert b"Secret draft" not in response.content


def test_non_staff_user_with_the_permission_is_refused(client, reviewer):
    reviewer.is_staff = False
    reviewer.save()
    draft = DraftVersionFactory(title_en="Secret draft")
    client.force_login(reviewer)
    response = client.get(preview_url(draft, "en"))
    assert response.status_code == 302 and b"Secret draft" not in response.content


def test_unknown_language_or_version_answers_404_and_post_405(client, reviewer):
    draft = DraftVersionFactory()
    client.force_login(reviewer)
    assert client.get(f"/admin/incidents/recordversion/{draft.pk}/preview/de/").status_code == 404
    assert client.get(f"/admin/incidents/recordversion/{draft.pk + 999}/preview/en/").status_code == 404
    assert client.post(preview_url(draft, "en")).status_code == 405


# Nothing about it reaches the public -----------------------------------------------------


def test_preview_is_reachable_through_no_public_url(client, reviewer):
    draft = DraftVersionFactory(title_en="Secret draft")
    client.force_login(reviewer)
    for lang in ("en", "fr"):
        with pytest.raises(Resolver404):
            resolve(f"/{lang}{preview_url(draft, 'en')}")
        assert client.get(f"/{lang}{preview_url(draft, 'en')}").status_code == 404
        assert client.get(f"/{lang}/incidents/{draft.record.public_id}/").status_code == 404
    assert resolve(preview_url(draft, "en")).url_name == "incidents_recordversion_preview"


def test_preview_leaves_the_public_caches_alone(client, reviewer):
    live = PublishedVersionFactory(title_en="Published title")
    draft = revise(record_of(live))
    draft.title_en = "Unreviewed title"
    draft.save()
    client.force_login(reviewer)
    for version in (live, draft):
        for lang in ("en", "fr"):
            assert client.get(preview_url(version, lang)).status_code == 200
            assert cache.get(render_cache_key(version, lang)) is None
    client.logout()
    public = client.get(f"/en/incidents/{live.record.public_id}/")
    assert "Unreviewed title" not in public.content.decode()
    assert "Preview" not in public.content.decode()
    # The anonymous page still answers its own validator with 304.
    assert client.get(f"/en/incidents/{live.record.public_id}/", HTTP_IF_NONE_MATCH=public["ETag"]).status_code == 304


def test_only_the_preview_may_be_framed_and_only_by_this_site(client, reviewer):
    draft = InReviewVersionFactory()
    client.force_login(reviewer)
    preview = client.get(preview_url(draft, "en"))
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert re.search(r"frame-ancestors 'self'(;|$)", preview["Content-Security-Policy"])
    assert "script-src 'self'" in preview["Content-Security-Policy"]
    for url in (review_url(draft), "/admin/", "/en/incidents/"):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
