"""The public layout: language prefixes, alternates, and the published-only rule."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import DraftVersionFactory, PublishedVersionFactory

pytestmark = pytest.mark.django_db


def test_root_redirects_by_accept_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9,en;q=0.5")
    assert response.status_code == 302 and response["Location"] == "/fr/"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Location"] == "/en/"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_pages_declare_their_language_and_link_their_twin(client, lang):
    response = client.get(f"/{lang}/")
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert 'hreflang="en" href="http://testserver/en/"' in html
    assert 'hreflang="fr" href="http://testserver/fr/"' in html


def test_missing_french_title_is_shown_in_english_marked_untranslated(client):
    version = PublishedVersionFactory(title_en="Deepfake hiring advisory", title_fr="")
    html = client.get(f"/fr/incidents/{version.record.public_id}/").content.decode()
    assert '<span lang="en" class="untranslated">Deepfake hiring advisory</span>' in html
    assert "pas encore traduit" in html.lower() or "Not yet translated into French" in html


def test_draft_record_answers_404_like_an_unknown_id(client):
    draft = DraftVersionFactory()
    assert client.get(f"/en/incidents/{draft.record.public_id}/").status_code == 404
    assert client.get("/en/incidents/INC-9999/").status_code == 404
    assert client.get("/en/incidents/not-an-id/").status_code == 404


def test_home_lists_published_records_only(client):
    live = PublishedVersionFactory(title_en="Published one")
    DraftVersionFactory(title_en="Secret draft")
    html = client.get("/en/").content.decode()
    assert "Published one" in html and "Secret draft" not in html
    with translation.override("fr"):
        assert reverse("incidents:record", args=[live.record.public_id]).startswith("/fr/")
