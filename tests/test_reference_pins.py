"""
Reviewed means pinned: what a version shows of shared reference data
(sources, entities, terms, taxonomies) is what its reviewers saw.

- An edit to a row shown by a version in review or approved voids its
  sign-offs and starts its review again, with the change; its authors and
  reviewers are told why, and whoever changed the row may not review it.
- A published version shows the rows as reviewed, forever: its permalink,
  citation files, JSON-LD and the changes page.
- A correction reaches live records only through new, reviewed versions,
  which publishers start from the row's admin page; readers see it in the
  changelog and on the changes page.
"""

import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from incidents import pins
from incidents.models import Action, Check, Decision, Status
from incidents.publishing import workflow
from incidents.publishing.workflow import WorkflowError
from tests.admin_helpers import change_form_data
from tests.factories import (
    CitationFactory,
    DraftVersionFactory,
    EditorFactory,
    EntityFactory,
    EntityRoleFactory,
    SourceFactory,
    approve,
    publish,
    record_of,
)

pytestmark = pytest.mark.django_db

OLD_URL = "https://www.rcmp.gc.ca/advisory"
NEW_URL = "https://evil.example/phish"


def citing(source, **fields):
    draft = DraftVersionFactory(**fields)
    CitationFactory(version=draft, source=source, is_primary=True, key="rcmp-2025")
    draft.narrative_en = draft.narrative_fr = "As the advisory says [@rcmp-2025]."
    draft._history_user = draft.created_by
    draft.save()
    return draft


def submitted(draft):
    return workflow.submit(draft, by=draft.created_by)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def admin_edit(client, obj, **changes):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return client.post(url, change_form_data(client.get(url), **changes))


# Under review ------------------------------------------------------------------------------


def test_pins_are_taken_when_a_version_is_submitted():
    source = SourceFactory(url=OLD_URL)
    draft = citing(source)
    assert draft.citations.get().source_state is None  # a draft shows the row as it is
    version = submitted(draft)
    assert version.citations.get().source_state == source.history.latest()


def test_source_edit_after_approval_voids_sign_offs(client, editor, reviewer, other_reviewer):
    source = SourceFactory(url=OLD_URL)
    version = approve(submitted(citing(source)), reviewer, other_reviewer)
    assert version.status == Status.APPROVED
    mail.outbox.clear()
    client.force_login(editor)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda callback, *a, **k: callback())
        assert admin_edit(client, source, url=NEW_URL).status_code == 302
    version.refresh_from_db()
    assert version.status == Status.IN_REVIEW
    assert not version.sign_offs.filter(voided_at__isnull=True).exists()
    event = version.events.first()
    assert (event.action, event.actor) == (Action.REVIEW_RESTARTED, editor)
    assert version.citations.get().source_state == source.history.latest()  # pinned to what is now reviewed
    told = {message.to[0] for message in mail.outbox}
    assert {version.created_by.email, reviewer.email, other_reviewer.email} <= told
    assert editor.pk in version.contributor_ids()  # changed it for this version: may not review it


def test_entity_rename_between_sign_offs_restarts_the_review(reviewer, other_reviewer):
    entity = EntityFactory(name_en="Royal Canadian Mounted Police")
    draft = DraftVersionFactory()
    EntityRoleFactory(version=draft, entity=entity)
    version = submitted(draft)
    workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    round_before = workflow.review_round(version)
    entity.name_en = "A renamed agency"
    restarted = workflow.change_reference(entity, by=EditorFactory())
    assert restarted == [version]
    version.refresh_from_db()
    assert version.status == Status.IN_REVIEW and workflow.review_round(version) != round_before
    assert not version.sign_offs.filter(voided_at__isnull=True).exists()
    # Both checks are to be signed again, with the new name in view.
    for check in Check.values:
        assert rules_allow_sign_off(version, other_reviewer, check)


def rules_allow_sign_off(version, user, check):
    from incidents import rules

    return rules.sign_off_refusal(version, user, check) is None


def test_a_reviewer_who_changed_a_shown_row_cannot_review_the_version(reviewer):
    source = SourceFactory(url=OLD_URL)
    version = submitted(citing(source))
    source.url = NEW_URL
    source._history_user = reviewer
    source.save()  # around the admin, on purpose: the history still knows who
    with pytest.raises(PermissionDenied):
        workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)


def test_an_edit_around_the_workflow_cannot_be_published_unreviewed(publisher):
    source = SourceFactory(url=OLD_URL)
    version = approve(submitted(citing(source)))
    source.url = NEW_URL
    source.save()  # a shell or a script, not the admin: no review restarted
    with pytest.raises(WorkflowError, match="changed since this version was submitted"):
        publish(version, publisher)


