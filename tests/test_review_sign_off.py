"""Signing off through the review screen, and every way a request can be
forged: each refused with a clear message, nothing written."""

import pytest
from django.test import Client

from incidents.models import Check, Decision, SignOff, SignOffAnswer, Status, WorkflowEvent
from incidents.publishing import review, workflow
from incidents.publishing.roles import EDITORS, REVIEWERS
from tests.factories import (
    ApprovedVersionFactory,
    ChecklistItemFactory,
    DraftVersionFactory,
    EditorFactory,
    InReviewVersionFactory,
    ReviewerFactory,
    UserFactory,
)
from tests.review_helpers import review_url, sign_off_data, sign_off_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(editor):
    return InReviewVersionFactory(created_by=editor)


def post(client, user, version, data, **extra):
    client.force_login(user)
    return client.post(sign_off_url(version), data, **extra)


def nothing_written(version, events_before):
    assert not SignOff.objects.filter(version=version).exists()
    assert not SignOffAnswer.objects.exists()
    assert WorkflowEvent.objects.filter(version=version).count() == events_before
    version.refresh_from_db()
    assert version.status == Status.IN_REVIEW


# Deciding ---------------------------------------------------------------------------


def test_two_approvals_through_the_screen_approve_the_version(client, version, reviewer, other_reviewer):
    response = post(client, reviewer, version, sign_off_data(version, Check.NEUTRALITY, "approve", "Neutral."))
    assert response.status_code == 302 and response["Location"] == review_url(version)
    assert "Your approval of the neutrality check is recorded." in client.get(review_url(version)).content.decode()
    response = post(client, other_reviewer, version, sign_off_data(version, Check.FACTUALITY, "approve"))
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == Status.APPROVED
    assert "Both checks are approved" in client.get(response["Location"]).content.decode()
    neutrality = version.sign_offs.get(check_type=Check.NEUTRALITY)
    assert neutrality.reviewer == reviewer and neutrality.comment == "Neutral."
    answers = list(neutrality.answers.order_by("item__order"))
    assert [a.item for a in answers] == review.checklist(Check.NEUTRALITY)
    assert all(a.ticked for a in answers)
    assert answers[0].item_text == answers[0].item.text_en and answers[0].item_language == "en"


def test_answers_keep_the_item_as_the_reviewer_read_it(client, version, reviewer):
    item = ChecklistItemFactory(
        check_type=Check.FACTUALITY, text_en="Quotes match.", text_fr="Les citations concordent."
    )
    client.force_login(reviewer)
    data = sign_off_data(version, Check.FACTUALITY, "approve")
    assert client.post(sign_off_url(version), data, HTTP_ACCEPT_LANGUAGE="fr").status_code == 302
    item.text_fr = "Les citations concordent avec l’enregistrement."
    item.save()
    answer = SignOffAnswer.objects.get(item=item)
    assert (answer.item_text, answer.item_language) == ("Les citations concordent.", "fr")


