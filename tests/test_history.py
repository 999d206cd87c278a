"""django-simple-history keeps every save, French columns included."""

import pytest

from evidence.models import Source
from incidents.models import Harm, Record, RecordVersion
from taxonomy.models import Entity, Taxonomy, Term, TermMapping
from tests.factories import DraftVersionFactory, EntityFactory, HarmFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_french_edit_appears_in_history_with_its_author(editor, other_editor):
    version = DraftVersionFactory(created_by=editor, summary_fr="Ancien résumé.")
    version.summary_fr = "Nouveau résumé, corrigé."
    version._history_user = other_editor
    version.save()

    latest, previous = version.history.all()[:2]
    assert latest.history_user == other_editor
    assert (previous.summary_fr, latest.summary_fr) == ("Ancien résumé.", "Nouveau résumé, corrigé.")
    delta = latest.diff_against(previous)
    assert delta.changed_fields == ["summary_fr"]


def test_history_tables_have_english_and_french_columns():
    for model in (RecordVersion, Harm, Source, Entity, Term, Taxonomy, Record):
        names = {field.name for field in model.history.model._meta.fields}
        translated = [name[:-3] for name in names if name.endswith("_fr")]
        assert translated, model
        for name in translated:
            assert f"{name}_en" in names


def test_every_editable_model_keeps_history():
    for model in (RecordVersion, Harm, Source, Entity, Term, Taxonomy, TermMapping, Record):
        assert hasattr(model, "history"), model


def test_reference_data_edits_are_kept():
    source = SourceFactory(publisher_fr="GRC")
    source.publisher_fr = "Gendarmerie royale du Canada"
    source.save()
    assert [row.publisher_fr for row in source.history.all()] == ["Gendarmerie royale du Canada", "GRC"]
    entity = EntityFactory()
    entity.name_fr = "Nouveau nom"
    entity.save()
    assert entity.history.count() == 2


def test_deleted_part_stays_in_history():
    harm = HarmFactory()
    pk = harm.pk
    harm.delete()
    assert Harm.history.filter(id=pk, history_type="-").exists()
