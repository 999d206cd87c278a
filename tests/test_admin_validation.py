"""Bad input in the admin gives a clear form error (status 200, message on the
page), never a 500 or an IntegrityError, and saves nothing."""

import pytest

from evidence.models import Source
from incidents.models import Citation, Kind, PolicyRecommendation, Record, Role
from tests.admin_helpers import change_form_data, new_version_data, rows, version_url
from tests.factories import (
    CitationFactory,
    DraftVersionFactory,
    EntityFactory,
    HarmTypeTermFactory,
    PublishedHazardVersionFactory,
    PublishedVersionFactory,
    SourceFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/incidents/recordversion/add/"
SOURCE_ADD_URL = "/admin/evidence/source/add/"


def citation(source, key, **fields):
    return {
        "source": source.pk,
        "key": key,
        "label_en": key,
        "label_fr": key,
        "corroborates_en": "Facts",
        "corroborates_fr": "Faits",
        "order": "0",
        **fields,
    }


def assert_refused(response, message):
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html, message
    assert response.context["errors"]


@pytest.fixture
def logged_in_editor(client, editor):
    client.force_login(editor)
    return client


# Sources ---------------------------------------------------------------------------


def source_data(**fields):
    return {
        "title": "Advisory",
        "publisher_en": "RCMP",
        "publisher_fr": "GRC",
        "authors": "",
        "published_on": "2025-07-16",
        "url": "https://example.org/advisory",
        "archived_url": "",
        "language": "en",
        "source_type": "government_advisory",
        "_save": "Save",
        **fields,
    }


@pytest.mark.parametrize("field", ["url", "archived_url"])
@pytest.mark.parametrize(
    "bad_url",
    [
        "not a web address",
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>x</script>",
        "ftp://example.org/file",
    ],
)
def test_a_source_url_must_be_a_web_address(logged_in_editor, field, bad_url):
    response = logged_in_editor.post(SOURCE_ADD_URL, source_data(**{field: bad_url}))
    assert_refused(response, "Enter a web address starting with http:// or https://.")
    assert not Source.objects.exists()


def test_a_valid_source_is_saved(logged_in_editor):
    assert logged_in_editor.post(SOURCE_ADD_URL, source_data()).status_code == 302
    assert Source.objects.get().publisher_fr == "GRC"


# Dates of the version ----------------------------------------------------------------------


def test_end_date_before_the_start_is_refused(logged_in_editor):
    data = new_version_data(occurrence_precision="range", occurred_on="2025-07-16", occurred_until="2025-07-01")
    assert_refused(logged_in_editor.post(ADD_URL, data), "The end of the date range cannot be before its start.")
    assert not Record.objects.exists()


def test_end_date_without_range_precision_is_refused(logged_in_editor):
    data = new_version_data(occurrence_precision="day", occurred_until="2025-08-01")
    assert_refused(logged_in_editor.post(ADD_URL, data), "Choose “Date range” as the precision to give an end date.")
    assert not Record.objects.exists()


def test_range_precision_without_end_date_is_refused(logged_in_editor):
    data = new_version_data(occurrence_precision="range", occurred_until="")
    assert_refused(logged_in_editor.post(ADD_URL, data), "A date range needs an end date.")


def test_an_invalid_date_is_refused(logged_in_editor):
    assert_refused(logged_in_editor.post(ADD_URL, new_version_data(occurred_on="2025-02-30")), "Enter a valid date.")


def test_a_missing_english_title_is_refused(logged_in_editor):
    assert_refused(logged_in_editor.post(ADD_URL, new_version_data(title_en="")), "This field is required.")
    assert not Record.objects.exists()


# Citations ---------------------------------------------------------------------------------


def test_duplicate_citation_key_in_the_formset_is_refused(logged_in_editor):
    data = new_version_data()
    data.update(rows("citations", citation(SourceFactory(), "rcmp-2025"), citation(SourceFactory(), "rcmp-2025")))
    assert_refused(logged_in_editor.post(ADD_URL, data), "Each citation key may be used once per version.")
    assert not Record.objects.exists() and not Citation.objects.exists()


def test_duplicate_citation_key_against_a_saved_row_is_refused(logged_in_editor, editor):
    version = DraftVersionFactory(created_by=editor)
    CitationFactory(version=version, key="rcmp-2025")
    page = logged_in_editor.get(version_url(version))
    data = change_form_data(page, **{"citations-TOTAL_FORMS": "2"})
    data.update({f"citations-1-{name}": value for name, value in citation(SourceFactory(), "rcmp-2025").items()})
    assert_refused(logged_in_editor.post(version_url(version), data), "Each citation key may be used once per version.")
    assert version.citations.count() == 1


def test_two_primary_sources_are_refused(logged_in_editor):
    data = new_version_data()
    data.update(
        rows(
            "citations",
            citation(SourceFactory(), "a", is_primary="on"),
            citation(SourceFactory(), "b", is_primary="on"),
        )
    )
    assert_refused(logged_in_editor.post(ADD_URL, data), "Only one source can be marked primary.")
    assert not Citation.objects.exists()


def test_the_same_source_cited_twice_is_refused(logged_in_editor):
    source = SourceFactory()
    data = new_version_data()
    data.update(rows("citations", citation(source, "a"), citation(source, "b")))
    assert_refused(logged_in_editor.post(ADD_URL, data), "This source is already cited in this version.")
    assert not Citation.objects.exists()


def test_a_badly_formed_citation_key_is_refused(logged_in_editor):
    data = new_version_data()
    data.update(rows("citations", citation(SourceFactory(), "rcmp 2025!")))
    assert_refused(logged_in_editor.post(ADD_URL, data), "Use letters, digits, dots, hyphens and underscores only")


# Other parts -----------------------------------------------------------------------------------


def test_a_recommendation_without_attribution_is_refused(logged_in_editor):
    data = new_version_data()
    data.update(
        rows(
            "recommendations",
            {"text_en": "Verify identities.", "text_fr": "Vérifier les identités.", "status": "assessed", "order": "0"},
        )
    )
    assert_refused(
        logged_in_editor.post(ADD_URL, data), "Attribute the recommendation to an authority, a source, or both."
    )
    assert not PolicyRecommendation.objects.exists()


def test_a_term_from_another_taxonomy_is_refused_as_harm_type(logged_in_editor):
    HarmTypeTermFactory()
    sector = TermFactory(taxonomy__slug="sector")
    data = new_version_data()
    data.update(rows("harms", {"description_en": "A harm.", "harm_type": sector.pk, "severity": "2", "order": "0"}))
    assert_refused(logged_in_editor.post(ADD_URL, data), "Select a valid choice.")
    assert not Record.objects.exists()


def test_a_hazard_cannot_materialize_from_a_hazard(logged_in_editor):
    hazard = PublishedHazardVersionFactory().record
    data = new_version_data(kind=Kind.HAZARD)
    data.update(rows("hazard_links", {"hazard": hazard.pk, "order": "0"}))
    assert_refused(logged_in_editor.post(ADD_URL, data), "Only incidents materialize from hazards.")
    assert Record.objects.count() == 1


def test_an_incident_cannot_materialize_from_an_incident(logged_in_editor):
    incident = PublishedVersionFactory().record
    data = new_version_data(kind=Kind.INCIDENT)
    data.update(rows("hazard_links", {"hazard": incident.pk, "order": "0"}))
    assert_refused(logged_in_editor.post(ADD_URL, data), "Select a valid choice.")


def test_an_incident_may_materialize_from_a_hazard(logged_in_editor):
    hazard = PublishedHazardVersionFactory().record
    data = new_version_data(kind=Kind.INCIDENT)
    data.update(rows("hazard_links", {"hazard": hazard.pk, "order": "0"}))
    assert logged_in_editor.post(ADD_URL, data).status_code == 302
    assert Record.objects.get(kind=Kind.INCIDENT).versions.get().hazard_links.get().hazard == hazard


def test_the_same_hazard_linked_twice_is_refused(logged_in_editor):
    hazard = PublishedHazardVersionFactory().record
    data = new_version_data(kind=Kind.INCIDENT)
    data.update(rows("hazard_links", {"hazard": hazard.pk, "order": "0"}, {"hazard": hazard.pk, "order": "1"}))
    assert_refused(logged_in_editor.post(ADD_URL, data), "This hazard is already linked.")


def test_the_same_entity_role_twice_is_refused(logged_in_editor):
    entity = EntityFactory()
    data = new_version_data()
    role = {"entity": entity.pk, "role": Role.DEVELOPER, "order": "0"}
    data.update(rows("entity_roles", role, role))
    assert_refused(logged_in_editor.post(ADD_URL, data), "This entity already has this role in this version.")


def test_the_same_term_twice_is_refused(logged_in_editor):
    term = TermFactory()
    data = new_version_data()
    data.update(rows("classifications", {"term": term.pk, "order": "0"}, {"term": term.pk, "order": "1"}))
    assert_refused(logged_in_editor.post(ADD_URL, data), "This term is already assigned to this version.")


def test_an_unknown_source_id_is_a_form_error(logged_in_editor):
    data = new_version_data()
    data.update(rows("citations", {**citation(SourceFactory(), "a"), "source": "999999"}))
    assert_refused(logged_in_editor.post(ADD_URL, data), "Select a valid choice.")
    data["citations-0-source"] = "not-a-number"
    assert_refused(logged_in_editor.post(ADD_URL, data), "Select a valid choice.")


def test_a_broken_management_form_is_a_form_error(logged_in_editor):
    data = new_version_data()
    del data["harms-TOTAL_FORMS"]
    response = logged_in_editor.post(ADD_URL, data)
    assert response.status_code == 200
    assert "ManagementForm data is missing or has been tampered with" in response.content.decode()
    assert not Record.objects.exists()
