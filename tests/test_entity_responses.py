"""Right of reply: an entity named in a record answers it. An editor records
the response (its text in both languages, its date, the link to the official
statement) on a version, reviewed like any change; the record page shows it
in a section of its own, "Response from <entity>", as the entity's own words."""

import csv
import datetime
import hashlib
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone

from api import export
from incidents import rules
from incidents.models import EntityResponse, Record, Role
from incidents.publishing import workflow
from tests.admin_helpers import change_form_data, version_url
from tests.factories import (
    DraftVersionFactory,
    EntityFactory,
    EntityResponseFactory,
    EntityRoleFactory,
    SuperuserFactory,
    approve,
    publish,
    release,
    revise,
)
from tests.review_helpers import preview_url, review_url

pytestmark = pytest.mark.django_db

STATEMENT = "https://example.org/clearview/statement"


def responded(**fields):
    """A published record whose v1 carries a response from the entity
    "Clearview AI" (its deployer), in both languages unless ``fields`` say."""
    draft = DraftVersionFactory()
    entity = EntityFactory(name_en="Clearview AI", name_fr="Clearview IA")
    EntityResponseFactory(
        version=draft,
        entity=entity,
        text_en=fields.pop("text_en", "We **dispute** the findings and have changed our practices."),
        text_fr=fields.pop("text_fr", "Nous **contestons** les conclusions et avons changé nos pratiques."),
        responded_on=datetime.date(2026, 3, 2),
        url=fields.pop("url", STATEMENT),
        **fields,
    )
    return release(draft)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# The record page ---------------------------------------------------------------------------


def test_record_page_shows_the_response_in_its_own_section_in_english(client):
    live = responded()
    html = page(client, f"/en/incidents/{live.record.public_id}/")
    assert '<h2 id="response-1-heading">Response from Clearview AI</h2>' in html
    assert '<section class="response" aria-labelledby="response-1-heading">' in html
    # Markdown, rendered and sanitized.
    assert "We <strong>dispute</strong> the findings" in html
    assert '<time datetime="2026-03-02">March 2, 2026</time>' in html
    assert f'<a href="{STATEMENT}">Official statement</a>' in html


def test_record_page_shows_the_response_in_french_with_french_typography(client):
    live = responded()
    html = page(client, f"/fr/incidents/{live.record.public_id}/")
    assert '<h2 id="response-1-heading">Réponse de Clearview IA</h2>' in html
    assert "Nous <strong>contestons</strong> les conclusions" in html
    assert "Dans les propres mots de l’entité." in html
    assert '<time datetime="2026-03-02">2 mars 2026</time>' in html
    assert f'<a href="{STATEMENT}">Déclaration officielle</a>' in html
    assert "Response from" not in html and "Official statement" not in html


def test_french_heading_elides_before_a_vowel(client):
    draft = DraftVersionFactory()
    EntityResponseFactory(version=draft, entity=EntityFactory(name_en="Air Canada", name_fr="Air Canada"))
    live = release(draft)
    html = page(client, f"/fr/incidents/{live.record.public_id}/")
    assert '<h2 id="response-1-heading">Réponse d’Air Canada</h2>' in html
    assert "Response from Air Canada" in page(client, f"/en/incidents/{live.record.public_id}/")


def test_response_is_marked_as_the_entitys_own_words_not_checked_for_accuracy(client):
    live = responded()
    html = page(client, f"/en/incidents/{live.record.public_id}/")
    section = html[html.index('<section class="response"') :]
    section = section[: section.index("</section>")]
    assert f'<blockquote class="response__text" cite="{STATEMENT}">' in section
    assert "In the entity’s own words." in section
    assert "recorded faithfully, not that what it says is accurate" in section


def test_untranslated_response_is_marked_on_the_french_page(client):
    live = responded(text_fr="")
    html = page(client, f"/fr/incidents/{live.record.public_id}/")
    assert '<div class="untranslated"><p class="untranslated-note">Pas encore traduit en français</p>' in html
    assert '<div lang="en"><p>We <strong>dispute</strong>' in html


def test_a_statement_address_that_is_not_a_web_address_is_never_a_link(client):
    live = responded(url="javascript:alert(1)")
    html = page(client, f"/en/incidents/{live.record.public_id}/")
    assert "javascript:" not in html
    assert "Official statement" not in html
    assert '<blockquote class="response__text">' in html


def test_raw_html_in_a_response_is_inert(client):
    live = responded(text_en='<script>alert(1)</script> <img src=x onerror="alert(1)">')
    html = page(client, f"/en/incidents/{live.record.public_id}/")
    # Shown as the text it is, never as markup.
    assert "<script>alert" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_record_without_response_has_no_response_section(client):
    live = release(DraftVersionFactory())
    html = page(client, f"/en/incidents/{live.record.public_id}/")
    assert 'class="response"' not in html