def test_request_changes_sends_the_version_back(client, version, reviewer):
    response = post(
        client,
        reviewer,
        version,
        sign_off_data(version, Check.FACTUALITY, "request_changes", "The date is wrong.", tick=False),
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == Status.CHANGES_REQUESTED
    assert version.events.first().comment == "The date is wrong."


def test_request_changes_without_comment_is_a_form_error(client, version, reviewer):
    before = version.events.count()
    response = post(client, reviewer, version, sign_off_data(version, Check.NEUTRALITY, "request_changes", "  "))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say what needs to change: a comment is required to request changes." in html
    assert 'id="id_neutrality-comment_error"' in html
    nothing_written(version, before)


def test_approving_with_an_unticked_item_needs_a_comment_on_it(client, version, reviewer):
    before = version.events.count()
    item = review.checklist(Check.NEUTRALITY)[1]
    data = sign_off_data(version, Check.NEUTRALITY, "approve", "Mostly fine.")
    del data[f"neutrality-item-{item.pk}-ticked"]
    response = post(client, reviewer, version, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "To approve with an item not ticked, write a comment on that item (or request changes)." in html
    assert f'id="id_neutrality-item-{item.pk}-comment_error"' in html
    # What the reviewer wrote is still there.
    assert "Mostly fine." in html
    nothing_written(version, before)

    data[f"neutrality-item-{item.pk}-comment"] = "Only one adjective, quoted from the source."
    assert post(client, reviewer, version, data).status_code == 302
    answer = SignOffAnswer.objects.get(item=item)
    assert not answer.ticked and answer.comment == "Only one adjective, quoted from the source."


def test_request_changes_may_leave_items_unticked_without_comment(client, version, reviewer):
    data = sign_off_data(version, Check.NEUTRALITY, "request_changes", "Loaded words in the summary.", tick=False)
    assert post(client, reviewer, version, data).status_code == 302
    assert SignOffAnswer.objects.filter(ticked=False).count() == len(review.checklist(Check.NEUTRALITY))


def test_no_decision_is_a_form_error(client, version, reviewer):
    before = version.events.count()
    data = sign_off_data(version, Check.NEUTRALITY)
    del data["neutrality-decision"]
    response = post(client, reviewer, version, data)
    assert response.status_code == 400
    assert "Choose: approve, or request changes." in response.content.decode()
    nothing_written(version, before)


# Refused, whatever the request looks like ----------------------------------------------


def test_reviewer_cannot_sign_off_own_edit_through_the_screen(client, editor):
    both = ReviewerFactory(groups=(EDITORS, REVIEWERS))
    version = InReviewVersionFactory(created_by=editor)
    workflow.return_to_draft(version, by=editor)
    version.refresh_from_db()
    version.narrative_en = "Edited by a reviewer."
    version._history_user = both
    version.save()
    workflow.submit(version, by=editor)
    before = version.events.count()
    response = post(client, both, version, sign_off_data(version, Check.NEUTRALITY))
    assert response.status_code == 403
    assert "You created or edited this version, so you cannot sign it off." in response.content.decode()
    nothing_written(version, before)


def test_sign_off_without_the_reviewer_role_is_refused(client, version, editor, publisher):
    before = version.events.count()
    for user in (EditorFactory(), publisher, UserFactory()):
        response = post(client, user, version, sign_off_data(version, Check.FACTUALITY))
        assert response.status_code == 403
    nothing_written(version, before)


def test_second_sign_off_of_the_same_check_is_refused(client, version, reviewer, other_reviewer):
    assert post(client, reviewer, version, sign_off_data(version, Check.NEUTRALITY)).status_code == 302
    response = post(client, other_reviewer, version, sign_off_data(version, Check.NEUTRALITY, "request_changes", "No."))
    assert response.status_code == 400
    assert "This check has already been signed off in this review round." in response.content.decode()
    assert version.sign_offs.count() == 1
    version.refresh_from_db()
    assert version.status == Status.IN_REVIEW


@pytest.mark.parametrize("factory", [DraftVersionFactory, ApprovedVersionFactory])
def test_sign_off_of_a_version_not_in_review_is_refused(client, reviewer, factory):
    version = factory()
    signed = version.sign_offs.count()
    data = sign_off_data(version, Check.NEUTRALITY, round_id=workflow.review_round(version) or 1)
    response = post(client, reviewer, version, data)
    assert response.status_code == 400
    assert "Only a version in review can be signed off" in response.content.decode()
    assert version.sign_offs.count() == signed


@pytest.mark.parametrize("check", ["style", "", "NEUTRALITY", "neutrality "])
def test_unknown_check_is_refused(client, version, reviewer, check):
    before = version.events.count()
    data = sign_off_data(version, Check.NEUTRALITY)
    data["check"] = check
    response = post(client, reviewer, version, data)
    assert response.status_code == 400
    assert "Unknown check" in response.content.decode()
    nothing_written(version, before)


def test_unknown_decision_is_refused(client, version, reviewer):
    before = version.events.count()
    response = post(client, reviewer, version, sign_off_data(version, Check.NEUTRALITY, decision="maybe"))
    assert response.status_code == 400
    nothing_written(version, before)


def test_form_of_another_version_is_refused(client, version, reviewer, editor):
    """A form opened on one version and posted to another: its review round
    is not this version's, so the reviewer did not see what they would sign."""
    other = InReviewVersionFactory(created_by=editor)
    before = version.events.count()
    response = post(client, reviewer, version, sign_off_data(other, Check.NEUTRALITY))
    assert response.status_code == 400
    assert "submitted again after you opened it" in response.content.decode()
    nothing_written(version, before)


def test_form_opened_before_a_resubmission_is_refused(client, version, reviewer, editor):
    stale = sign_off_data(version, Check.NEUTRALITY)
    workflow.return_to_draft(version, by=editor)
    workflow.submit(version, by=editor)
    before = version.events.count()
    response = post(client, reviewer, version, stale)
    assert response.status_code == 400
    assert "review it again before deciding" in response.content.decode()
    nothing_written(version, before)


def test_form_without_its_round_is_refused(client, version, reviewer):
    before = version.events.count()
    data = sign_off_data(version, Check.NEUTRALITY)
    del data["neutrality-round"]
    response = post(client, reviewer, version, data)
    assert response.status_code == 400
    assert "This form is incomplete" in response.content.decode()
    nothing_written(version, before)


def test_get_on_the_sign_off_url_is_refused(client, version, reviewer):
    client.force_login(reviewer)
    assert client.get(sign_off_url(version), sign_off_data(version, Check.NEUTRALITY)).status_code == 405
    assert not SignOff.objects.exists()


def test_post_on_the_review_screen_is_refused(client, version, reviewer):
    client.force_login(reviewer)
    assert client.post(review_url(version), sign_off_data(version, Check.NEUTRALITY)).status_code == 405
    assert not SignOff.objects.exists()


def test_sign_off_without_csrf_token_is_refused(version, reviewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    response = client.post(sign_off_url(version), sign_off_data(version, Check.NEUTRALITY))
    assert response.status_code == 403
    assert not SignOff.objects.exists()


def test_sign_off_with_the_pages_csrf_token_is_accepted(version, reviewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    client.get(review_url(version))
    data = {**sign_off_data(version, Check.NEUTRALITY), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    assert client.post(sign_off_url(version), data).status_code == 302
    assert SignOff.objects.count() == 1


def test_anonymous_sign_off_goes_to_the_login_page(client, version):
    response = client.post(sign_off_url(version), sign_off_data(version, Check.NEUTRALITY))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not SignOff.objects.exists()


def test_sign_off_of_a_missing_version_is_404(client, reviewer, version):
    client.force_login(reviewer)
    assert (
        client.post(
            "/admin/incidents/recordversion/999999/sign-off/", sign_off_data(version, Check.NEUTRALITY)
        ).status_code
        == 404
    )


def test_answers_to_items_of_the_other_check_are_ignored(client, version, reviewer):
    """Only the posted check's items are read: a forged field for the other
    check's items answers nothing."""
    data = sign_off_data(version, Check.NEUTRALITY)
    for item in review.checklist(Check.FACTUALITY):
        data[f"neutrality-item-{item.pk}-ticked"] = "on"
    assert post(client, reviewer, version, data).status_code == 302
    assert {a.item.check_type for a in SignOffAnswer.objects.all()} == {Check.NEUTRALITY}


def test_decision_value_from_the_other_check_form_is_not_used(client, version, reviewer):
    data = sign_off_data(version, Check.NEUTRALITY)
    data["factuality-decision"] = Decision.REQUEST_CHANGES
    assert post(client, reviewer, version, data).status_code == 302
    assert version.sign_offs.get().decision == Decision.APPROVE
