"""A policy recommendation made jointly by several authorities (a joint
advisory of five agencies): every authority is credited, on every surface,
and the credit is reviewed, copied and pinned like any other part."""

import csv
import json

import pytest
from django.core.management import call_command

from incidents.models import RecommendationAuthority
from incidents.publishing import workflow
from taxonomy.models import Entity
from tests.admin_helpers import change_form_data, version_url
from tests.factories import (
    DraftVersionFactory,
    EntityFactory,
    PolicyRecommendationFactory,
    RecommendationAuthorityFactory,
    approve,
    full_record,
    publish,
    release,
    revise,
)

pytestmark = pytest.mark.django_db


def joint_recommendation(*partners):
    """A published record whose one recommendation names the RCMP first,
    then ``partners`` (entity names)."""
    draft = DraftVersionFactory()
    recommendation = PolicyRecommendationFactory(
        version=draft,
        authority=EntityFactory(name_en="RCMP", name_fr="GRC"),
        text_en="Verify remote applicants on a live video call.",
        text_fr="Vérifier les candidats à distance lors d’un appel vidéo.",
    )
    for order, (name_en, name_fr) in enumerate(partners):
        RecommendationAuthorityFactory(
            recommendation=recommendation, entity=EntityFactory(name_en=name_en, name_fr=name_fr), order=order
        )
    return release(draft)


PARTNERS = (("Public Safety Canada", "Sécurité publique Canada"), ("FINTRAC", "CANAFE"))


def test_record_page_credits_every_authority_of_a_joint_recommendation(client):
    live = joint_recommendation(*PARTNERS)
    url = f"/incidents/{live.record.public_id}/"
    english = client.get(f"/en{url}").content.decode()
    assert "Recommended by <a" in english
    rcmp, safety, fintrac = (Entity.objects.get(name_en=name) for name in ("RCMP", "Public Safety Canada", "FINTRAC"))
    assert (
        f'<a href="/en/entities/{rcmp.slug}/">RCMP</a>, <a href="/en/entities/{safety.slug}/">Public Safety Canada</a>'
        f' and <a href="/en/entities/{fintrac.slug}/">FINTRAC</a>'
    ) in english
    french = client.get(f"/fr{url}").content.decode()
    assert f'<a href="/fr/entities/{safety.slug}/">Sécurité publique Canada</a> et <a' in french


def test_a_further_authority_has_a_public_page_listing_the_record(client):
    live = joint_recommendation(*PARTNERS)
    safety = Entity.objects.get(name_en="Public Safety Canada")
    response = client.get(f"/en/entities/{safety.slug}/")
    assert response.status_code == 200
    assert live.record.public_id in response.content.decode()


def test_a_revision_copies_further_authorities_onto_its_own_recommendations():
    live = joint_recommendation(*PARTNERS)
    draft = revise(live.record)
    copied = list(draft.recommendation_authorities.order_by("order"))
    assert [row.entity.name_en for row in copied] == ["Public Safety Canada", "FINTRAC"]
    (recommendation,) = draft.recommendations.all()
    assert {row.recommendation_id for row in copied} == {recommendation.pk}
    # The live version keeps its own rows.
    assert live.recommendation_authorities.count() == 2


def test_published_page_shows_a_further_authority_as_reviewed(client):
    live = joint_recommendation(*PARTNERS)
    safety = Entity.objects.get(name_en="Public Safety Canada")
    safety.name_en = "Renamed ministry"
    safety.save()
    html = client.get(f"/en/incidents/{live.record.public_id}/").content.decode()
    assert "Public Safety Canada" in html and "Renamed ministry" not in html


def test_changes_page_shows_an_authority_added_by_a_revision(client):
    live = joint_recommendation(("Public Safety Canada", "Sécurité publique Canada"))
    draft = revise(live.record)
    RecommendationAuthorityFactory(
        recommendation=draft.recommendations.get(),
        entity=EntityFactory(name_en="Global Affairs Canada", name_fr="Affaires mondiales Canada"),
        order=5,
    )
    workflow.submit(draft, by=draft.created_by)
    publish(approve(draft), note=("Credited Global Affairs Canada", "Affaires mondiales Canada créditées"))
    html = client.get(f"/en/incidents/{live.record.public_id}/changes/?from=1&to=2").content.decode()
    assert "Global Affairs Canada, for: Verify remote applicants on a live video call." in html
    assert "Public Safety Canada, for:" not in html  # unchanged: not listed


def test_api_lists_every_authority_first_named_first(client):
    live = joint_recommendation(*PARTNERS)
    answer = client.get(f"/api/v1/records/{live.record.public_id}/").json()
    (recommendation,) = answer["recommendations"]
    assert recommendation["authority"]["name"]["en"] == "RCMP"
    assert [entity["name"]["en"] for entity in recommendation["authorities"]] == [
        "RCMP",
        "Public Safety Canada",
        "FINTRAC",
    ]


def test_export_has_a_row_per_further_authority(tmp_path):
    live = joint_recommendation(*PARTNERS)
    call_command("export_records", str(tmp_path))
    with open(tmp_path / "recommendation_authorities.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    slugs = [Entity.objects.get(name_en=name).slug for name in ("Public Safety Canada", "FINTRAC")]
    assert [(row["record_id"], row["recommendation_position"], row["entity"]) for row in rows] == [
        (live.record.public_id, "1", slugs[0]),
        (live.record.public_id, "1", slugs[1]),
    ]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["schema_version"].split(".")[0] == "1"  # 1.1 added the file; later minor versions keep it


def test_editor_credits_a_further_authority_from_the_version_editor(client, editor):
    client.force_login(editor)
    draft = DraftVersionFactory(created_by=editor)
    recommendation = PolicyRecommendationFactory(version=draft, authority=EntityFactory(name_en="RCMP"))
    partner = EntityFactory(name_en="FINTRAC")
    data = change_form_data(client.get(version_url(draft)))
    data.update(
        {
            "recommendation_authorities-TOTAL_FORMS": "1",
            "recommendation_authorities-0-recommendation": str(recommendation.pk),
            "recommendation_authorities-0-entity": str(partner.pk),
            "recommendation_authorities-0-order": "0",
        }
    )
    response = client.post(version_url(draft), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    (row,) = RecommendationAuthority.objects.filter(version=draft)
    assert row.recommendation == recommendation and row.entity == partner
    assert row.history.get().history_user == editor


def test_version_editor_refuses_a_recommendation_of_another_version(client, editor):
    client.force_login(editor)
    draft = DraftVersionFactory(created_by=editor)
    PolicyRecommendationFactory(version=draft)
    elsewhere = PolicyRecommendationFactory()
    data = change_form_data(client.get(version_url(draft)))
    data.update(
        {
            "recommendation_authorities-TOTAL_FORMS": "1",
            "recommendation_authorities-0-recommendation": str(elsewhere.pk),
            "recommendation_authorities-0-entity": str(EntityFactory().pk),
            "recommendation_authorities-0-order": "0",
        }
    )
    response = client.post(version_url(draft), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not RecommendationAuthority.objects.exists()


def test_full_record_factory_has_a_joint_recommendation():
    live = full_record()
    assert live.recommendation_authorities.count() == 1