def test_reviewers_see_the_reference_change_on_the_review_screen(client, reviewer, publisher):
    source = SourceFactory(url=OLD_URL)
    live = publish(approve(submitted(citing(source))))
    revision = workflow.start_revision(live.record, by=live.created_by)
    source.url = NEW_URL
    workflow.change_reference(source, by=publisher)
    submitted(revision)
    client.force_login(reviewer)
    html = page(client, reverse("admin:incidents_recordversion_review", args=[revision.pk]))
    assert "Source: URL" in html and "rcmp.gc.ca" in html and "phish" in html  # a word diff of the two URLs


# Published: pinned forever ------------------------------------------------------------------


def test_v1_permalink_keeps_source_as_reviewed(client, publisher):
    source = SourceFactory(title="Joint advisory", url=OLD_URL, archived_url="")
    live = publish(approve(submitted(citing(source))))
    record = record_of(live)
    urls = [
        f"/en/incidents/{record.public_id}/",
        f"/en/incidents/{record.public_id}/v1/",
        f"/fr/incidents/{record.public_id}/v1/",
        f"/en/incidents/{record.public_id}/v1/cite.json",
    ]
    before = {url: page(client, url) for url in urls}
    client.force_login(publisher)
    assert (
        admin_edit(client, source, url=NEW_URL, archived_url="https://web.archive.org/x", title="Renamed").status_code
        == 302
    )
    client.logout()
    for url in urls:
        assert page(client, url) == before[url], url
    jsonld = before[urls[1]].split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert OLD_URL in json.dumps(json.loads(jsonld))


def test_reference_pages_show_the_row_as_reviewed(client, publisher):
    source = SourceFactory(title="Joint advisory", url=OLD_URL)
    publish(approve(submitted(citing(source))))
    source.title = "Unreviewed new title"
    workflow.change_reference(source, by=publisher)
    html = page(client, f"/en/sources/{source.pk}/")
    assert "Joint advisory" in html and "Unreviewed new title" not in html


# Corrections --------------------------------------------------------------------------------


def test_correction_reaches_live_records_only_through_review(client, publisher, reviewer, other_reviewer):
    source = SourceFactory(title="Joint advisory", url=OLD_URL, archived_url="")
    live = publish(approve(submitted(citing(source))))
    record = record_of(live)
    archive = "https://web.archive.org/web/2025/advisory"
    client.force_login(publisher)
    assert admin_edit(client, source, archived_url=archive).status_code == 302
    admin_page = page(client, reverse("admin:evidence_source_change", args=[source.pk]))
    assert record.public_id in admin_page and "Start new versions of these records" in admin_page

    response = client.post(reverse("admin:evidence_source_start_corrections", args=[source.pk]))
    assert response.status_code == 302
    draft = record.versions.get(status=Status.DRAFT)
    assert "Joint advisory" in draft.change_note_en and "Joint advisory" in draft.change_note_fr
    client.logout()
    assert archive not in page(client, f"/en/incidents/{record.public_id}/")  # not reviewed yet

    submitted_draft = workflow.submit(draft, by=EditorFactory())
    publish(
        approve(submitted_draft, reviewer, other_reviewer), publisher, note=(draft.change_note_en, draft.change_note_fr)
    )
    current = page(client, f"/en/incidents/{record.public_id}/")
    assert archive in current and draft.change_note_en in current  # the changelog says what was corrected
    assert archive not in page(client, f"/en/incidents/{record.public_id}/v1/")
    changes = page(client, f"/en/incidents/{record.public_id}/changes/?from=1&to=2")
    assert "Source: archived URL" in changes and archive in changes


def test_only_publishers_start_corrections(editor):
    source = SourceFactory(url=OLD_URL)
    publish(approve(submitted(citing(source))))
    source.url = NEW_URL
    source.save()
    with pytest.raises(PermissionDenied):
        workflow.start_corrections(source, by=editor)


def test_records_with_a_version_in_progress_are_left_to_it(publisher):
    source = SourceFactory(url=OLD_URL)
    live = publish(approve(submitted(citing(source))))
    other = publish(approve(submitted(citing(source))))
    workflow.start_revision(record_of(other), by=other.created_by)
    source.url = NEW_URL
    workflow.change_reference(source, by=publisher)
    drafts = workflow.start_corrections(source, by=publisher)
    assert [draft.record for draft in drafts] == [record_of(live)]


def test_public_state_falls_back_to_the_row_when_nothing_published_pins_it():
    source = SourceFactory(title="Only in a draft")
    citing(source)
    assert pins.public_state(source) is source


def test_reviewer_queues_offer_the_restarted_review_again(reviewer, other_reviewer):
    source = SourceFactory(url=OLD_URL)
    version = submitted(citing(source))
    workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    from incidents import rules

    assert version not in rules.versions_to_sign_off(reviewer, Check.FACTUALITY)
    source.url = NEW_URL
    workflow.change_reference(source, by=EditorFactory())
    assert version in rules.versions_to_sign_off(reviewer, Check.NEUTRALITY)
    assert version in rules.versions_to_sign_off(other_reviewer, Check.FACTUALITY)


def test_a_new_row_is_saved_without_restarting_anything(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:evidence_source_add"))
    assert response.status_code == 200