# Only what was reviewed and published -------------------------------------------------------


def test_a_response_added_in_a_revision_shows_only_once_published(client):
    live = release(DraftVersionFactory())
    role = EntityRoleFactory(version=live, entity=EntityFactory(name_en="Acme"))
    draft = revise(live.record)
    EntityResponseFactory(version=draft, entity=role.entity, text_en="Pending words of Acme.")
    url = f"/en/incidents/{live.record.public_id}/"
    assert "Pending words of Acme" not in page(client, url)
    assert "Pending words of Acme" not in client.get(f"/api/v1/records/{live.record.public_id}/").content.decode()
    workflow.submit(draft, by=draft.created_by)
    assert "Pending words of Acme" not in page(client, url)
    publish(approve(draft), note=("Acme responded", "Réponse d’Acme"))
    assert "Pending words of Acme" in page(client, url)
    # v1 stays as it was published.
    assert "Pending words of Acme" not in page(client, f"/en/incidents/{live.record.public_id}/v1/")


def test_a_draft_records_response_is_not_public(client):
    draft = DraftVersionFactory()
    EntityResponseFactory(version=draft, text_en="Draft words.")
    assert client.get("/api/v1/records/?limit=100").json()["results"] == []
    assert "Draft words" not in client.get("/en/incidents/").content.decode()


def test_published_page_shows_the_responding_entity_as_reviewed(client):
    live = responded()
    entity = live.responses.get().entity
    entity.name_en = "Renamed company"
    entity.save()
    html = page(client, f"/en/incidents/{live.record.public_id}/")
    assert "Response from Clearview AI" in html and "Renamed company" not in html


# The staff's screens: the preview and the review screen -------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_staff_preview_shows_a_response_under_review_as_readers_will_see_it(client, reviewer, lang):
    live = release(DraftVersionFactory())
    draft = revise(live.record)
    EntityResponseFactory(version=draft, entity=EntityFactory(name_en="Acme", name_fr="Acmé"))
    workflow.submit(draft, by=draft.created_by)
    client.force_login(reviewer)
    html = page(client, preview_url(draft, lang))
    heading = {"en": "Response from Acme", "fr": "Réponse d’Acmé"}[lang]
    assert f'<h2 id="response-1-heading">{heading}</h2>' in html
    assert '<blockquote class="response__text"' in html


def test_review_screen_lists_the_added_response(client, reviewer):
    live = release(DraftVersionFactory())
    draft = revise(live.record)
    EntityResponseFactory(
        version=draft, entity=EntityFactory(name_en="Acme", name_fr="Acmé"), responded_on=datetime.date(2026, 4, 1)
    )
    workflow.submit(draft, by=draft.created_by)
    client.force_login(reviewer)
    html = page(client, review_url(draft))
    assert "Responses from entities" in html
    assert "Response from Acme (April 1, 2026)" in html
    assert "Réponse d’Acmé (1er avril 2026)" in html


# Revisions and changes ------------------------------------------------------------------------


def test_a_revision_copies_the_response_unpinned():
    live = responded()
    draft = revise(live.record)
    (copy,) = draft.responses.all()
    (original,) = live.responses.all()
    assert copy.pk != original.pk
    assert (copy.entity_id, copy.text_en, copy.text_fr, copy.responded_on, copy.url) == (
        original.entity_id,
        original.text_en,
        original.text_fr,
        original.responded_on,
        original.url,
    )
    assert original.entity_state_id is not None and copy.entity_state_id is None


def test_changes_page_shows_an_added_response(client):
    live = release(DraftVersionFactory())
    draft = revise(live.record)
    EntityResponseFactory(
        version=draft, entity=EntityFactory(name_en="Acme", name_fr="Acmé"), responded_on=datetime.date(2026, 4, 1)
    )
    workflow.submit(draft, by=draft.created_by)
    publish(approve(draft), note=("Acme responded", "Réponse d’Acmé"))
    url = f"/incidents/{live.record.public_id}/changes/?from=1&to=2"
    english = page(client, f"/en{url}")
    assert "Responses from entities" in english
    assert "Response from Acme (April 1, 2026)" in english
    french = page(client, f"/fr{url}")
    assert "Réponses des entités" in french
    assert "Réponse d’Acmé (1er avril 2026)" in french


def test_changes_page_shows_a_corrected_response_text(client):
    live = responded()
    draft = revise(live.record)
    copy = draft.responses.get()
    copy.text_en = "We dispute the findings."
    copy.save()
    workflow.submit(draft, by=draft.created_by)
    publish(approve(draft), note=("Response corrected", "Réponse corrigée"))
    html = page(client, f"/en/incidents/{live.record.public_id}/changes/?from=1&to=2")
    assert "Response from Clearview AI (March 2, 2026)" in html
    assert "have changed our practices" in html  # the old text, shown as removed


