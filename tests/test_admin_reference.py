"""Reference data: editors add rows freely and change rows the public does not
see yet; a row shown on a published record is changed by publishers only
(docs/architecture.md, "Promises", 1)."""

import pytest
from django.urls import reverse

from incidents.models import Status
from incidents.publishing import workflow
from tests.admin_helpers import change_form_data
from tests.factories import (
    CitationFactory,
    ClassificationFactory,
    DraftVersionFactory,
    EntityFactory,
    EntityRoleFactory,
    HarmFactory,
    HarmTypeTermFactory,
    PolicyRecommendationFactory,
    PublishedVersionFactory,
    SourceFactory,
    TermFactory,
    approve,
    publish,
    revise,
)

pytestmark = pytest.mark.django_db


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def published_citing(source):
    version = DraftVersionFactory()
    CitationFactory(version=version, source=source, is_primary=True)
    workflow.submit(version, by=version.created_by)
    return publish(approve(version))


def edit(client, obj, **changes):
    page = client.get(change_url(obj))
    assert page.status_code == 200
    return client.post(change_url(obj), change_form_data(page, **changes))


def test_editor_changes_a_source_not_yet_in_public_use(client, editor):
    source = SourceFactory(publisher_fr="GRC")
    CitationFactory(source=source)  # cited by a draft only
    client.force_login(editor)
    assert edit(client, source, publisher_fr="Gendarmerie royale du Canada").status_code == 302
    source.refresh_from_db()
    assert source.publisher_fr == "Gendarmerie royale du Canada"
    assert source.history.latest().history_user == editor


def test_editor_cannot_change_a_source_cited_by_a_published_version(client, editor):
    source = SourceFactory(title="Original title")
    published_citing(source)
    client.force_login(editor)

    page = client.get(change_url(source))
    html = page.content.decode()
    assert page.status_code == 200
    assert "only publishers may change it" in html
    assert "Used by 1 published record" in html
    assert 'name="title"' not in html

    data = change_form_data(page, title="Changed behind review")
    data.update(
        title="Changed behind review", publisher_en="X", publisher_fr="X", source_type="news_report", language="en"
    )
    assert client.post(change_url(source), data).status_code == 403
    source.refresh_from_db()
    assert source.title == "Original title"


def test_publisher_changes_a_source_in_public_use(client, publisher):
    source = SourceFactory(title="Original title")
    published_citing(source)
    client.force_login(publisher)
    page = client.get(change_url(source))
    assert "a change reaches them only through new versions" in page.content.decode()
    assert edit(client, source, title="Corrected title").status_code == 302
    source.refresh_from_db()
    assert source.title == "Corrected title"
    assert source.history.latest().history_user == publisher


def test_a_superseded_version_keeps_its_sources_in_public_use(client, editor):
    source = SourceFactory()
    first = published_citing(source)
    second = revise(first.record, editor)
    second.citations.all().delete()
    workflow.submit(second, by=editor)
    publish(approve(second))
    first.refresh_from_db()
    assert first.status == Status.SUPERSEDED
    client.force_login(editor)
    assert edit(client, source, title="Changed").status_code == 403


def test_a_source_attributed_a_published_recommendation_is_in_public_use(client, editor):
    source = SourceFactory()
    version = DraftVersionFactory()
    PolicyRecommendationFactory(version=version, source=source, authority=None)
    workflow.submit(version, by=version.created_by)
    publish(approve(version))
    client.force_login(editor)
    assert edit(client, source, title="Changed").status_code == 403


def test_editor_cannot_change_an_entity_in_public_use_but_a_publisher_can(client, editor, publisher):
    entity = EntityFactory(name_fr="GRC")
    version = DraftVersionFactory()
    EntityRoleFactory(version=version, entity=entity)
    workflow.submit(version, by=version.created_by)
    publish(approve(version))

    client.force_login(editor)
    assert edit(client, entity, name_fr="Changé").status_code == 403
    client.force_login(publisher)
    assert edit(client, entity, name_fr="Gendarmerie royale du Canada").status_code == 302
    entity.refresh_from_db()
    assert entity.name_fr == "Gendarmerie royale du Canada"


