"""
Workflow e-mails are tasks (django.tasks): one per message, enqueued when the
transition commits, carrying ids and a template's name, never text. Queued
(the database backend), a transition never waits for the mail server; sent
at once (the immediate backend), a mail failure is logged and the transition
stands. A backend that can defer tasks tries again later.
"""

import json
import logging
import socket
import threading

import pytest
from django.core import mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from core.models import Preference
from incidents.models import RedactionReason
from incidents.publishing import notifications, workflow
from tests.factories import (
    ApprovedVersionFactory,
    DraftVersionFactory,
    PublishedVersionFactory,
    PublisherFactory,
    ReviewerFactory,
)

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
# A mail backend that refuses every message at once.
BROKEN_MAILER = {"default": {"BACKEND": "tests.test_notifications.BrokenBackend"}}


class SilentMailServer:
    """A listening socket on 127.0.0.1 that accepts connections and never
    answers: an SMTP client connected to it waits for a greeting that never
    comes, until its timeout."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.accepted = []
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while self.running:
            try:
                connection, _address = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted.append(connection)  # kept open, never written to

    def close(self):
        self.running = False
        self.thread.join(timeout=5)
        for connection in self.accepted:
            connection.close()
        self.listener.close()


@pytest.fixture
def silent_mail_server(settings):
    """The SMTP backend pointed at a server that never answers."""
    server = SilentMailServer()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "use_tls": False, "timeout": 1},
        }
    }
    yield server
    server.close()


def queued_kwargs():
    return [row.task_result.kwargs for row in DBTaskResult.objects.order_by("enqueued_at")]


def test_a_queued_workflow_action_returns_without_waiting_for_the_mail_server(
    settings, silent_mail_server, django_capture_on_commit_callbacks, editor
):
    """Submit and publish with the database backend and a mail server that
    never answers: both return with their messages queued, and the mail
    server was never contacted while they ran (so nothing waited on it; no
    clock is read: speed is measured in bench/, never in a test)."""
    settings.TASKS = DATABASE
    first, second = ReviewerFactory(), ReviewerFactory()
    draft = DraftVersionFactory(created_by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(draft, by=editor)
    draft.refresh_from_db()
    assert draft.status == "in_review"
    assert sorted(kwargs["recipient_id"] for kwargs in queued_kwargs()) == sorted([first.pk, second.pk])

    approved = ApprovedVersionFactory(created_by=editor)
    before = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(approved, by=PublisherFactory(), change_note_en="First", change_note_fr="Première")
    approved.refresh_from_db()
    assert approved.status == "published"
    # The editor and the two reviewers who signed, and the refresh of the
    # neighbours' related records (incidents/related.py).
    assert DBTaskResult.objects.count() == before + 4

    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"READY"}
    assert silent_mail_server.accepted == []
    assert mail.outbox == []


def test_with_the_immediate_backend_a_mail_server_that_never_answers_is_logged_not_raised(
    settings, silent_mail_server, django_capture_on_commit_callbacks, editor, caplog
):
    settings.TASKS = IMMEDIATE
    ReviewerFactory()
    draft = DraftVersionFactory(created_by=editor)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        workflow.submit(draft, by=editor)  # no exception
    draft.refresh_from_db()
    assert draft.status == "in_review"
    assert len(silent_mail_server.accepted) == 1  # it did try, and gave up at the timeout
    failures = [r for r in caplog.records if r.name == notifications.__name__ and r.levelno == logging.ERROR]
    assert len(failures) == 1
    assert "Could not send the submitted e-mail" in failures[0].getMessage()


def test_a_rolled_back_transition_queues_nothing(settings, django_capture_on_commit_callbacks, editor):
    settings.TASKS = DATABASE
    ReviewerFactory()
    draft = DraftVersionFactory(created_by=editor)

    def submit_then_fail():
        with transaction.atomic():
            workflow.submit(draft, by=editor)
            raise RuntimeError("something later in the same transaction failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        submit_then_fail()
    assert DBTaskResult.objects.count() == 0
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_task_carries_ids_and_a_template_name_and_no_text(settings, django_capture_on_commit_callbacks, editor):
    settings.TASKS = DATABASE
    ReviewerFactory()
    draft = DraftVersionFactory(created_by=editor, title_en="Deepfake hiring", title_fr="Embauche hypertruquée")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(draft, by=editor)
    [kwargs] = queued_kwargs()
    assert kwargs["template"] == "submitted"
    assert kwargs["version_id"] == draft.pk
    assert all(value is None or isinstance(value, int) for key, value in kwargs.items() if key.endswith("_id"))
    stored = json.dumps(kwargs, ensure_ascii=False)
    assert "Deepfake" not in stored and "Embauche" not in stored


def test_a_queued_message_is_rendered_when_it_runs_in_the_recipients_language(
    settings, django_capture_on_commit_callbacks, editor
):
    settings.TASKS = DATABASE
    french = ReviewerFactory()
    Preference.objects.create(user=french, language="fr")
    draft = DraftVersionFactory(created_by=editor, title_en="Deepfake hiring", title_fr="Embauche hypertruquée")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(draft, by=editor)
    [row] = DBTaskResult.objects.all()
    # What a worker does with the stored row (db_worker runs task.call()).
    result = row.task_result
    assert result.task.call(*result.args, **result.kwargs) == "sent"
    [message] = mail.outbox
    assert message.to == [french.email]
    assert "Embauche hypertruquée" in message.subject and "révision" in message.body


def test_a_redaction_email_and_its_task_never_hold_the_passage(settings, django_capture_on_commit_callbacks):
    passage = "Zebulon Quartermaine, 613-555-0142"
    version = PublishedVersionFactory(narrative_en=f"A caller, {passage}, was named.")
    decider = ReviewerFactory()
    for backend in (DATABASE, IMMEDIATE):
        settings.TASKS = backend
        with django_capture_on_commit_callbacks(execute=True):
            redaction = workflow.request_redaction(
                version,
                by=PublisherFactory(),
                field="narrative",
                language="en",
                passage=passage,
                reason=RedactionReason.PERSONAL_DATA,
            )
        with django_capture_on_commit_callbacks(execute=True):
            workflow.decline_redaction(redaction, by=decider, comment="Not personal data after all.")
    stored = json.dumps(queued_kwargs())
    assert "redaction_requested" in stored and "redaction_decided" in stored
    assert "Zebulon" not in stored and "555-0142" not in stored
    assert mail.outbox, "the immediate backend sent the redaction e-mails"
    for message in mail.outbox:
        assert "Zebulon" not in message.subject + message.body and "555-0142" not in message.body


def test_a_failed_message_is_tried_again_later_then_given_up(settings, editor, caplog):
    """A backend that can defer tasks (the database one) gets a new task,
    to run after RETRY_DELAYS[attempt - 1] seconds; each failed attempt
    fails its own task. After the last attempt nothing more is queued and
    the failure is logged as an error."""
    settings.TASKS = DUMMY
    settings.MAILERS = BROKEN_MAILER
    backend = notifications.send_email.get_backend()
    reviewer = ReviewerFactory()
    version = DraftVersionFactory(created_by=editor)
    ids = {"template": "submitted", "recipient_id": reviewer.pk, "version_id": version.pk, "actor_id": editor.pk}

    with caplog.at_level(logging.WARNING), pytest.raises(notifications.MailNotSentError):
        notifications.send_email.call(**ids)
    [retry] = backend.results
    assert retry.kwargs["attempt"] == 2
    assert retry.task.run_after is not None
    assert "trying again" in caplog.records[-1].getMessage()

    backend.clear()
    last = len(notifications.RETRY_DELAYS) + 1
    with caplog.at_level(logging.WARNING), pytest.raises(notifications.MailNotSentError):
        notifications.send_email.call(**ids, attempt=last)
    assert backend.results == []
    assert caplog.records[-1].levelno == logging.ERROR and "giving up" in caplog.records[-1].getMessage()


def test_the_immediate_backend_does_not_try_again(settings, editor, caplog):
    settings.MAILERS = BROKEN_MAILER
    reviewer = ReviewerFactory()
    version = DraftVersionFactory(created_by=editor)
    with caplog.at_level(logging.WARNING):
        result = notifications.send_email.enqueue(
            template="submitted", recipient_id=reviewer.pk, version_id=version.pk, actor_id=editor.pk
        )
    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path == "incidents.publishing.notifications.MailNotSentError"
    assert "giving up" in caplog.text
