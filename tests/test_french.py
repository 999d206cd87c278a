"""French where French exists: the names of rows in the active language,
the admin in French, e-mails in French, and French typography."""

import pytest
from django.utils import translation

from tests.factories import (
    ChecklistItemFactory,
    DraftVersionFactory,
    EntityFactory,
    HarmFactory,
    JurisdictionFactory,
    PolicyRecommendationFactory,
    SourceFactory,
    TaxonomyFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db


# Names of rows ---------------------------------------------------------------------


def test_a_row_is_named_in_the_active_language():
    taxonomy = TaxonomyFactory(name_en="Sector", name_fr="Secteur")
    term = TermFactory(taxonomy=taxonomy, name_en="Health", name_fr="Santé")
    entity = EntityFactory(name_en="Health Canada", name_fr="Santé Canada")
    item = ChecklistItemFactory(text_en="Neutral wording.", text_fr="Formulation neutre.")
    version = DraftVersionFactory()
    harm = HarmFactory(version=version, description_en="Lost savings", description_fr="Économies perdues")
    recommendation = PolicyRecommendationFactory(version=version, text_en="Audit it", text_fr="L’auditer")
    jurisdiction = JurisdictionFactory(version=version, country="CA", region_en="Quebec", region_fr="Québec")
    source = SourceFactory(publisher_en="RCMP", publisher_fr="GRC", published_on=None)
    with translation.override("fr"):
        assert str(taxonomy) == "Secteur"
        assert str(term) == "Secteur › Santé"
        assert str(entity) == "Santé Canada"
        assert str(item) == "Vérification de la neutralité\u00a0: Formulation neutre."
        assert str(harm) == "Économies perdues"
        assert str(recommendation) == "L’auditer"
        assert str(jurisdiction) == "Canada – Québec"
        assert str(source).endswith("(GRC)")
    with translation.override("en"):
        assert str(term) == "Sector › Health"
        assert str(item) == "Neutrality check: Neutral wording."
        assert str(jurisdiction) == "Canada – Quebec"


def test_a_row_without_a_name_in_the_active_language_is_named_in_the_other():
    entity = EntityFactory(slug="only-french", name_en="", name_fr="Agence")
    term = TermFactory(name_en="Only English", name_fr="")
    with translation.override("en"):
        assert str(entity) == "Agence"
    with translation.override("fr"):
        assert str(term).endswith("› Only English")
    assert str(EntityFactory(slug="nameless", name_en="", name_fr="")) == "nameless"