# The rule: only an entity the version names may respond -----------------------------------------


def test_model_refuses_a_response_from_an_entity_the_version_does_not_name():
    draft = DraftVersionFactory()
    stranger = EntityFactory(name_en="Stranger")
    response = EntityResponse(version=draft, entity=stranger, text_en="Hello.", responded_on=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError) as error:
        response.full_clean()
    assert "Only an entity named in this version can respond" in str(error.value)
    EntityRoleFactory(version=draft, entity=stranger, role=Role.DEPLOYER)
    response.full_clean()


def test_model_refuses_a_response_dated_in_the_future():
    role = EntityRoleFactory()
    response = EntityResponse(
        version=role.version,
        entity=role.entity,
        text_en="Hello.",
        responded_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    with pytest.raises(ValidationError) as error:
        response.full_clean()
    assert "responded_on" in error.value.message_dict


def test_database_refuses_two_responses_of_one_entity_on_one_day():
    first = EntityResponseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        EntityResponseFactory(version=first.version, entity=first.entity, responded_on=first.responded_on)


def test_a_version_whose_response_names_no_entity_of_it_cannot_be_submitted():
    response = EntityResponseFactory(role=False, entity=EntityFactory(name_en="Stranger"))
    problems = rules.submission_problems(response.version)
    assert problems == ["A response is from Stranger, which this version does not name under “Entities involved”."]
    with pytest.raises(workflow.WorkflowError):
        workflow.submit(response.version, by=response.version.created_by)


# The version editor -------------------------------------------------------------------------------


def _response_rows(entity, date="2026-03-02", url=STATEMENT):
    return {
        "responses-TOTAL_FORMS": "1",
        "responses-0-entity": str(entity.pk),
        "responses-0-responded_on": date,
        "responses-0-text_en": "We disagree with this account.",
        "responses-0-text_fr": "Nous ne sommes pas d’accord avec ce récit.",
        "responses-0-url": url,
        "responses-0-order": "0",
    }


def test_editor_records_a_response_from_an_entity_the_version_names(client, editor):
    client.force_login(editor)
    draft = DraftVersionFactory(created_by=editor)
    role = EntityRoleFactory(version=draft, role=Role.DEVELOPER)
    data = change_form_data(client.get(version_url(draft)))
    data.update(_response_rows(role.entity))
    response = client.post(version_url(draft), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    (row,) = EntityResponse.objects.filter(version=draft)
    assert (row.entity, row.text_fr, row.responded_on, row.url) == (
        role.entity,
        "Nous ne sommes pas d’accord avec ce récit.",
        datetime.date(2026, 3, 2),
        STATEMENT,
    )
    assert row.history.get().history_user == editor
    assert editor.pk in draft.contributor_ids()


def test_editor_names_the_entity_and_records_its_response_in_one_save(client, editor):
    client.force_login(editor)
    draft = DraftVersionFactory(created_by=editor)
    entity = EntityFactory()
    data = change_form_data(client.get(version_url(draft)))
    data.update(
        {
            "entity_roles-TOTAL_FORMS": "1",
            "entity_roles-0-entity": str(entity.pk),
            "entity_roles-0-role": Role.DEPLOYER,
            "entity_roles-0-order": "0",
        }
    )
    data.update(_response_rows(entity))
    response = client.post(version_url(draft), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert EntityResponse.objects.filter(version=draft, entity=entity).exists()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_editor_is_refused_a_response_from_an_entity_not_named(client, editor, lang):
    client.force_login(editor)
    draft = DraftVersionFactory(created_by=editor)
    EntityRoleFactory(version=draft)
    stranger = EntityFactory()
    data = change_form_data(client.get(version_url(draft), HTTP_ACCEPT_LANGUAGE=lang))
    data.update(_response_rows(stranger))
    response = client.post(version_url(draft), data, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    html = response.content.decode()
    if lang == "fr":
        assert "Seule une entité nommée dans cette version peut répondre\u00a0: ajoutez-la d’abord" in html
    else:
        assert "Only an entity named in this version can respond: add it under" in html
    assert not EntityResponse.objects.exists()


def test_editor_is_refused_a_response_when_the_same_save_removes_the_entitys_role(client, editor):
    client.force_login(editor)
    draft = DraftVersionFactory(created_by=editor)
    response_row = EntityResponseFactory(version=draft)
    data = change_form_data(client.get(version_url(draft)), **{"entity_roles-0-DELETE": "on"})
    response = client.post(version_url(draft), data)
    assert response.status_code == 200
    assert "Only an entity named in this version can respond" in response.content.decode()
    assert draft.entity_roles.filter(entity=response_row.entity).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"responses-0-url": "javascript:alert(1)"}, "Enter a web address"),
        ({"responses-0-responded_on": "not a date"}, "Enter a valid date."),
        ({"responses-0-text_en": ""}, "This field is required."),
    ],
)
def test_editor_gets_a_clear_message_for_bad_input(client, editor, changes, message):
    client.force_login(editor)
    draft = DraftVersionFactory(created_by=editor)
    role = EntityRoleFactory(version=draft)
    data = change_form_data(client.get(version_url(draft)))
    data.update(_response_rows(role.entity))
    data.update(changes)
    response = client.post(version_url(draft), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not EntityResponse.objects.exists()


# API, export, restore -----------------------------------------------------------------------------


def test_api_gives_the_responses(client):
    live = responded()
    answer = client.get(f"/api/v1/records/{live.record.public_id}/").json()
    (response,) = answer["responses"]
    assert response["entity"]["name"] == {"en": "Clearview AI", "fr": "Clearview IA"}
    assert response["text"]["en"]["text"] == "We **dispute** the findings and have changed our practices."
    assert response["text"]["fr"]["text"] == "Nous **contestons** les conclusions et avons changé nos pratiques."
    assert response["date"] == "2026-03-02"
    assert response["url"] == STATEMENT


def test_api_gives_no_link_for_an_address_that_is_not_a_web_address(client):
    live = responded(url="javascript:alert(1)")
    (response,) = client.get(f"/api/v1/records/{live.record.public_id}/").json()["responses"]
    assert response["url"] is None


def test_export_has_a_row_per_response_and_schema_1_3(tmp_path):
    live = responded()
    call_command("export_records", str(tmp_path))
    with open(tmp_path / "responses.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    entity = live.responses.get().entity
    assert rows == [
        {
            "record_id": live.record.public_id,
            "version": "1",
            "position": "1",
            "entity": entity.slug,
            "date": "2026-03-02",
            "text_en": "We **dispute** the findings and have changed our practices.",
            "text_fr": "Nous **contestons** les conclusions et avons changé nos pratiques.",
            "url": STATEMENT,
        }
    ]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["schema_version"] == export.SCHEMA_VERSION == "1.3"
    assert "responses.csv" in manifest["files"]


def _restore(directory, user):
    out = io.StringIO()
    call_command("import_records", "--format", "dossier", str(directory), "--as", user.username, stdout=out)
    return out.getvalue()


def _emptied(live):
    """Remove the record exported, as a database being restored would not have it."""
    record = Record.objects.get(pk=live.record_id)
    public_id = record.public_id
    call_command("flush", interactive=False, verbosity=0)
    return public_id


@pytest.mark.django_db(transaction=True)
def test_restore_brings_the_response_back(tmp_path):
    live = responded()
    export.export(tmp_path)
    entity_slug = live.responses.get().entity.slug
    public_id = _emptied(live)
    report = _restore(tmp_path, SuperuserFactory())
    assert "0 refused" in report, report
    restored = Record.objects.get(public_id=public_id).live_version
    (response,) = restored.responses.all()
    assert response.entity.slug == entity_slug
    assert response.text_fr == "Nous **contestons** les conclusions et avons changé nos pratiques."
    assert (response.responded_on, response.url) == (datetime.date(2026, 3, 2), STATEMENT)


@pytest.mark.django_db(transaction=True)
def test_restore_reads_an_export_from_before_responses(tmp_path):
    live = responded()
    export.export(tmp_path)
    # An export of schema 1.2 had no "responses" key.
    lines = (tmp_path / "records.jsonl").read_text(encoding="utf-8").splitlines()
    older = []
    for line in lines:
        data = json.loads(line)
        for version in data.get("versions", []):
            version.pop("responses", None)
        older.append(json.dumps(data, ensure_ascii=False))
    (tmp_path / "records.jsonl").write_text("\n".join(older) + "\n", encoding="utf-8")
    # ... nor a responses.csv.
    (tmp_path / "responses.csv").unlink()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["schema_version"] = "1.2"
    del manifest["files"]["responses.csv"]
    manifest["files"]["records.jsonl"]["sha256"] = hashlib.sha256((tmp_path / "records.jsonl").read_bytes()).hexdigest()
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    public_id = _emptied(live)
    report = _restore(tmp_path, SuperuserFactory())
    assert "0 refused" in report, report
    assert not Record.objects.get(public_id=public_id).live_version.responses.exists()


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_an_export_of_schema_1_2_without_its_responses_file(tmp_path):
    responded()
    export.export(tmp_path)
    (tmp_path / "responses.csv").unlink()
    with pytest.raises(CommandError, match=r"lacks responses\.csv"):
        _restore(tmp_path, SuperuserFactory())
