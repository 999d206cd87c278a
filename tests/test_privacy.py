"""Likely personal data in a version's texts (incidents/publishing/privacy.py):
what is flagged, what is not, and where each finding is said to be."""

import pytest
from django.utils import translation

from incidents.publishing import privacy, review
from incidents.publishing.privacy import Kind, detect
from tests.factories import (
    CitationFactory,
    DraftVersionFactory,
    EntityRoleFactory,
    HarmFactory,
    JurisdictionFactory,
    PolicyRecommendationFactory,
)

# The detector -------------------------------------------------------------------------

POSITIVE = [
    # E-mail addresses.
    ("Write to jane.doe@example.com for details.", Kind.EMAIL, "jane.doe@example.com"),
    ("Écrire à jean.tremblay@exemple.qc.ca pour en savoir plus.", Kind.EMAIL, "jean.tremblay@exemple.qc.ca"),
    ("Contact: [Jane](mailto:jane+tips@news.example.org)", Kind.EMAIL, "jane+tips@news.example.org"),
    # North American phone numbers.
    ("Call 613-555-0123 today.", Kind.PHONE, "613-555-0123"),
    ("Call (613) 555-0123 today.", Kind.PHONE, "(613) 555-0123"),
    ("Call +1 613 555 0123 today.", Kind.PHONE, "+1 613 555 0123"),
    ("Call 1-800-555-0199 today.", Kind.PHONE, "1-800-555-0199"),
    ("Call 613.555.0123 today.", Kind.PHONE, "613.555.0123"),
    ("Joindre le plaignant au 514 555-0199.", Kind.PHONE, "514 555-0199"),
    ("Tél.\u00a0: 613\u00a0555\u00a00123", Kind.PHONE, "613\u00a0555\u00a00123"),
    # International and French phone numbers.
    ("Appeler au +33 1 23 45 67 89.", Kind.PHONE, "+33 1 23 45 67 89"),
    ("Tel. +44 20 7946 0958.", Kind.PHONE, "+44 20 7946 0958"),
    ("Tel +49 30 1234567", Kind.PHONE, "+49 30 1234567"),
    ("Son numéro, +33123456789, circulait.", Kind.PHONE, "+33123456789"),
    ("Appeler au 01 23 45 67 89.", Kind.PHONE, "01 23 45 67 89"),
    ("Appeler au 06.12.34.56.78.", Kind.PHONE, "06.12.34.56.78"),
    # English street addresses.
    ("She lives at 123 Main Street in Ottawa.", Kind.ADDRESS, "123 Main Street"),
    ("He lives at 100 Queen St. West.", Kind.ADDRESS, "100 Queen St. West"),
    ("The office at 45 St. Clair Avenue closed.", Kind.ADDRESS, "45 St. Clair Avenue"),
    ("Located at 700 5th Avenue.", Kind.ADDRESS, "700 5th Avenue"),
    ("Parked at 12 Maple Dr. overnight.", Kind.ADDRESS, "12 Maple Dr."),
    # French street addresses.
    ("Elle habite au 45 rue Sainte-Catherine à Montréal.", Kind.ADDRESS, "45 rue Sainte-Catherine"),
    ("Au 1200 boul. René-Lévesque Ouest.", Kind.ADDRESS, "1200 boul. René-Lévesque Ouest"),
    ("Au 1200, boulevard René-Lévesque, à Montréal.", Kind.ADDRESS, "1200, boulevard René-Lévesque"),
    ("Au 5 chemin de la Côte-des-Neiges.", Kind.ADDRESS, "5 chemin de la Côte-des-Neiges"),
    ("Au 12 avenue du Parc.", Kind.ADDRESS, "12 avenue du Parc"),
    # A Toronto address in a French text, a Montréal one in an English text.
    ("Elle habite au 123 Main Street, à Toronto.", Kind.ADDRESS, "123 Main Street"),
    ("He lives at 45 rue Sainte-Catherine.", Kind.ADDRESS, "45 rue Sainte-Catherine"),
]

