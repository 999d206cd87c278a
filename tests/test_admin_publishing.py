"""Publishing and withdrawing from the admin."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from incidents.models import Action, Status, WorkflowEvent
from incidents.publishing import workflow
from tests.factories import (
    ApprovedVersionFactory,
    DraftVersionFactory,
    InReviewVersionFactory,
    PublishedVersionFactory,
    approve,
    record_of,
    revise,
)

pytestmark = pytest.mark.django_db


def publish_url(version):
    return reverse("admin:incidents_recordversion_publish", args=[version.pk])


def withdraw_url(record):
    return reverse("admin:incidents_record_withdraw", args=[record.pk])


NOTES = {"change_note_en": "Initial publication", "change_note_fr": "Première publication"}
REASONS = {"reason_en": "Duplicate of INC-0002.", "reason_fr": "Doublon de INC-0002.", "confirm": "on"}


def test_publisher_publishes_an_approved_version_with_its_change_note(
    client, publisher, django_capture_on_commit_callbacks
):
    version = ApprovedVersionFactory()
    client.force_login(publisher)
    change_page = client.get(reverse("admin:incidents_recordversion_change", args=[version.pk])).content.decode()
    assert publish_url(version) in change_page

    page = client.get(publish_url(version))
    assert page.status_code == 200 and "version 1" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(publish_url(version), NOTES)
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.status, version.number, version.change_note_fr) == (Status.PUBLISHED, 1, "Première publication")
    assert record_of(version).live_version == version
    assert mail.outbox, "the authors and reviewers are told"


def test_the_change_note_is_required_in_both_languages(client, publisher):
    version = ApprovedVersionFactory()
    client.force_login(publisher)
    response = client.post(publish_url(version), {"change_note_en": "Initial publication", "change_note_fr": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert "Initial publication" in response.content.decode(), "what the publisher typed is kept"
    version.refresh_from_db()
    assert version.status == Status.APPROVED


@override_settings(DOSSIER_REQUIRE_FRENCH_TO_PUBLISH=True)
def test_setting_can_require_the_french_text_before_publishing(client, publisher):
    version = ApprovedVersionFactory(narrative_fr="")
    client.force_login(publisher)
    response = client.post(publish_url(version), NOTES)
    assert response.status_code == 200
    assert "The French text is incomplete" in response.content.decode()
    version.refresh_from_db()
    assert version.status == Status.APPROVED


@pytest.mark.parametrize("factory", [DraftVersionFactory, InReviewVersionFactory, PublishedVersionFactory])
def test_only_an_approved_version_can_be_published(client, publisher, factory):
    version = factory()
    status_before = version.status
    client.force_login(publisher)
    assert "Only an approved version can be published" in client.get(publish_url(version)).content.decode()
    response = client.post(publish_url(version), NOTES)
    assert response.status_code == 200
    version.refresh_from_db()
    assert version.status == status_before


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_non_publishers_get_403_on_the_publish_page(client, request, role):
    version = ApprovedVersionFactory()
    client.force_login(request.getfixturevalue(role))
    assert client.get(publish_url(version)).status_code == 403
    assert client.post(publish_url(version), NOTES).status_code == 403
    version.refresh_from_db()
    assert version.status == Status.APPROVED


def test_publisher_withdraws_a_published_record_with_reasons_in_both_languages(client, publisher):
    record = record_of(PublishedVersionFactory())
    client.force_login(publisher)
    assert (
        withdraw_url(record) in client.get(reverse("admin:incidents_record_change", args=[record.pk])).content.decode()
    )
    response = client.post(withdraw_url(record), REASONS)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.is_withdrawn and record.withdrawal_reason_fr == "Doublon de INC-0002."
    assert WorkflowEvent.objects.filter(record=record, action=Action.WITHDRAWN, actor=publisher).exists()
    assert client.get(f"/fr/incidents/{record.public_id}/").status_code == 410


@pytest.mark.parametrize("missing", ["reason_en", "reason_fr", "confirm"])
def test_withdrawal_needs_both_reasons_and_a_confirmation(client, publisher, missing):
    record = record_of(PublishedVersionFactory())
    client.force_login(publisher)
    data = {key: value for key, value in REASONS.items() if key != missing}
    response = client.post(withdraw_url(record), data)
    assert response.status_code == 200
    record.refresh_from_db()
    assert not record.is_withdrawn


def test_a_draft_record_cannot_be_withdrawn(client, publisher):
    record = record_of(DraftVersionFactory())
    client.force_login(publisher)
    response = client.post(withdraw_url(record), REASONS)
    assert response.status_code == 200
    assert "Only a published record" in response.content.decode()


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_non_publishers_get_403_on_the_withdraw_page(client, request, role):
    record = record_of(PublishedVersionFactory())
    client.force_login(request.getfixturevalue(role))
    assert client.get(withdraw_url(record)).status_code == 403
    assert client.post(withdraw_url(record), REASONS).status_code == 403
    record.refresh_from_db()
    assert not record.is_withdrawn


def test_publish_and_withdraw_need_the_csrf_token(publisher):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(publisher)
    version = ApprovedVersionFactory()
    assert client.post(publish_url(version), NOTES).status_code == 403
    record = record_of(PublishedVersionFactory())
    assert client.post(withdraw_url(record), REASONS).status_code == 403


def test_the_publish_page_shows_the_sign_offs_what_changed_and_the_previews(client, publisher):
    live = PublishedVersionFactory(summary_en="The old summary.")
    draft = revise(record_of(live))
    draft.summary_en = "The corrected summary."
    draft.save()
    workflow.submit(draft, by=draft.created_by)
    approved = approve(draft)
    client.force_login(publisher)
    html = client.get(publish_url(approved)).content.decode()
    assert html.count('class="sign-off sign-off--approve') == 2
    assert "What changed since v1" in html and "<ins>corrected</ins>" in html
    for lang in ("en", "fr"):
        assert f"/admin/incidents/recordversion/{approved.pk}/preview/{lang}/" in html
    assert 'name="change_note_en"' in html


def test_the_review_screen_of_an_approved_version_leads_publishers_to_publish(client, publisher, reviewer):
    approved = ApprovedVersionFactory()
    review = reverse("admin:incidents_recordversion_review", args=[approved.pk])
    client.force_login(publisher)
    assert f'href="{publish_url(approved)}"' in client.get(review).content.decode()
    client.force_login(reviewer)
    assert publish_url(approved) not in client.get(review).content.decode()


def test_the_publish_page_warns_of_french_left_behind_by_an_english_change(client, publisher):
    live = PublishedVersionFactory(summary_en="The old summary.", summary_fr="L’ancien résumé.")
    draft = revise(record_of(live))
    draft.summary_en = "The corrected summary."
    draft.save()
    workflow.submit(draft, by=draft.created_by)
    approved = approve(draft)
    client.force_login(publisher)
    html = client.get(publish_url(approved)).content.decode()
    assert "1 French text may be out of date" in html
