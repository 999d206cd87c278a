"""The version editor's Markdown preview: the server renders a text as the
public page would, sanitized; only staff who may see versions may ask."""

import pytest
from django.urls import reverse

from tests.factories import DraftVersionFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/admin/incidents/recordversion/markdown-preview/"


def test_a_markdown_text_is_rendered_and_sanitized(client, editor):
    client.force_login(editor)
    response = client.post(URL, {"text": "**Bold** and <script>alert(1)</script>\n\nA [link](javascript:alert(2))."})
    assert response.status_code == 200
    html = response.json()["html"]
    assert "<strong>Bold</strong>" in html and "<script" not in html and "javascript:" not in html
    assert html.count("<p>") == 2


def test_the_preview_needs_a_post_a_staff_member_and_a_reasonable_length(client, editor):
    assert client.post(URL, {"text": "x"}).status_code == 302  # to the login page
    client.force_login(UserFactory(is_staff=True))
    assert client.post(URL, {"text": "x"}).status_code == 403
    client.force_login(editor)
    assert client.get(URL).status_code == 405
    too_long = client.post(URL, {"text": "x" * 100_001})
    assert too_long.status_code == 400 and too_long.json()["error"] == "This text is too long to preview."


def test_markdown_fields_offer_a_preview_and_the_editor_has_its_labels(client, editor):
    draft = DraftVersionFactory(created_by=editor)
    client.force_login(editor)
    html = client.get(reverse("admin:incidents_recordversion_change", args=[draft.pk])).content.decode()
    assert html.count(f'data-markdown-preview="{URL}"') >= 6  # summary, narrative, assessment, change note × 2
    assert 'id="editor-labels" type="application/json"' in html
    assert "Show English and French side by side" in html