NEGATIVE = [
    # Dates, years and times.
    "On July 16, 2025, five agencies issued a joint advisory.",
    "Le 16 juillet 2025, cinq organismes ont publié un avis conjoint.",
    "Published on 2025-07-16, updated 16/07/2025 and 07.16.2025.",
    "Between 1998-2025 and 2019–2023.",
    "Le 1er mars 2026 à 14 h 30, puis de 14 h 30 à 16 h.",
    # Citation keys.
    "Five agencies warned [@rcmp-2025; @bnn-2025].",
    "Microsoft documented the Jasper Sleet cluster [@msft-2025].",
    "A key that looks like a number [@tel-613-555-0123].",
    # Version numbers, identifiers, amounts, counts.
    "Version 2.4.1 was released, then v10.0.19041.1234.",
    "CVE-2024-12345, ISBN 978-0-306-40615-7, ticket 2025-0716-001, id 6135550123.",
    "Bill C-27, section 12.3, page 123 of 456.",
    "The loss was $1,200,000 (1 200 000 $), up +15 000 000 $ or +12 %.",
    "Entre 100 000 et 250 000 $, soit 1\u00a0367 personnes.",
    "Addresses 192.168.100.200 and 10.200.300.4000.",
    # URLs' digits and link targets.
    "See https://example.org/reports/613-555-0123 and [the report](/r/613-555-0123).",
    "See www.example.org/613-555-0123/45-rue-Sainte-Catherine.",
    # Words that name streets elsewhere, and years before capitalized words.
    "In 2024 Ontario Place reopened; in 2023 Main Street shops closed.",
    "The Ontario Court ruled in 3 Superior Court cases.",
    "Les 3 rues du quartier et 2 places publiques.",
    "Take route 66 to 5 Main.",
    "A handle alone: @jane, or @rcmp-2025.",
]


@pytest.mark.parametrize(("text", "kind", "expected"), POSITIVE)
def test_personal_data_samples_are_flagged(text, kind, expected):
    assert [(hit.kind, hit.text) for hit in detect(text)] == [(kind, expected)]


@pytest.mark.parametrize("text", NEGATIVE)
def test_dates_years_amounts_citation_keys_and_urls_are_not_flagged_as_personal_data(text):
    assert detect(text) == []


def test_dates_years_and_citation_keys_are_not_flagged_as_personal_data():
    narrative = (
        "On July 16, 2025, five agencies issued a joint advisory [@rcmp-2025; @bnn-2025]. "
        "In 2024, version 3.2.1 of the model cost 1 200 000 $ (https://example.org/2024/07/16/613-555-0123)."
    )
    assert detect(narrative) == []


def test_an_email_address_in_a_link_is_still_flagged():
    """Other patterns skip URLs; an e-mail address in a link is published too."""
    hits = detect("[Write to her](https://example.org/contact?to=jane.doe@example.com)")
    assert [(hit.kind, hit.text) for hit in hits] == [(Kind.EMAIL, "jane.doe@example.com")]


def test_several_findings_in_one_text_come_in_order_and_never_overlap():
    text = "Reach j.smith613@example.com, 613-555-0123 or 12 Elm Street; ou le +33 1 23 45 67 89."
    assert [(hit.kind, hit.text) for hit in detect(text)] == [
        (Kind.EMAIL, "j.smith613@example.com"),
        (Kind.PHONE, "613-555-0123"),
        (Kind.ADDRESS, "12 Elm Street"),
        (Kind.PHONE, "+33 1 23 45 67 89"),
    ]
    # "+1 613 555 0123" matches the North American and the international
    # patterns: one finding.
    assert len(detect("Call +1 613 555 0123.")) == 1


