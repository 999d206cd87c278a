"""Text is cleaned when a model is saved (core/text.py): characters that
XML 1.0 or PostgreSQL cannot carry never reach the database."""

import io

import pytest
from django.apps import apps
from django.db.models.signals import pre_save
from django.utils.xmlutils import SimplerXMLGenerator

from core.text import clean_text
from evidence.models import Source
from incidents.models import RecordVersion
from tests.factories import DraftVersionFactory, EntityFactory, SourceFactory

pytestmark = pytest.mark.django_db

EVERY_C0_CONTROL = "".join(chr(code) for code in range(0x20))


def test_separating_controls_become_spaces_and_others_go():
    assert clean_text("Vertical\x0btab, form\x0cfeed, unit\x1fseparator") == "Vertical tab, form feed, unit separator"
    assert clean_text("Bell\x07, escape\x1b, null\x00.") == "Bell, escape, null."


def test_tab_line_feed_and_carriage_return_are_kept():
    assert clean_text("One\tcolumn\r\nNext line\n") == "One\tcolumn\r\nNext line\n"


def test_cleaned_text_is_accepted_by_the_feed_writer():
    text = EVERY_C0_CONTROL + "\ud800 lone \udfff surrogates \ufffe\uffff" + "accented é, emoji 🙂"
    with pytest.raises(ValueError, match="Control characters"):
        SimplerXMLGenerator(io.StringIO(), "utf-8").characters(text)
    SimplerXMLGenerator(io.StringIO(), "utf-8").characters(clean_text(text))  # no error
    assert clean_text(text).endswith("accented é, emoji 🙂")


def test_a_saved_version_keeps_no_control_character_in_either_language():
    draft = DraftVersionFactory(
        title_en="Vertical\x0btab",
        title_fr="Tabulation\x0bverticale",
        summary_en="Start\x01 of heading.",
        summary_fr="Début\x01 d’en-tête.",
    )
    draft = RecordVersion.objects.get(pk=draft.pk)
    assert (draft.title_en, draft.title_fr) == ("Vertical tab", "Tabulation verticale")
    assert (draft.summary_en, draft.summary_fr) == ("Start of heading.", "Début d’en-tête.")


def test_a_lone_surrogate_or_a_nul_is_removed_before_the_database_sees_it():
    # PostgreSQL refuses both (NUL in text, a surrogate in UTF-8): unclean,
    # this save would be a server error.
    source = SourceFactory(title="Broken\ud800 pair\x00 and NUL", publisher_en="Wire\udfff")
    source = Source.objects.get(pk=source.pk)
    assert (source.title, source.publisher_en) == ("Broken pair and NUL", "Wire")


def test_a_url_and_a_slug_are_cleaned_too():
    entity = EntityFactory(url="https://example.org/\x0b", name_en="Acme\x1f Corp")
    entity.refresh_from_db()
    assert (entity.url, entity.name_en) == ("https://example.org/ ", "Acme  Corp")


@pytest.mark.parametrize("model", apps.get_models(), ids=lambda model: model._meta.label)
def test_every_text_field_of_every_model_is_cleaned_on_save(model):
    instance = model()
    names = [
        field.attname
        for field in model._meta.concrete_fields
        if field.get_internal_type() in {"CharField", "TextField", "EmailField", "URLField", "SlugField"}
    ]
    for name in names:
        setattr(instance, name, "a\x0bb\x00c")
    # A field that wraps its value (django-countries' Country) validates it
    # against its choices instead.
    names = [name for name in names if isinstance(getattr(instance, name), str)]
    pre_save.send(sender=model, instance=instance, raw=False, using="default", update_fields=None)
    assert {name: getattr(instance, name) for name in names} == dict.fromkeys(names, "a bc")
