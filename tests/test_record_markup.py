"""
Parts of the record page written in Python for speed
(incidents/public/templatetags/record_tags.py) write exactly the markup of
the templates that specify them: the same HTML, byte for byte, in English
and French, whatever the data.
"""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from incidents.public import record_page
from incidents.public.templatetags.record_tags import entity_items, evidence_items, harm_items, related_items
from tests.factories import (
    CitationFactory,
    DraftVersionFactory,
    EntityFactory,
    EntityRoleFactory,
    HarmFactory,
    HarmTypeTermFactory,
    SourceFactory,
    full_record,
)

pytestmark = pytest.mark.django_db


def cited_sources():
    """A draft citing sources of every shape the evidence list shows: with
    and without a web address, an archived copy, authors, a date; a title
    and labels with characters to escape; texts not yet translated; one
    primary; one cited inline, the others not."""
    draft = DraftVersionFactory(narrative_en="As reported [@plain-2025].", narrative_fr="")
    shapes = [
        {"url": "https://example.org/a?x=1&y=<2>", "title": 'Report "A" <b>&</b>', "authors": "Doe & Roe"},
        {"url": "", "archived_url": "https://web.archive.org/web/2025/x", "published_on": None},
        {"url": "javascript:alert(1)", "archived_url": "", "publisher_fr": "", "language": "fr"},
        {
            "url": "https://example.org/c",
            "archived_url": "ftp://example.org/old",
            "published_on": datetime.date(2026, 3, 1),
        },
    ]
    keys = ["plain-2025", "second", "third", "fourth"]
    for n, (key, fields) in enumerate(zip(keys, shapes, strict=True)):
        CitationFactory(
            version=draft,
            source=SourceFactory(**fields),
            key=key,
            is_primary=n == 1,
            order=n,
            label_en=f"Label <{n}>",
            label_fr="" if n == 2 else f"Étiquette {n}",
            corroborates_en="What & why" if n else "",
            corroborates_fr="" if n == 3 else "Quoi et pourquoi",
        )
    return draft


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_evidence_items_are_the_templates_markup(lang):
    versions = [full_record(), cited_sources(), DraftVersionFactory()]
    record_page.prefetch_parts(versions)
    compared = 0
    for version in versions:
        with translation.override(lang):
            entries, _targets = record_page.evidence(version, lang)
            expected = render_to_string("incidents/record_markup/evidence_items.html", {"evidence": entries})
            assert evidence_items(entries) == expected
        compared += len(entries)
    assert compared == 7


def test_markup_the_same_on_every_page_is_rendered_once_per_language_and_reused(client, settings):
    from django.core.cache import cache

    record = full_record().record
    urls = [f"/{lang}/{path}" for lang in ("en", "fr") for path in (f"incidents/{record.public_id}/", "", "incidents/")]

    def pages():
        found = []
        for url in urls * 2:
            cache.clear()
            response = client.get(url)
            assert response.status_code == 200, url
            found.append(response.content.decode())
        return found

    settings.DEBUG = False
    reused = pages()
    settings.DEBUG = True  # rendered afresh every time (core/templatetags/dossier.py)
    assert pages() == reused
    assert "Report an incident" in reused[0] and "Signaler un incident" in reused[len(urls) // 2]


def harms_and_entities():
    """A draft with harms and entities of every shape the page shows: with
    and without a harm type, an affected group or a note, in one language
    only, with characters to escape."""
    draft = DraftVersionFactory()
    HarmFactory(version=draft, harm_type=None, description_en="Plain <harm> & more", description_fr="")
    HarmFactory(
        version=draft,
        harm_type=HarmTypeTermFactory(name_en="Fraud & theft", name_fr=""),
        affected_group_en="",
        affected_group_fr="Le public",
    )
    HarmFactory(version=draft, affected_group_en="Workers", affected_group_fr="Travailleurs")
    EntityRoleFactory(version=draft, entity=EntityFactory(name_en="A & B <Inc>", name_fr=""), note_en="", note_fr="")
    EntityRoleFactory(version=draft, note_en="Named in the advisory", note_fr="")
    EntityRoleFactory(version=draft, note_en="Its <own> words", note_fr="Ses propres mots")
    return draft


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_harm_and_entity_items_are_the_templates_markup(lang):
    versions = [full_record(), harms_and_entities(), DraftVersionFactory()]
    record_page.prefetch_parts(versions)
    compared = 0
    for version in versions:
        with translation.override(lang):
            harms, roles = list(version.harms.all()), list(version.entity_roles.all())
            assert harm_items(harms) == render_to_string("incidents/record_markup/harm_items.html", {"harms": harms})
            assert entity_items(roles) == render_to_string(
                "incidents/record_markup/entity_items.html", {"roles": roles}
            )
        compared += len(harms) + len(roles)
    assert compared == 10


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_related_items_are_the_templates_markup(lang):
    from tests.test_related_records import record_with

    entities, harm_type = EntityFactory.create_batch(3), HarmTypeTermFactory()
    record = record_with(entities=entities, harm_types=[harm_type], title_en="Itself")
    record_with(entities=entities, title_en="A <close> one & another", title_fr="")
    record_with(entities=entities[:2], harm_types=[harm_type], title_fr="Une autre")
    entries, _merged = record_page.neighbours(record, lang)
    assert len(entries) == 2 and any(len(entry.reasons) > 1 for entry in entries)
    with translation.override(lang):
        expected = render_to_string("incidents/record_markup/related_items.html", {"related_records": entries})
        assert related_items(entries) == expected


def test_catalogue_texts_are_escaped_as_the_templates_translate_tag_escapes_them(monkeypatch):
    """``{% translate %}`` escapes what the catalogue gives; so must the
    Python lists, whatever a translator writes."""
    from django.template import Context, Template

    monkeypatch.setattr("incidents.public.templatetags.record_tags.gettext", lambda text: f"{text} <b>&</b>")
    harm = HarmFactory(harm_type=HarmTypeTermFactory())
    markup = harm_items([harm])
    assert "<b>" not in markup
    assert "Severity &lt;b&gt;&amp;&lt;/b&gt;" in markup
    # What the template engine writes for the same text.
    assert (
        Template("{% load i18n %}{% translate t %}").render(Context({"t": "x <b>&</b>"}))
        == "x &lt;b&gt;&amp;&lt;/b&gt;"
    )
