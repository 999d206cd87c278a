"""Every rule of the workflow, and every refusal."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from incidents.models import (
    Action,
    Check,
    Citation,
    Classification,
    Decision,
    EntityRole,
    Harm,
    HazardLink,
    Jurisdiction,
    Kind,
    PolicyRecommendation,
    PublicIdCounter,
    Record,
    RecordVersion,
    SignOff,
    Status,
    WorkflowEvent,
)
from incidents.publishing import workflow
from incidents.publishing.workflow import WorkflowError
from tests.factories import (
    ApprovedVersionFactory,
    CitationFactory,
    ClassificationFactory,
    DraftVersionFactory,
    EditorFactory,
    EntityRoleFactory,
    HarmFactory,
    HazardDraftVersionFactory,
    InReviewVersionFactory,
    JurisdictionFactory,
    PolicyRecommendationFactory,
    PublishedVersionFactory,
    ReviewerFactory,
    approve,
    publish,
    record_of,
    revise,
)

pytestmark = pytest.mark.django_db


def new_draft(by):
    return RecordVersion(title_en="Title", summary_en="Summary", narrative_en="Narrative")


def last_event(record):
    return WorkflowEvent.objects.filter(record=record).first()


# Creating records -------------------------------------------------------


def test_create_record_hands_out_public_ids_per_kind(editor):
    first = workflow.create_record(kind=Kind.INCIDENT, by=editor, draft=new_draft(editor))
    second = workflow.create_record(kind=Kind.INCIDENT, by=editor, draft=new_draft(editor))
    hazard = workflow.create_record(kind=Kind.HAZARD, by=editor, draft=new_draft(editor))
    assert [first.record.public_id, second.record.public_id, hazard.record.public_id] == [
        "INC-0001",
        "INC-0002",
        "HAZ-0001",
    ]
    assert first.status == Status.DRAFT and first.created_by == editor
    assert last_event(first.record).action == Action.CREATED


def test_public_id_of_a_deleted_record_is_never_reused(editor):
    first = workflow.create_record(kind=Kind.INCIDENT, by=editor, draft=new_draft(editor))
    record = first.record
    WorkflowEvent.objects.filter(record=record).delete()
    first.delete()
    record.delete()
    again = workflow.create_record(kind=Kind.INCIDENT, by=editor, draft=new_draft(editor))
    assert again.record.public_id == "INC-0002"
    assert PublicIdCounter.objects.get(kind=Kind.INCIDENT).last_number == 2


def test_reviewer_cannot_create_a_record(reviewer):
    with pytest.raises(PermissionDenied):
        workflow.create_record(kind=Kind.INCIDENT, by=reviewer, draft=new_draft(reviewer))
    assert not Record.objects.exists()


def test_create_record_refuses_an_unknown_kind(editor):
    with pytest.raises(WorkflowError):
        workflow.create_record(kind="rumour", by=editor, draft=new_draft(editor))


# Submitting ---------------------------------------------------------------


def test_submit_sends_a_draft_to_review_and_logs_it(editor):
    draft = DraftVersionFactory(created_by=editor)
    workflow.submit(draft, by=editor, comment="Ready")
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    event = last_event(draft.record)
    assert (event.action, event.from_status, event.to_status, event.actor, event.comment) == (
        Action.SUBMITTED,
        Status.DRAFT,
        Status.IN_REVIEW,
        editor,
        "Ready",
    )


def test_version_in_review_cannot_be_submitted_again(editor):
    version = InReviewVersionFactory(created_by=editor)
    with pytest.raises(WorkflowError):
        workflow.submit(version, by=editor)


def test_reviewer_cannot_submit(reviewer):
    with pytest.raises(PermissionDenied):
        workflow.submit(DraftVersionFactory(), by=reviewer)


def test_submit_refuses_text_citing_an_unknown_key(editor):
    draft = DraftVersionFactory(created_by=editor, narrative_en="A claim [@ghost-2025].")
    with pytest.raises(WorkflowError, match="ghost-2025"):
        workflow.submit(draft, by=editor)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_submit_refuses_unknown_key_in_french_text_too(editor):
    draft = DraftVersionFactory(created_by=editor, narrative_fr="Une affirmation [@fantome].")
    with pytest.raises(WorkflowError, match="fantome"):
        workflow.submit(draft, by=editor)


def test_submit_requires_a_primary_source_when_sources_are_cited(editor):
    draft = DraftVersionFactory(created_by=editor)
    citation = CitationFactory(version=draft, is_primary=False)
    with pytest.raises(WorkflowError, match="primary"):
        workflow.submit(draft, by=editor)
    citation.is_primary = True
    citation.save()
    workflow.submit(draft, by=editor)


# Signing off --------------------------------------------------------------


def test_two_approvals_by_independent_reviewers_approve_the_version(reviewer, other_reviewer):
    version = InReviewVersionFactory()
    workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    version.refresh_from_db()
    assert version.status == Status.IN_REVIEW
    workflow.sign_off(version, by=other_reviewer, check=Check.FACTUALITY, decision=Decision.APPROVE)
    version.refresh_from_db()
    assert version.status == Status.APPROVED
    assert last_event(version.record).to_status == Status.APPROVED


def test_one_reviewer_cannot_sign_both_checks(reviewer, other_reviewer):
    version = InReviewVersionFactory()
    workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    with pytest.raises(PermissionDenied, match="second reviewer"):
        workflow.sign_off(version, by=reviewer, check=Check.FACTUALITY, decision=Decision.APPROVE)
    version.refresh_from_db()
    assert version.status == Status.IN_REVIEW
    workflow.sign_off(version, by=other_reviewer, check=Check.FACTUALITY, decision=Decision.APPROVE)
    version.refresh_from_db()
    assert version.status == Status.APPROVED


def test_a_reviewer_whose_request_was_answered_may_sign_the_other_check_next_round(reviewer, other_reviewer):
    """Two different reviewers per round: a new round starts afresh."""
    version = InReviewVersionFactory()
    workflow.request_changes(version, by=reviewer, check=Check.NEUTRALITY, comment="Check the date.")
    workflow.submit(version, by=version.created_by)
    workflow.sign_off(version, by=reviewer, check=Check.FACTUALITY, decision=Decision.APPROVE)
    workflow.sign_off(version, by=other_reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    version.refresh_from_db()
    assert version.status == Status.APPROVED


def test_publish_refuses_both_approvals_by_one_reviewer(reviewer, publisher):
    """The last gate holds even for sign-offs written around the workflow."""
    version = InReviewVersionFactory()
    for check in Check.values:
        SignOff.objects.create(version=version, check_type=check, decision=Decision.APPROVE, reviewer=reviewer)
    RecordVersion.objects.filter(pk=version.pk).update(status=Status.APPROVED)  # around the workflow, on purpose
    with pytest.raises(WorkflowError, match="two different reviewers"):
        workflow.publish(version, by=publisher, change_note_en="x", change_note_fr="x")


def test_reviewer_cannot_sign_off_own_edit(reviewer):
    """A reviewer who edited one part of the version is one of its authors."""
    version = DraftVersionFactory()
    harm = HarmFactory(version=version)
    harm.description_fr = "Correction d'un réviseur."
    harm._history_user = reviewer
    harm.save()
    workflow.submit(version, by=version.created_by)
    with pytest.raises(PermissionDenied):
        workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    assert not SignOff.objects.exists()


def test_author_cannot_sign_off_own_version_even_as_superuser(superuser):
    version = InReviewVersionFactory(created_by=superuser)
    with pytest.raises(PermissionDenied):
        workflow.sign_off(version, by=superuser, check=Check.FACTUALITY, decision=Decision.APPROVE)


def test_editor_of_the_version_text_cannot_sign_it_off(superuser):
    version = DraftVersionFactory()
    version.title_fr = "Titre revu"
    version._history_user = superuser
    version.save()
    workflow.submit(version, by=version.created_by)
    with pytest.raises(PermissionDenied):
        workflow.sign_off(version, by=superuser, check=Check.NEUTRALITY, decision=Decision.APPROVE)


def test_editor_without_the_reviewer_role_cannot_sign_off():
    version = InReviewVersionFactory()
    with pytest.raises(PermissionDenied):
        workflow.sign_off(version, by=EditorFactory(), check=Check.NEUTRALITY, decision=Decision.APPROVE)


@pytest.mark.parametrize("factory", [DraftVersionFactory, ApprovedVersionFactory, PublishedVersionFactory])
def test_sign_off_only_while_in_review(factory, reviewer):
    version = factory()
    with pytest.raises(WorkflowError):
        workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)


def test_a_check_cannot_be_signed_off_twice(reviewer, other_reviewer):
    version = InReviewVersionFactory()
    workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    with pytest.raises(WorkflowError):
        workflow.sign_off(version, by=other_reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)


def test_unknown_check_or_decision_is_refused(reviewer):
    version = InReviewVersionFactory()
    with pytest.raises(WorkflowError):
        workflow.sign_off(version, by=reviewer, check="style", decision=Decision.APPROVE)
    with pytest.raises(WorkflowError):
        workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision="maybe")


def test_request_changes_needs_a_comment(reviewer):
    version = InReviewVersionFactory()
    with pytest.raises(WorkflowError):
        workflow.request_changes(version, by=reviewer, check=Check.FACTUALITY, comment="  ")


def test_request_changes_sends_the_version_back_and_voids_its_sign_offs(reviewer, other_reviewer):
    version = InReviewVersionFactory()
    workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    workflow.request_changes(version, by=other_reviewer, check=Check.FACTUALITY, comment="Date is wrong.")
    version.refresh_from_db()
    assert version.status == Status.CHANGES_REQUESTED
    assert not version.sign_offs.filter(voided_at__isnull=True).exists()
    assert version.sign_offs.count() == 2  # kept, void, as the record of the decisions
    event = last_event(version.record)
    assert (event.action, event.comment) == (Action.CHANGES_REQUESTED, "Date is wrong.")


def test_reviewer_who_requested_changes_may_review_the_resubmission(reviewer, other_reviewer):
    """Moving a version through review is not editing it."""
    version = InReviewVersionFactory()
    workflow.request_changes(version, by=other_reviewer, check=Check.FACTUALITY, comment="Fix the date.")
    editor = version.created_by
    version.refresh_from_db()
    version.occurred_on = version.occurred_on.replace(day=15)
    version._history_user = editor
    version.save()
    workflow.submit(version, by=editor)
    workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    workflow.sign_off(version, by=other_reviewer, check=Check.FACTUALITY, decision=Decision.APPROVE)
    version.refresh_from_db()
    assert version.status == Status.APPROVED


def test_return_to_draft_voids_sign_offs(reviewer):
    version = InReviewVersionFactory()
    workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    workflow.return_to_draft(version, by=version.created_by, comment="Forgot a source")
    version.refresh_from_db()
    assert version.status == Status.DRAFT
    assert SignOff.objects.get().voided_at is not None
    assert last_event(version.record).action == Action.RETURNED_TO_DRAFT


def test_approved_version_returned_to_draft_needs_two_new_sign_offs(reviewer, other_reviewer):
    version = approve(InReviewVersionFactory(), reviewer, other_reviewer)
    workflow.return_to_draft(version, by=version.created_by)
    workflow.submit(version, by=version.created_by)
    workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    version.refresh_from_db()
    assert version.status == Status.IN_REVIEW


def test_draft_cannot_be_returned_to_draft():
    version = DraftVersionFactory()
    with pytest.raises(WorkflowError):
        workflow.return_to_draft(version, by=version.created_by)


# Publishing ---------------------------------------------------------------


def test_publish_numbers_the_version_and_makes_it_live(publisher):
    version = ApprovedVersionFactory()
    workflow.publish(version, by=publisher, change_note_en="Initial publication", change_note_fr="Première publication")
    version.refresh_from_db()
    record = record_of(version)
    assert (version.status, version.number, version.published_by) == (Status.PUBLISHED, 1, publisher)
    assert version.published_at is not None
    assert record.live_version == version
    assert last_event(record).action == Action.PUBLISHED


def test_publishing_a_revision_supersedes_the_live_version(publisher):
    first = PublishedVersionFactory()
    draft = revise(first.record)
    workflow.submit(draft, by=draft.created_by)
    approve(draft)
    workflow.publish(draft, by=publisher, change_note_en="Corrected attribution", change_note_fr="Attribution corrigée")
    first.refresh_from_db()
    draft.refresh_from_db()
    assert (first.status, first.number) == (Status.SUPERSEDED, 1)
    assert (draft.status, draft.number) == (Status.PUBLISHED, 2)
    assert record_of(draft).live_version == draft


@pytest.mark.parametrize("factory", [DraftVersionFactory, InReviewVersionFactory])
def test_publish_without_two_approvals_is_refused(factory, publisher):
    version = factory()
    with pytest.raises(WorkflowError):
        workflow.publish(version, by=publisher, change_note_en="x", change_note_fr="x")
    assert record_of(version).live_version is None


def test_publish_with_one_approval_is_refused(publisher, reviewer):
    version = InReviewVersionFactory()
    workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    with pytest.raises(WorkflowError):
        workflow.publish(version, by=publisher, change_note_en="x", change_note_fr="x")


def test_publish_rechecks_that_approvers_did_not_edit_the_version(publisher, reviewer):
    """Even if an approval slipped in by another path, publication refuses it."""
    version = ApprovedVersionFactory()
    approval = version.sign_offs.get(check_type=Check.NEUTRALITY)
    harm = HarmFactory.build(version=version)
    harm._history_user = approval.reviewer
    harm.save()
    with pytest.raises(WorkflowError):
        workflow.publish(version, by=publisher, change_note_en="x", change_note_fr="x")


def test_only_publishers_publish(reviewer):
    version = ApprovedVersionFactory()
    with pytest.raises(PermissionDenied):
        workflow.publish(version, by=reviewer, change_note_en="x", change_note_fr="x")
    with pytest.raises(PermissionDenied):
        workflow.publish(version, by=version.created_by, change_note_en="x", change_note_fr="x")


@pytest.mark.parametrize("notes", [("", "Première publication"), ("Initial publication", ""), (" ", " ")])
def test_publish_requires_the_change_note_in_both_languages(notes, publisher):
    version = ApprovedVersionFactory()
    with pytest.raises(WorkflowError):
        workflow.publish(version, by=publisher, change_note_en=notes[0], change_note_fr=notes[1])


@override_settings(DOSSIER_REQUIRE_FRENCH_TO_PUBLISH=True)
def test_setting_can_require_complete_french_before_publishing(publisher):
    version = DraftVersionFactory(narrative_fr="")
    workflow.submit(version, by=version.created_by)
    approve(version)
    with pytest.raises(WorkflowError, match="narrative"):
        workflow.publish(version, by=publisher, change_note_en="x", change_note_fr="x")


def test_incomplete_french_may_be_published_by_default(publisher):
    version = DraftVersionFactory(narrative_fr="")
    workflow.submit(version, by=version.created_by)
    approve(version)
    workflow.publish(version, by=publisher, change_note_en="x", change_note_fr="x")
    version.refresh_from_db()
    assert (version.status, version.number, version.narrative_fr) == (Status.PUBLISHED, 1, "")
    assert record_of(version).live_version == version


# Revisions ----------------------------------------------------------------


def test_start_revision_copies_the_live_version_with_all_its_parts(editor):
    version = DraftVersionFactory(title_fr="Titre", ai_system_en="Face swap", ai_system_fr="Échange de visage")
    HarmFactory(version=version)
    CitationFactory(version=version, is_primary=True, key="rcmp-2025")
    PolicyRecommendationFactory(version=version)
    EntityRoleFactory(version=version)
    ClassificationFactory(version=version)
    JurisdictionFactory(version=version, region_en="Ontario")
    HazardLink.objects.create(version=version, hazard=HazardDraftVersionFactory().record)
    workflow.submit(version, by=version.created_by)
    approve(version)
    live = publish(version)

    draft = workflow.start_revision(live.record, by=editor)

    assert draft.pk != live.pk and draft.status == Status.DRAFT and draft.number is None
    assert (draft.title_en, draft.title_fr, draft.ai_system_fr) == (live.title_en, "Titre", "Échange de visage")
    assert draft.change_note_en == "" and draft.created_by == editor
    for model in (HazardLink, Harm, Citation, PolicyRecommendation, EntityRole, Classification, Jurisdiction):
        assert model.objects.filter(version=draft).count() == model.objects.filter(version=live).count() == 1
    assert Citation.objects.get(version=draft).key == "rcmp-2025"
    assert Jurisdiction.objects.get(version=draft).region_en == "Ontario"
    assert last_event(live.record).action == Action.REVISION_STARTED


def test_editing_a_revision_changes_nothing_public(editor):
    live = PublishedVersionFactory(title_en="Original title")
    harm = HarmFactory(version=revise(live.record, editor), description_en="New harm")
    draft = harm.version
    draft.title_en = "Edited title"
    draft.save()
    record = Record.objects.published().get(pk=live.record_id)
    assert record.live_version.title_en == "Original title"
    assert not record.live_version.harms.exists()


def test_start_revision_refused_while_another_is_open(editor):
    live = PublishedVersionFactory()
    revise(live.record)
    with pytest.raises(WorkflowError):
        workflow.start_revision(live.record, by=editor)


def test_start_revision_refused_for_a_never_published_record(editor):
    with pytest.raises(WorkflowError):
        workflow.start_revision(DraftVersionFactory().record, by=editor)


def test_the_editor_who_started_a_revision_cannot_sign_it_off():
    live = PublishedVersionFactory()
    reviewer = ReviewerFactory()
    reviewer.groups.add(*EditorFactory().groups.all())
    draft = workflow.start_revision(live.record, by=reviewer)
    workflow.submit(draft, by=reviewer)
    with pytest.raises(PermissionDenied):
        workflow.sign_off(draft, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)


# Withdrawing --------------------------------------------------------------


def test_withdraw_replaces_the_public_record_and_keeps_its_versions(publisher):
    live = PublishedVersionFactory()
    workflow.withdraw(live.record, by=publisher, reason_en="Duplicate of INC-0002", reason_fr="Doublon de INC-0002")
    record = record_of(live)
    assert record.is_withdrawn and record.withdrawn_by == publisher
    assert record.withdrawal_reason_fr == "Doublon de INC-0002"
    assert not Record.objects.published().filter(pk=record.pk).exists()
    assert Record.objects.withdrawn().filter(pk=record.pk).exists()
    assert not RecordVersion.objects.published().filter(record=record).exists()
    assert RecordVersion.objects.filter(record=record, status=Status.PUBLISHED).exists()
    assert last_event(record).action == Action.WITHDRAWN


@pytest.mark.parametrize("reasons", [("", "Doublon"), ("Duplicate", "")])
def test_withdraw_requires_a_reason_in_both_languages(reasons, publisher):
    live = PublishedVersionFactory()
    with pytest.raises(WorkflowError):
        workflow.withdraw(live.record, by=publisher, reason_en=reasons[0], reason_fr=reasons[1])
    assert not record_of(live).is_withdrawn


def test_only_publishers_withdraw(reviewer, editor):
    live = PublishedVersionFactory()
    for user in (reviewer, editor):
        with pytest.raises(PermissionDenied):
            workflow.withdraw(live.record, by=user, reason_en="x", reason_fr="x")


def test_unpublished_or_already_withdrawn_records_cannot_be_withdrawn(publisher):
    with pytest.raises(WorkflowError):
        workflow.withdraw(DraftVersionFactory().record, by=publisher, reason_en="x", reason_fr="x")
    live = PublishedVersionFactory()
    workflow.withdraw(live.record, by=publisher, reason_en="x", reason_fr="x")
    with pytest.raises(WorkflowError):
        workflow.withdraw(live.record, by=publisher, reason_en="x", reason_fr="x")


def test_withdrawn_record_cannot_be_revised_or_republished(publisher, editor):
    live = PublishedVersionFactory()
    workflow.withdraw(live.record, by=publisher, reason_en="x", reason_fr="x")
    with pytest.raises(WorkflowError):
        workflow.start_revision(live.record, by=editor)


# Published reads ----------------------------------------------------------


def test_published_querysets_hold_only_published_content():
    live = PublishedVersionFactory()
    revise(live.record)
    DraftVersionFactory()
    InReviewVersionFactory()
    ApprovedVersionFactory()
    HazardDraftVersionFactory()
    assert list(Record.objects.published()) == [live.record]
    assert list(RecordVersion.objects.published()) == [live]
    assert list(RecordVersion.objects.live()) == [live]


def test_superseded_versions_stay_published():
    first = PublishedVersionFactory()
    draft = revise(first.record)
    workflow.submit(draft, by=draft.created_by)
    second = publish(approve(draft), note=("Second", "Deuxième"))
    assert set(RecordVersion.objects.published()) == {first, second}
    assert list(RecordVersion.objects.live()) == [second]


def test_every_transition_is_logged_with_actor_and_states(editor, reviewer, other_reviewer, publisher):
    version = DraftVersionFactory(created_by=editor)
    workflow.submit(version, by=editor)
    workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    workflow.sign_off(version, by=other_reviewer, check=Check.FACTUALITY, decision=Decision.APPROVE)
    workflow.publish(version, by=publisher, change_note_en="x", change_note_fr="x")
    events = list(WorkflowEvent.objects.filter(record=version.record).order_by("id"))
    assert [(e.action, e.actor.username, e.from_status, e.to_status) for e in events] == [
        (Action.CREATED, editor.username, "", Status.DRAFT),
        (Action.SUBMITTED, editor.username, Status.DRAFT, Status.IN_REVIEW),
        (Action.SIGNED_OFF, reviewer.username, Status.IN_REVIEW, Status.IN_REVIEW),
        (Action.SIGNED_OFF, other_reviewer.username, Status.IN_REVIEW, Status.APPROVED),
        (Action.PUBLISHED, publisher.username, Status.APPROVED, Status.PUBLISHED),
    ]