def test_a_parent_term_is_in_public_use_through_its_children(client, editor):
    parent = HarmTypeTermFactory(name_en="Economic harm")
    child = TermFactory(taxonomy=parent.taxonomy, parent=parent, name_en="Fraud")
    unused = TermFactory(taxonomy=parent.taxonomy)
    version = DraftVersionFactory()
    HarmFactory(version=version, harm_type=child)
    workflow.submit(version, by=version.created_by)
    publish(approve(version))

    client.force_login(editor)
    assert edit(client, child, name_fr="Fraude").status_code == 403
    assert edit(client, parent, name_fr="Préjudice économique").status_code == 403
    assert edit(client, unused, name_fr="Inutilisé").status_code == 302


def test_term_mappings_of_a_public_term_are_read_only_for_editors(client, editor):
    term = TermFactory()
    version = DraftVersionFactory()
    ClassificationFactory(version=version, term=term)
    workflow.submit(version, by=version.created_by)
    publish(approve(version))
    client.force_login(editor)
    page = client.get(change_url(term))
    mappings = page.context["inline_admin_formsets"][0]
    assert not (mappings.has_add_permission or mappings.has_change_permission or mappings.has_delete_permission)


def test_editor_adds_reference_rows_freely(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:taxonomy_entity_add"),
        {
            "name_en": "Canadian Centre for Cyber Security",
            "name_fr": "Centre canadien pour la cybersécurité",
            "slug": "cccs",
            "kind": "government",
            "_save": "Save",
        },
    )
    assert response.status_code == 302


def test_editors_do_not_edit_taxonomies(client, editor):
    term = TermFactory()
    client.force_login(editor)
    assert client.get(change_url(term.taxonomy)).status_code == 200
    assert client.post(change_url(term.taxonomy), {"slug": "x", "name_en": "X"}).status_code == 403


def test_public_use_is_listed_with_the_record_ids(client, publisher):
    source = SourceFactory()
    citing = published_citing(source)
    not_citing = PublishedVersionFactory()
    client.force_login(publisher)
    html = client.get(change_url(source)).content.decode()
    assert "Used by 1 published record" in html and citing.record.public_id in html
    assert not_citing.record.public_id not in html


def test_source_search_covers_both_languages_and_bad_filters_are_harmless(client, editor):
    SourceFactory(
        title="Advisory", publisher_en="Royal Canadian Mounted Police", publisher_fr="Gendarmerie royale du Canada"
    )
    SourceFactory(title="Other", publisher_en="BNN Bloomberg", publisher_fr="BNN Bloomberg")
    client.force_login(editor)
    changelist = reverse("admin:evidence_source_changelist")
    response = client.get(changelist, {"q": "Gendarmerie"})
    assert response.context["cl"].result_count == 1
    assert client.get(changelist, {"year": "2025"}).context["cl"].result_count == 2
    assert client.get(changelist, {"year": "not-a-year"}).status_code == 200
    assert client.get(changelist, {"language": "en"}).status_code == 200


def test_term_search_covers_both_languages(client, editor):
    TermFactory(name_en="Fraud", name_fr="Fraude")
    TermFactory(name_en="Privacy", name_fr="Vie privée")
    client.force_login(editor)
    response = client.get(reverse("admin:taxonomy_term_changelist"), {"q": "privée"})
    assert response.context["cl"].result_count == 1


def test_autocomplete_finds_sources_for_an_editor(client, editor):
    SourceFactory(title="Advisory: North Korean IT workers")
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "North Korean", "app_label": "incidents", "model_name": "citation", "field_name": "source"},
    )
    assert response.status_code == 200
    assert next(result["text"] for result in response.json()["results"]).startswith("Advisory: North Korean IT workers")


def test_harm_type_autocomplete_offers_harm_types_only(client, editor):
    HarmTypeTermFactory(name_en="Fraud")
    TermFactory(name_en="Fraud detection", taxonomy__slug="sector")
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "Fraud", "app_label": "incidents", "model_name": "harm", "field_name": "harm_type"},
    )
    assert len(response.json()["results"]) == 1


def test_a_source_history_item_cannot_be_posted_to(client, publisher):
    source = SourceFactory(title="Current title")
    source.title = "Newer title"
    source.save()
    oldest = source.history.earliest()
    client.force_login(publisher)
    url = reverse("admin:evidence_source_simple_history", args=[source.pk, oldest.history_id])
    assert client.get(url).status_code == 200
    data = {"title": "Reverted", "publisher_en": "X", "language": "en", "source_type": "news_report", "_save": "Save"}
    assert client.post(url, data).status_code == 405
    source.refresh_from_db()
    assert source.title == "Newer title"
