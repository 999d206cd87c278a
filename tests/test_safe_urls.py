"""Web addresses are safe at every layer: the model refuses anything but
http(s), pages print a link only for http(s) (core/links.py), and
``check_urls`` finds rows written past the model's validation."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from core.links import safe_url
from evidence.models import Source
from taxonomy.models import Entity
from tests.factories import EntityFactory, SourceFactory, published_record

pytestmark = pytest.mark.django_db

HOSTILE = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://example.org/file",
    "//example.org/no-scheme",
    "/relative/path",
    "http://[::1",
    "https://",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_safe_url_refuses_anything_but_a_web_address(value):
    assert safe_url(value) == ""


def test_safe_url_keeps_a_web_address_as_a_browser_reads_it():
    assert safe_url("https://example.org/a?b=c#d") == "https://example.org/a?b=c#d"
    assert safe_url("HTTP://Example.org/") == "HTTP://Example.org/"
    assert safe_url("  https://exam\nple.org/ ") == "https://example.org/"
    assert safe_url(None) == ""


def our_url_fields():
    for config in ("core", "evidence", "incidents", "taxonomy"):
        for model in apps.get_app_config(config).get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, models.URLField) and not hasattr(model, "instance_type"):
                    yield field


@pytest.mark.parametrize("field", list(our_url_fields()), ids=str)
@pytest.mark.parametrize("value", ["javascript:alert(1)", "ftp://example.org/file", "data:text/html,x"])
def test_every_url_field_refuses_other_schemes_at_the_model_level(field, value):
    with pytest.raises(ValidationError) as refused:
        field.run_validators(value)
    assert refused.value.messages == ["Enter a web address starting with http:// or https://."]


def test_full_clean_refuses_a_javascript_source_url():
    source = SourceFactory.build(url="javascript:alert(1)", archived_url="https://archive.org/x")
    with pytest.raises(ValidationError) as refused:
        source.full_clean()
    assert set(refused.value.message_dict) == {"url"}


def hostile_rows():
    """A published record citing a source, and an entity, whose addresses were
    written through the ORM with update(), past every validator: in the rows
    and in the history records the published version pinned (incidents/pins.py)."""
    source = SourceFactory()
    entity = EntityFactory()
    version = published_record(sources=[source], entities=[entity])
    for rows in (Source.objects.filter(pk=source.pk), Source.history.filter(id=source.pk)):
        rows.update(url="javascript:alert(1)", archived_url="java\tscript:alert(2)")
    for rows in (Entity.objects.filter(pk=entity.pk), Entity.history.filter(id=entity.pk)):
        rows.update(url="data:text/html,<b>x</b>")
    return version, source, entity


def test_pages_print_no_link_for_a_stored_javascript_url(client):
    version, source, entity = hostile_rows()
    pages = [
        f"/en/incidents/{version.record.public_id}/",
        f"/fr/incidents/{version.record.public_id}/",
        f"/en/incidents/{version.record.public_id}/v1/",
        f"/en/sources/{source.pk}/",
        f"/fr/entities/{entity.slug}/",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert 'href="javascript' not in html.lower() and 'href="java' not in html.lower(), page
        assert 'href="data:' not in html, page
    # Shown as text, so an editor can see what to correct.
    assert "javascript:alert(1)" in client.get(f"/en/sources/{source.pk}/").content.decode()


def test_a_safe_source_url_is_still_a_link(client):
    source = SourceFactory(url="https://example.org/story", archived_url="https://web.archive.org/x")
    version = published_record(sources=[source])
    html = client.get(f"/en/incidents/{version.record.public_id}/").content.decode()
    assert 'href="https://example.org/story"' in html
    assert 'href="https://web.archive.org/x"' in html


def test_check_urls_reports_each_bad_row_and_fails(capsys):
    _version, source, entity = hostile_rows()
    with pytest.raises(CommandError) as failed:
        call_command("check_urls")
    assert failed.value.returncode == 1
    out = capsys.readouterr().out
    assert f"evidence.Source {source.pk} url: 'javascript:alert(1)'" in out
    assert f"evidence.Source {source.pk} archived_url: 'java\\tscript:alert(2)'" in out
    assert f"taxonomy.Entity {entity.pk} url: 'data:text/html,<b>x</b>'" in out
    assert "Historical" not in out


def test_check_urls_passes_when_every_url_is_a_web_address(capsys):
    SourceFactory(url="https://example.org/story")
    call_command("check_urls")
    assert "Every stored URL is a web address." in capsys.readouterr().out