def test_excerpt_shows_the_words_around_the_match_on_one_line():
    text = (
        "The advisory was published in July after months of work.\n\nThe victim, who lives at 123 Main Street "
        "in Ottawa, asked that her name be withheld from every report."
    )
    [hit] = detect(text)
    before, after = privacy.excerpt(text, hit)
    assert before.startswith("…") and before.endswith("who lives at ")
    assert "\n" not in before and "  " not in before
    assert after.startswith(" in Ottawa,") and after.endswith("…")
    assert len(before) + len(after) < 2 * privacy.EXCERPT_CONTEXT + 4
    short = "Call 613-555-0123."
    [hit] = detect(short)
    assert privacy.excerpt(short, hit) == ("Call ", ".")


# Findings of a version --------------------------------------------------------------------


@pytest.mark.django_db
def test_findings_cover_every_translated_field_of_the_version_and_its_parts_in_both_languages():
    version = DraftVersionFactory(
        summary_en="A clerk (jane.doe@example.com) was targeted.",
        summary_fr="Une commis (jane.doe@example.com) a été ciblée.",
        change_note_fr="Ajout du 613-555-0123.",
    )
    HarmFactory(version=version, order=1)
    HarmFactory(
        version=version, order=2, affected_group_en="Residents of 123 Main Street", affected_group_fr="Des résidents"
    )
    CitationFactory(version=version, corroborates_fr="Le courriel de j.tremblay@exemple.ca")
    PolicyRecommendationFactory(version=version, attribution_en="Call +1 613 555 0123")
    EntityRoleFactory(version=version, note_fr="Joint au 514 555-0199")
    JurisdictionFactory(version=version, region_en="Ontario", region_fr="1200, boul. René-Lévesque")

    found = [(f.kind, f.field, f.language, f.match) for f in privacy.findings(version)]
    assert found == [
        (Kind.EMAIL, "Summary", "en", "jane.doe@example.com"),
        (Kind.EMAIL, "Summary", "fr", "jane.doe@example.com"),
        (Kind.PHONE, "Change note", "fr", "613-555-0123"),
        (Kind.ADDRESS, "Harm 2: affected group", "en", "123 Main Street"),
        (Kind.EMAIL, "Citation 1: what it corroborates", "fr", "j.tremblay@exemple.ca"),
        (Kind.PHONE, "Policy recommendation 1: attribution", "en", "+1 613 555 0123"),
        (Kind.PHONE, "Entity involved 1: note", "fr", "514 555-0199"),
        (Kind.ADDRESS, "Jurisdiction 1: region", "fr", "1200, boul. René-Lévesque"),
    ]


@pytest.mark.django_db
def test_findings_name_their_place_in_the_readers_language():
    version = DraftVersionFactory()
    HarmFactory(version=version, description_fr="Son numéro, le 613-555-0123, a été publié.")
    with translation.override("fr"):
        [finding] = privacy.findings(version)
        assert finding.field == "Préjudice 1\u00a0: description"
        assert finding.kind_label == "Numéro de téléphone"
    assert finding.excerpt == "Son numéro, le 613-555-0123, a été publié."
    assert (finding.before, finding.match, finding.after) == ("Son numéro, le ", "613-555-0123", ", a été publié.")


@pytest.mark.django_db
def test_a_version_without_personal_data_has_no_finding():
    version = DraftVersionFactory(narrative_en="On July 16, 2025, an advisory was issued [@rcmp-2025].")
    HarmFactory(version=version)
    assert privacy.findings(version) == []


@pytest.mark.django_db
def test_findings_cost_no_query_once_the_comparison_loaded_the_parts(django_assert_num_queries):
    version = DraftVersionFactory()
    for order in range(3):
        HarmFactory(version=version, order=order, description_en=f"Call 613-555-012{order}.")
    CitationFactory(version=version, corroborates_en="Write to jane.doe@example.com")
    review.compare(version, "en")
    with django_assert_num_queries(0):
        found = review.personal_data(version)
    assert len(found) == 4
