"""Workflow e-mails reach the people concerned, in each one's language."""

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from core.models import Preference
from incidents.models import Check, Decision
from incidents.publishing import workflow
from tests.factories import (
    ApprovedVersionFactory,
    DraftVersionFactory,
    InReviewVersionFactory,
    PublisherFactory,
    ReviewerFactory,
)

pytestmark = pytest.mark.django_db


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_submitting_notifies_reviewers_but_not_authors(django_capture_on_commit_callbacks, editor):
    first, second = ReviewerFactory(), ReviewerFactory()
    draft = DraftVersionFactory(created_by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(draft, by=editor)
    assert recipients() == sorted([first.email, second.email])
    assert draft.record.public_id in mail.outbox[0].subject


def test_reviewer_who_edited_the_version_is_not_asked_to_review_it(django_capture_on_commit_callbacks, editor):
    author_reviewer, other = ReviewerFactory(), ReviewerFactory()
    draft = DraftVersionFactory(created_by=editor)
    draft.title_fr = "Titre"
    draft._history_user = author_reviewer
    draft.save()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(draft, by=editor)
    assert recipients() == [other.email]


def test_each_recipient_reads_the_message_in_their_language(django_capture_on_commit_callbacks, editor):
    english, french = ReviewerFactory(), ReviewerFactory()
    Preference.objects.create(user=french, language="fr")
    draft = DraftVersionFactory(created_by=editor, title_en="Deepfake hiring", title_fr="Embauche hypertruquée")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(draft, by=editor)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "Deepfake hiring" in by_address[english.email].subject
    assert "Embauche hypertruquée" in by_address[french.email].subject
    assert "révision" in by_address[french.email].body


def test_request_for_changes_notifies_the_authors_with_the_comment(django_capture_on_commit_callbacks, editor):
    version = InReviewVersionFactory(created_by=editor)
    reviewer = ReviewerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.request_changes(version, by=reviewer, check=Check.FACTUALITY, comment="The date is July 16 & not 17.")
    assert recipients() == [editor.email]
    assert "The date is July 16 & not 17." in mail.outbox[0].body  # plain text: not HTML-escaped


def test_approval_notifies_publishers_and_authors_once_both_checks_pass(django_capture_on_commit_callbacks, editor):
    publisher = PublisherFactory()
    version = InReviewVersionFactory(created_by=editor)
    first, second = ReviewerFactory(), ReviewerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.sign_off(version, by=first, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        workflow.sign_off(version, by=second, check=Check.FACTUALITY, decision=Decision.APPROVE)
    assert recipients() == sorted([editor.email, publisher.email])


def test_publication_notifies_authors_and_the_reviewers_who_signed(django_capture_on_commit_callbacks, editor):
    version = ApprovedVersionFactory(created_by=editor)
    reviewers = {sign_off.reviewer.email for sign_off in version.sign_offs.all()}
    publisher = PublisherFactory()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(version, by=publisher, change_note_en="First", change_note_fr="Première")
    assert recipients() == sorted(reviewers | {editor.email})
    assert "First" in mail.outbox[0].body


def test_a_refused_transition_sends_nothing(django_capture_on_commit_callbacks, editor):
    ReviewerFactory()
    version = InReviewVersionFactory(created_by=editor)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(workflow.WorkflowError):
        workflow.submit(version, by=editor)
    assert mail.outbox == []


def test_a_mail_server_failure_does_not_undo_the_transition(django_capture_on_commit_callbacks, editor, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_notifications.BrokenBackend"}}
    ReviewerFactory()
    draft = DraftVersionFactory(created_by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(draft, by=editor)
    draft.refresh_from_db()
    assert draft.status == "in_review"


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")
