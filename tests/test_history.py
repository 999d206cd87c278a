"""django-simple-history keeps every save, French columns included."""

import pytest
from django.apps import apps
from django.conf import settings
from modeltranslation.translator import translator
from simple_history.models import HistoricalChanges

from core.models import Preference
from evidence.models import Source
from incidents.models import (
    Harm,
    ListEntry,
    PublicIdCounter,
    RecordVersion,
    Redaction,
    RelatedRecord,
    SignOff,
    SignOffAnswer,
    WorkflowEvent,
)
from tests.factories import DraftVersionFactory, EntityFactory, HarmFactory, SourceFactory

pytestmark = pytest.mark.django_db

# The apps whose models are Dossier's own.
OUR_APPS = ("core", "evidence", "taxonomy", "incidents")

# The models that deliberately keep no edit history, and why.
WITHOUT_HISTORY = {
    # Audit rows themselves: workflow.py writes one per transition
    # (WorkflowEvent.objects.create) and nothing updates them; no admin edits them.
    WorkflowEvent,
    # A reviewer's decision, created once by workflow.sign_off(). Its only later
    # change is voided_at, set when the version goes back to draft: that date
    # is the history, and the return itself is a WorkflowEvent.
    SignOff,
    # The checklist answers of a sign-off, bulk-created with it and never
    # changed: they even copy the item's wording as it was read.
    SignOffAnswer,
    # A counter, not content: create_record() bumps it under a lock; the
    # public ids it hands out are kept on the records, which have history.
    PublicIdCounter,
    # A staff member's own setting (the language of their e-mails), not
    # editorial content.
    Preference,
    # The audit of a redaction, written by the workflow: its own history
    # would keep the passage it exists to forget (the row keeps a hash).
    Redaction,
    # Derived data the workflow rewrites from the live versions at each
    # publication, withdrawal, merge, redaction or restore: the versions it
    # is computed from keep their history (incidents/related.py,
    # workflow.refresh_list_entries).
    RelatedRecord,
    ListEntry,
}


def our_models():
    """Every concrete model of our apps, without the Historical* copies that
    simple-history generates."""
    return [
        model
        for label in OUR_APPS
        for model in apps.get_app_config(label).get_models()
        if not issubclass(model, HistoricalChanges)
    ]


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
    translated = [model for model in our_models() if model in translator.get_registered_models()]
    assert RecordVersion in translated and Source in translated  # the lookup itself works
    for model in translated:
        assert hasattr(model, "history"), f"{model.__name__} is translated but keeps no history"
        names = {field.name for field in model.history.model._meta.fields}
        for name in translator.get_options_for_model(model).all_fields:
            for language in settings.MODELTRANSLATION_LANGUAGES:
                assert f"{name}_{language}" in names, f"{model.__name__} history lacks {name}_{language}"


def test_every_editable_model_keeps_history():
    models = our_models()
    assert WITHOUT_HISTORY.issubset(models), "an exception names a model that is gone"
    for model in models:
        if model in WITHOUT_HISTORY:
            assert not hasattr(model, "history"), f"{model.__name__} keeps history now: drop it from WITHOUT_HISTORY"
        else:
            assert hasattr(model, "history"), f"{model.__name__} keeps no history: register it with simple_history"


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
