"""The reviewers' checklists: seeded defaults, who may change them, and the
answers the workflow keeps with each sign-off."""

import pytest
from django.core.exceptions import PermissionDenied

from incidents.models import Check, ChecklistItem, Decision, SignOff, SignOffAnswer, Status
from incidents.publishing import review, workflow
from tests.admin_helpers import admin_url
from tests.factories import ChecklistItemFactory, InReviewVersionFactory

pytestmark = pytest.mark.django_db


def answers_for(check, ticked=True, comment=""):
    return [workflow.ChecklistAnswer(item, ticked, comment) for item in review.checklist(check)]


# The defaults ----------------------------------------------------------------------


def test_default_checklists_are_seeded_in_both_languages():
    for check in Check.values:
        items = review.checklist(check)
        assert len(items) >= 3
        assert all(item.text_en and item.text_fr and item.text_en != item.text_fr for item in items)
    texts = set(ChecklistItem.objects.values_list("text_en", flat=True))
    assert "Claims about actors are attributed to their sources." in texts
    assert "Every factual claim cites a source." in texts
    assert "The primary source is marked and reachable." in texts


def test_seeded_items_have_their_history_from_the_start():
    item = ChecklistItem.objects.first()
    first = item.history.earliest()
    assert first.history_type == "+" and first.text_fr == item.text_fr


def test_checklists_loads_both_checks_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        lists = review.checklists()
    assert [item.pk for item in lists[Check.NEUTRALITY]] == [item.pk for item in review.checklist(Check.NEUTRALITY)]


# Who changes them --------------------------------------------------------------------


def test_publisher_adds_and_changes_checklist_items_in_both_languages(client, publisher):
    client.force_login(publisher)
    response = client.post(
        admin_url(ChecklistItem, "add"),
        {
            "check_type": "factuality",
            "text_en": "Quotes match the recording.",
            "text_fr": "Les citations concordent avec l’enregistrement.",
            "order": "9",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = ChecklistItem.objects.get(text_en="Quotes match the recording.")
    response = client.post(
        admin_url(item, "change"),
        {"check_type": "factuality", "text_en": item.text_en, "text_fr": item.text_fr, "order": "9"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert not item.active
    assert item.history.count() == 2 and item.history.latest().history_user == publisher


def test_checklist_item_needs_its_french_text(client, publisher):
    client.force_login(publisher)
    response = client.post(
        admin_url(ChecklistItem, "add"),
        {
            "check_type": "factuality",
            "text_en": "Quotes match the recording.",
            "text_fr": "",
            "order": "9",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert not ChecklistItem.objects.filter(text_en="Quotes match the recording.").exists()


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_editors_and_reviewers_read_but_cannot_change_checklists(client, role, request):
    user = request.getfixturevalue(role)
    item = ChecklistItem.objects.first()
    client.force_login(user)
    assert client.get(admin_url(ChecklistItem, "changelist")).status_code == 200
    assert client.get(admin_url(ChecklistItem, "add")).status_code == 403
    response = client.post(
        admin_url(item, "change"),
        {"check_type": item.check_type, "text_en": "Changed", "text_fr": "Modifié", "order": "1"},
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.text_en != "Changed"


def test_nobody_deletes_a_checklist_item(client, superuser):
    item = ChecklistItem.objects.first()
    client.force_login(superuser)
    assert client.post(admin_url(item, "delete"), {"post": "yes"}).status_code == 403
    assert ChecklistItem.objects.filter(pk=item.pk).exists()


# Answers in the workflow -------------------------------------------------------------


def test_sign_off_keeps_the_answers_with_the_item_as_read(reviewer):
    version = InReviewVersionFactory()
    answers = answers_for(Check.NEUTRALITY)
    signed = workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE, answers=answers)
    stored = list(signed.answers.order_by("item__order", "item_id"))
    assert [(a.item, a.ticked, a.item_text, a.item_language) for a in stored] == [
        (answer.item, True, answer.item.text_en, "en") for answer in answers
    ]


def test_approving_with_an_unticked_item_and_no_comment_is_refused(reviewer):
    version = InReviewVersionFactory()
    answers = answers_for(Check.FACTUALITY)
    answers[0] = workflow.ChecklistAnswer(answers[0].item, False, "  ")
    with pytest.raises(workflow.WorkflowError, match="is not ticked"):
        workflow.sign_off(version, by=reviewer, check=Check.FACTUALITY, decision=Decision.APPROVE, answers=answers)
    assert not SignOff.objects.exists() and not SignOffAnswer.objects.exists()
    answers[0] = workflow.ChecklistAnswer(answers[0].item, False, "The source is a press release; fine here.")
    workflow.sign_off(version, by=reviewer, check=Check.FACTUALITY, decision=Decision.APPROVE, answers=answers)
    assert SignOffAnswer.objects.get(item=answers[0].item).comment == "The source is a press release; fine here."


def test_answers_to_the_other_checks_items_are_refused(reviewer):
    version = InReviewVersionFactory()
    answers = answers_for(Check.NEUTRALITY) + answers_for(Check.FACTUALITY)
    with pytest.raises(workflow.WorkflowError, match="do not belong to this check"):
        workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE, answers=answers)
    assert not SignOff.objects.exists()


def test_answers_must_cover_every_active_item(reviewer):
    version = InReviewVersionFactory()
    answers = answers_for(Check.NEUTRALITY)
    ChecklistItemFactory(check_type=Check.NEUTRALITY)  # added while the reviewer was reading
    with pytest.raises(workflow.WorkflowError, match="Answer every item"):
        workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE, answers=answers)
    with pytest.raises(workflow.WorkflowError, match="do not belong"):
        workflow.sign_off(
            version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE, answers=answers + answers[:1]
        )
    assert not SignOff.objects.exists()


def test_request_changes_keeps_unticked_answers(reviewer):
    version = InReviewVersionFactory()
    workflow.request_changes(
        version,
        by=reviewer,
        check=Check.NEUTRALITY,
        comment="Loaded words.",
        answers=answers_for(Check.NEUTRALITY, ticked=False),
    )
    version.refresh_from_db()
    assert version.status == Status.CHANGES_REQUESTED
    assert SignOffAnswer.objects.filter(ticked=False).count() == len(review.checklist(Check.NEUTRALITY))


def test_sign_off_from_an_earlier_round_is_refused(reviewer, editor):
    version = InReviewVersionFactory(created_by=editor)
    seen = workflow.review_round(version)
    workflow.return_to_draft(version, by=editor)
    workflow.submit(version, by=editor)
    with pytest.raises(workflow.WorkflowError, match="submitted again"):
        workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE, round_id=seen)
    workflow.sign_off(
        version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE, round_id=workflow.review_round(version)
    )
    assert version.sign_offs.filter(voided_at__isnull=True).count() == 1


def test_a_save_after_a_transition_still_counts_as_an_edit(reviewer, editor):
    """The workflow marks its own saves; the mark must not stick to the
    object, or the next content save would hide its author from four eyes."""
    version = InReviewVersionFactory(created_by=editor)  # the object submit() saved
    workflow.return_to_draft(version, by=editor)
    version.refresh_from_db()
    version.summary_en = "Rewritten by the reviewer."
    version._history_user = reviewer
    version.save()
    assert reviewer.pk in version.contributor_ids()
    workflow.submit(version, by=editor)
    with pytest.raises(PermissionDenied):
        workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)
