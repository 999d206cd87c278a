"""The privacy item of the neutrality checklist, added by migration 0005:
there after `migrate`, in both languages, and reversible without losing a
sign-off's answer."""

import importlib
from functools import cache

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from incidents.models import Check, ChecklistItem, Decision
from incidents.publishing import review, workflow
from tests.factories import ChecklistItemFactory, InReviewVersionFactory

pytestmark = pytest.mark.django_db

MIGRATION = "0005_privacy_checklist_item"
migration = importlib.import_module(f"incidents.migrations.{MIGRATION}")


def privacy_item():
    return ChecklistItem.objects.get(text_en=migration.TEXT_EN)


@cache
def historical_apps():
    """The models as migration 0005 sees them (what `migrate` hands it)."""
    return MigrationLoader(connection).project_state(("incidents", MIGRATION)).apps


def test_privacy_item_is_in_the_default_checklist_in_both_languages():
    item = privacy_item()
    assert item.text_en == (
        "No personal data about private individuals (victims, bystanders, employees) beyond what the public "
        "interest requires."
    )
    assert item.text_fr == (
        "Aucun renseignement personnel sur des particuliers (victimes, témoins, membres du personnel) au-delà de ce "
        "qu’exige l’intérêt public."
    )
    assert item.active
    assert item in review.checklist(Check.NEUTRALITY)
    assert item not in review.checklist(Check.FACTUALITY)


def test_privacy_item_is_asked_last_of_the_neutrality_check():
    neutrality = review.checklist(Check.NEUTRALITY)
    assert neutrality[-1] == privacy_item()
    assert neutrality[0].text_en == "Claims about actors are attributed to their sources."
    assert len({item.order for item in neutrality}) == len(neutrality)


def test_privacy_item_has_its_history_from_the_start():
    first = privacy_item().history.earliest()
    assert first.history_type == "+"
    assert first.history_change_reason == "Default checklist"
    assert first.text_fr == migration.TEXT_FR


def test_migrating_backwards_removes_the_unanswered_privacy_item_and_only_it():
    others = set(ChecklistItem.objects.exclude(text_en=migration.TEXT_EN).values_list("pk", "text_en", "active"))
    item = privacy_item()
    migration.remove_privacy_item(historical_apps(), None)
    assert not ChecklistItem.objects.filter(text_en=migration.TEXT_EN).exists()
    assert set(ChecklistItem.objects.values_list("pk", "text_en", "active")) == others
    assert item.history.latest().history_type == "-"
    # Forwards again: back, once, last of the neutrality check.
    migration.add_privacy_item(historical_apps(), None)
    migration.add_privacy_item(historical_apps(), None)
    assert ChecklistItem.objects.filter(text_en=migration.TEXT_EN).count() == 1
    assert review.checklist(Check.NEUTRALITY)[-1] == privacy_item()


def test_migrating_backwards_deactivates_a_privacy_item_a_sign_off_answered(reviewer):
    version = InReviewVersionFactory()
    answers = [workflow.ChecklistAnswer(item, True, "") for item in review.checklist(Check.NEUTRALITY)]
    signed = workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE, answers=answers)
    migration.remove_privacy_item(historical_apps(), None)
    item = privacy_item()
    assert not item.active
    assert item not in review.checklist(Check.NEUTRALITY)
    assert signed.answers.filter(item=item).exists()
    # Forwards again makes it active again, without a second item.
    migration.add_privacy_item(historical_apps(), None)
    item.refresh_from_db()
    assert item.active and ChecklistItem.objects.filter(text_en=migration.TEXT_EN).count() == 1


def test_migrating_forwards_keeps_a_privacy_item_a_publisher_deactivated():
    item = privacy_item()
    item.active = False
    item.save()
    migration.add_privacy_item(current_apps, None)
    item.refresh_from_db()
    assert not item.active


def test_migrating_forwards_adds_nothing_when_a_publisher_already_added_the_item():
    privacy_item().delete()
    mine = ChecklistItemFactory(check_type=Check.FACTUALITY, text_en=migration.TEXT_EN, text_fr=migration.TEXT_FR)
    migration.add_privacy_item(current_apps, None)
    assert list(ChecklistItem.objects.filter(text_en=migration.TEXT_EN)) == [mine]
    # Backwards leaves the publisher's own item alone.
    migration.remove_privacy_item(current_apps, None)
    assert ChecklistItem.objects.filter(pk=mine.pk, active=True).exists()


def test_privacy_migration_is_applied_after_the_search_trigger():
    loader = MigrationLoader(connection)
    assert ("incidents", MIGRATION) in loader.applied_migrations
    assert loader.graph.node_map[("incidents", MIGRATION)].parents == {
        loader.graph.node_map[("incidents", "0004_search_columns_by_trigger")]
    }
