"""incidents.diff: what changed between two versions, per section, per
language, and which French texts went stale."""

import re

import pytest
from django.utils import translation

from incidents import diff
from incidents.models import Citation, Classification, EntityRole, Harm, HazardLink, Jurisdiction, Role, Severity
from incidents.public.record_page import prefetch_parts
from tests.factories import (
    CitationFactory,
    ClassificationFactory,
    HarmFactory,
    HazardLinkFactory,
    JurisdictionFactory,
    PolicyRecommendationFactory,
    SourceFactory,
    full_record,
    publish_revision,
    record_of,
    revise,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def live():
    return full_record()


@pytest.fixture
def draft(live):
    """A revision of the live version: identical until a test edits it."""
    return revise(live.record)


def compare(old, new):
    old.refresh_from_db()
    new.refresh_from_db()
    return {section.key: section for section in diff.compare_versions(old, new)}


def field(section, name, lang=None):
    matches = [change for change in section.fields if change.name == name and change.lang == lang]
    assert len(matches) == 1, (name, lang, section.fields)
    return matches[0]


# Version fields -----------------------------------------------------------


def test_a_fresh_revision_has_no_changes(live, draft):
    assert diff.compare_versions(live, draft) == []


def test_english_title_change_is_reported_in_english_only(live, draft):
    draft.title_en = "A new English title"
    draft.save()
    sections = compare(live, draft)
    assert list(sections) == ["title"]
    change = field(sections["title"], "title", "en")
    assert (change.old, change.new) == (live.title_en, "A new English title")
    assert sections["title"].languages() == {"en"}


def test_french_only_change_says_french(live, draft):
    draft.narrative_fr = "Un récit entièrement réécrit."
    draft.save()
    sections = compare(live, draft)
    assert sections["narrative"].languages() == {"fr"}
    assert field(sections["narrative"], "narrative", "fr").new == "Un récit entièrement réécrit."


def test_both_languages_changed_give_one_change_each(live, draft):
    draft.summary_en, draft.summary_fr = "New summary", "Nouveau résumé"
    draft.save()
    assert compare(live, draft)["summary"].languages() == {"en", "fr"}


def test_line_endings_and_surrounding_blanks_are_not_changes(live, draft):
    draft.narrative_en = "  " + live.narrative_en.replace("\n", "\r\n") + "\r\n"
    draft.save()
    assert "narrative" not in compare(live, draft)


def test_record_details_changes_carry_their_values(live, draft):
    draft.severity = Severity.CRITICAL
    draft.ai_system_fr = "Clonage vocal"
    draft.save()
    section = compare(live, draft)["record_details"]
    assert (field(section, "severity").old, field(section, "severity").new) == (Severity.HIGH, Severity.CRITICAL)
    assert field(section, "ai_system", "fr").new == "Clonage vocal"


def test_section_statuses_are_compared(live, draft):
    draft.taxonomy_status = "not_assessed"
    draft.save()
    assert field(compare(live, draft)["taxonomy"], "taxonomy_status").new == "not_assessed"


def test_change_note_is_not_a_change_of_content(live, draft):
    draft.change_note_en = "Something else"
    draft.save()
    assert diff.compare_versions(live, draft) == []


def test_sections_come_in_the_order_of_the_record_page(live, draft):
    draft.title_en = draft.editorial_assessment_en = draft.summary_en = "Changed"
    draft.save()
    Harm.objects.filter(version=draft).first().delete()
    assert list(compare(live, draft)) == ["title", "summary", "harms", "editorial_assessment"]


# Children ---------------------------------------------------------------------


def test_harms_are_matched_by_position(live, draft):
    first, second = Harm.objects.filter(version=draft)
    first.description_en = "Reworded first harm"
    first.save()
    second.delete()
    HarmFactory(version=draft, order=5, description_en="A third harm")
    items = compare(live, draft)["harms"].items
    assert [item.action for item in items] == [diff.CHANGED, diff.CHANGED]
    assert items[0].fields[0].name == "description" and items[0].fields[0].new == "Reworded first harm"
    assert items[1].new.description_en == "A third harm"


def test_a_removed_harm_is_reported_as_removed(live, draft):
    Harm.objects.filter(version=draft).last().delete()
    items = compare(live, draft)["harms"].items
    assert [(item.action, item.old.description_en) for item in items] == [
        (diff.REMOVED, "Revenue is funnelled to weapons programs.")
    ]


def test_citations_are_matched_by_source(live, draft):
    citation = Citation.objects.get(version=draft, key="bnn-2025")
    citation.key, citation.label_fr = "bnn", "BNN, 2025"
    citation.save()
    Citation.objects.get(version=draft, key="msft-2025").delete()
    added = CitationFactory(version=draft, source=SourceFactory(title="A new report"))
    section = compare(live, draft)["evidence"]
    changed = section.items_by_action(diff.CHANGED)
    assert len(changed) == 1 and {(f.name, f.lang) for f in changed[0].fields} == {("key", None), ("label", "fr")}
    assert [item.old.key for item in section.items_by_action(diff.REMOVED)] == ["msft-2025"]
    assert [item.new.pk for item in section.items_by_action(diff.ADDED)] == [added.pk]


def test_primary_flag_change_is_reported(live, draft):
    rcmp = Citation.objects.get(version=draft, key="rcmp-2025")
    rcmp.is_primary = False
    rcmp.save()
    bnn = Citation.objects.get(version=draft, key="bnn-2025")
    bnn.is_primary = True
    bnn.save()
    changed = compare(live, draft)["evidence"].items_by_action(diff.CHANGED)
    assert {(item.new.key, item.fields[0].name, item.fields[0].new) for item in changed} == {
        ("rcmp-2025", "is_primary", False),
        ("bnn-2025", "is_primary", True),
    }


def test_entity_roles_are_matched_by_entity_and_role(live, draft):
    role = EntityRole.objects.filter(version=draft, role=Role.THREAT_ACTOR).get()
    role.role = Role.DEPLOYER  # a different role is a different fact: removed + added
    role.save()
    other = EntityRole.objects.filter(version=draft, role=Role.REPORTING_AUTHORITY).get()
    other.note_en = "Led the advisory"
    other.save()
    items = compare(live, draft)["entities"].items
    assert sorted(item.action for item in items) == [diff.ADDED, diff.CHANGED, diff.REMOVED]
    changed = next(item for item in items if item.action == diff.CHANGED)
    assert changed.fields[0].name == "note" and changed.fields[0].lang == "en"


def test_classifications_are_matched_by_term(live, draft):
    Classification.objects.filter(version=draft).first().delete()
    added = ClassificationFactory(version=draft)
    items = compare(live, draft)["taxonomy"].items
    assert {item.action for item in items} == {diff.ADDED, diff.REMOVED}
    assert next(item for item in items if item.action == diff.ADDED).new.term == added.term


def test_jurisdictions_are_matched_by_country(live, draft):
    canada = Jurisdiction.objects.get(version=draft, country="CA")
    canada.region_en = "Quebec"
    canada.save()
    JurisdictionFactory(version=draft, country="AU")
    section = compare(live, draft)["record_details"]
    assert {item.action for item in section.items} == {diff.CHANGED, diff.ADDED}
    changed = section.items_by_action(diff.CHANGED)[0]
    assert (changed.fields[0].name, changed.fields[0].lang, changed.fields[0].new) == ("region", "en", "Quebec")


def test_hazard_links_added_and_removed(live, draft):
    HazardLink.objects.filter(version=draft).delete()
    added = HazardLinkFactory(version=draft)
    items = compare(live, draft)["materialized_from"].items
    assert {(item.action, item.item.hazard_id) for item in items} == {
        (diff.REMOVED, live.hazard_links.get().hazard_id),
        (diff.ADDED, added.hazard_id),
    }


def test_recommendation_attribution_change_is_reported(live, draft):
    recommendation = draft.recommendations.first()
    recommendation.source = None
    recommendation.attribution_en = "FINTRAC"
    recommendation.save()
    changed = compare(live, draft)["recommendations"].items_by_action(diff.CHANGED)[0]
    assert {(f.name, f.lang) for f in changed.fields} == {("source", None), ("attribution", "en")}


def test_comparing_prefetched_versions_costs_no_query(live, draft, django_assert_num_queries):
    PolicyRecommendationFactory(version=draft)
    live.refresh_from_db()
    draft.refresh_from_db()
    prefetch_parts([live, draft])
    with django_assert_num_queries(0):
        sections = diff.compare_versions(live, draft)
        with translation.override("fr"):
            diff.for_reader(sections, live, draft)
    assert sections


# Stale translations -----------------------------------------------------------------


def test_english_changed_and_french_untouched_is_stale(live, draft):
    draft.title_en = "Reworded in English only"
    draft.save()
    stale = diff.stale_translations(live, draft)
    assert [(s.section, s.name, s.item) for s in stale] == [("title", "title", None)]


def test_both_languages_changed_is_not_stale(live, draft):
    draft.title_en, draft.title_fr = "New", "Nouveau"
    draft.save()
    assert diff.stale_translations(live, draft) == []


def test_missing_french_is_not_stale_but_missing():
    live = full_record(title_fr="")
    draft = revise(live.record)
    draft.title_en = "Changed"
    draft.save()
    assert diff.stale_translations(live, draft) == []
    assert [section.key for section in diff.compare_versions(live, draft)] == ["title"]


def test_stale_translation_in_a_child_row_names_the_row(live, draft):
    harm = Harm.objects.filter(version=draft).first()
    harm.description_en = "Reworded harm"
    harm.save()
    stale = diff.stale_translations(live, draft)
    assert [(s.section, s.name, s.item.pk) for s in stale] == [("harms", "description", harm.pk)]


def test_french_changed_and_english_untouched_is_not_stale_french(live, draft):
    draft.title_fr = "Titre retouché"
    draft.save()
    assert diff.stale_translations(live, draft) == []
    assert [s.name for s in diff.stale_translations(live, draft, source="fr", target="en")] == ["title"]


# For readers ------------------------------------------------------------------------


def test_reader_sees_the_change_in_their_language(live, draft):
    draft.title_fr = "Un titre revu"
    draft.save()
    sections = diff.compare_versions(live, draft)
    [section] = diff.for_reader(sections, live, draft, "fr")
    [row] = section.rows
    assert (row.old.text, row.new.text, row.other_languages) == (live.title_fr, "Un titre revu", ())
    [section] = diff.for_reader(sections, live, draft, "en")
    assert section.rows[0].other_languages == ("fr",) and section.rows[0].new is None


def test_french_reader_sees_english_fallback_changes_marked(live, draft):
    live.title_fr = ""  # in memory: as if v1 had no French title
    draft.title_fr = ""
    draft.title_en = "Only in English, changed"
    sections = diff.compare_versions(live, draft)
    [section] = diff.for_reader(sections, live, draft, "fr")
    row = section.rows[0]
    assert row.new.is_fallback and row.new.lang == "en" and row.new.text == "Only in English, changed"


def test_untranslated_values_are_shown_with_their_labels(live, draft):
    draft.severity = Severity.CRITICAL
    draft.save()
    sections = diff.compare_versions(live, draft)
    with translation.override("fr"):
        [section] = diff.for_reader(sections, live, draft)
    assert (section.rows[0].old.text, section.rows[0].new.text) == ("Élevée", "Critique")


def test_items_are_described_in_the_readers_language(live, draft):
    Classification.objects.filter(version=draft).delete()
    sections = diff.compare_versions(live, draft)
    with translation.override("fr"):
        [section] = diff.for_reader(sections, live, draft)
    assert {item.label.text for item in section.items} == {
        "Secteur › Technologies de l'information",
        "Capacité d'IA › Vidéo hypertruquée",
    }


def test_word_diff_marks_only_the_changed_words():
    before, after = diff.word_diff("The quick brown fox", "The slow brown fox")
    assert [(s.text, s.changed) for s in before] == [("The ", False), ("quick", True), (" brown fox", False)]
    assert [(s.text, s.changed) for s in after] == [("The ", False), ("slow", True), (" brown fox", False)]
    assert "".join(s.text for s in after) == "The slow brown fox"


def test_citations_read_as_their_labels_and_unknown_keys_as_themselves():
    labels = {"rcmp-2025": "RCMP, 2025", "msft-2025": "Microsoft, 2025"}
    text = "Five agencies warned [@rcmp-2025]. Microsoft agreed [@msft-2025; @other]."
    assert (
        diff.readable(text, labels) == "Five agencies warned (RCMP, 2025). Microsoft agreed (Microsoft, 2025; other)."
    )


def test_a_changed_text_keeps_its_paragraphs():
    _old, new = diff.word_diff("First paragraph.\n\nSecond one.", "First paragraph.\n\nSecond one, longer.")
    paragraphs = diff.paragraphs(new)
    assert ["".join(segment.text for segment in paragraph) for paragraph in paragraphs] == [
        "First paragraph.",
        "Second one, longer.",
    ]
    assert any(segment.changed for segment in paragraphs[1]) and not any(s.changed for s in paragraphs[0])


def test_the_changes_page_shows_citation_labels_and_paragraphs(client):
    live = full_record()
    revised = publish_revision(
        record_of(live),
        narrative_en="On July 16, 2025, five agencies issued a joint advisory [@rcmp-2025].\n\nA new paragraph.",
    )
    html = client.get(f"/en/incidents/{revised.record.public_id}/changes/?from=1&to=2").content.decode()
    section = html[html.index('id="change-narrative"') :]
    section = section[: section.index("</section>")]
    assert "[@rcmp-2025]" not in section and "(RCMP, 2025)" in section
    after = section[section.index('<div class="change-after">') :]
    paragraphs = re.findall(r"<p(?: lang=\"\w+\")?>(.*?)</p>", after, re.S)
    assert len(paragraphs) == 2, paragraphs
    assert re.sub(r"</?ins>", "", paragraphs[1]) == "A new paragraph." and "<ins>" in paragraphs[1]
