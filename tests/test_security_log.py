"""The security log (logger ``dossier.security``, core/logging.py): one JSON
object per line for every login, workflow event and refused action; a
refused action is one line, never a traceback; redactions are logged by id,
reason and hash, never by their passage."""

import hashlib
import io
import json
import logging
import sys

import pytest
from django.conf import settings
from django.db import transaction

from core.logging import SECURITY_LOGGER, JsonFormatter, security_event
from incidents.models import RedactionReason
from incidents.publishing import workflow
from tests.factories import (
    PASSWORD,
    DraftVersionFactory,
    EditorFactory,
    InReviewVersionFactory,
    PublishedVersionFactory,
    PublisherFactory,
    ReviewerFactory,
)
from tests.test_login_throttling import WRONG, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def security_log():
    """The lines the security log writes, formatted as configured."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(SECURITY_LOGGER)
    logger.addHandler(handler)

    def lines():
        text = stream.getvalue()
        assert text == "" or text.endswith("\n")
        return [json.loads(line) for line in text.splitlines()]

    yield lines
    logger.removeHandler(handler)


def events(lines, name):
    return [line for line in lines() if line["event"] == name]


def test_the_security_log_is_configured_as_json_lines_of_its_own():
    assert settings.LOGGING["handlers"]["security"]["formatter"] == "json"
    assert settings.LOGGING["formatters"]["json"]["()"] == "core.logging.JsonFormatter"
    logger = logging.getLogger(SECURITY_LOGGER)
    assert not logger.propagate
    assert any(isinstance(handler.formatter, JsonFormatter) for handler in logger.handlers)


def test_a_line_is_one_valid_json_object_whatever_its_values(security_log):
    security_event("login.failed", username='eve\n{"event": "forged"}\u2028x', ip="198.51.100.7")
    [line] = security_log()
    assert line["event"] == "login.failed" and line["username"] == 'eve\n{"event": "forged"}\u2028x'
    assert {"time", "level", "event"} <= line.keys()


def test_an_error_in_a_line_is_named_not_traced():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(SECURITY_LOGGER, logging.ERROR, __file__, 1, "oops", (), sys.exc_info())
    text = JsonFormatter().format(record)
    assert "\n" not in text and "Traceback" not in text
    assert json.loads(text)["error"] == "ValueError: boom"


# Logins ---------------------------------------------------------------------------------


def test_a_successful_login_is_logged_with_the_user_and_address(client, security_log):
    user = EditorFactory(username="edith")
    login(client, "edith", PASSWORD)
    [line] = events(security_log, "login.succeeded")
    assert line == line | {"username": "edith", "user_id": user.pk, "ip": "198.51.100.7", "level": "INFO"}


def test_a_failed_login_is_one_line_without_the_password(client, security_log):
    EditorFactory(username="edith")
    login(client, "edith", WRONG)
    [line] = security_log()
    assert line == line | {"event": "login.failed", "username": "edith", "ip": "198.51.100.7", "failures": 1}
    assert WRONG not in json.dumps(line)


def test_the_failure_that_locks_and_each_attempt_while_locked_are_logged_as_locked_out(client, security_log):
    EditorFactory(username="edith")
    for _attempt in range(5):
        login(client, "edith", WRONG)
    login(client, "edith", PASSWORD)
    lines = security_log()
    assert [line["event"] for line in lines] == ["login.failed"] * 4 + ["login.locked_out"] * 2
    assert lines[4] == lines[4] | {"username": "edith", "ip": "198.51.100.7", "locked": "now", "failures": 5}
    assert lines[5] == lines[5] | {"username": "edith", "locked": "already", "failures": None}
    assert PASSWORD not in json.dumps(lines)


def test_a_logout_is_logged(client, security_log):
    client.force_login(EditorFactory(username="edith"))
    client.post("/admin/logout/")
    assert [line["username"] for line in events(security_log, "logout")] == ["edith"]


# Workflow events ------------------------------------------------------------------------------


def test_every_workflow_event_is_one_line_once_its_transaction_commits(
    security_log, django_capture_on_commit_callbacks
):
    draft = DraftVersionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(draft, by=draft.created_by, comment="a comment that stays in the database")
    [line] = events(security_log, "workflow")
    assert line == line | {
        "action": "submitted",
        "actor": draft.created_by.username,
        "actor_id": draft.created_by.pk,
        "record": draft.record.public_id,
        "version_id": draft.pk,
        "version_number": None,
        "from": "draft",
        "to": "in_review",
    }
    assert "comment" not in json.dumps(line)


def test_a_rolled_back_transition_logs_nothing(security_log, django_capture_on_commit_callbacks):
    draft = DraftVersionFactory()
    with (  # noqa: PT012 (the transition, then the failure that rolls it back)
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        workflow.submit(draft, by=draft.created_by)
        raise RuntimeError("something later failed")
    assert security_log() == []


def test_redactions_are_logged_by_id_reason_and_hash_never_by_their_passage(
    security_log, django_capture_on_commit_callbacks
):
    passage = "Quentin Quuxworth (613-555-0199)"
    version = PublishedVersionFactory(narrative_en=f"A caller, {passage}, was named.")
    with django_capture_on_commit_callbacks(execute=True):
        requested = workflow.request_redaction(
            version,
            by=PublisherFactory(),
            field="narrative",
            language="en",
            passage=passage,
            reason=RedactionReason.PERSONAL_DATA,
            explanation=f"It names {passage}.",
        )
        workflow.apply_redaction(requested, by=ReviewerFactory())
        other = PublishedVersionFactory(narrative_en=f"Again, {passage}.")
        declined = workflow.request_redaction(
            other,
            by=PublisherFactory(),
            field="narrative",
            language="en",
            passage=passage,
            reason=RedactionReason.LEGAL,
        )
        workflow.decline_redaction(declined, by=ReviewerFactory(), comment=f"{passage} is a public figure.")
    lines = [line for line in events(security_log, "workflow") if line["action"].startswith("redact")]
    assert [line["action"] for line in lines] == [
        "redaction_requested",
        "redacted",
        "redaction_requested",
        "redaction_declined",
    ]
    digest = hashlib.sha256(passage.encode()).hexdigest()
    for line in lines:
        assert {"redaction_id", "reason", "passage_sha256"} <= line.keys()
        assert line["passage_sha256"] == digest
    assert lines[0]["redaction_id"] == requested.pk and lines[0]["reason"] == "personal_data"
    assert lines[3]["redaction_id"] == declined.pk and lines[3]["reason"] == "legal"
    text = json.dumps(security_log())
    assert "Quuxworth" not in text and "613-555" not in text


# Refused actions ------------------------------------------------------------------------------


def test_a_forbidden_workflow_action_is_one_line_and_no_traceback(client, security_log, caplog, capsys):
    draft = DraftVersionFactory()
    reviewer = ReviewerFactory(username="rita")  # may view versions, not submit them
    client.force_login(reviewer)
    caplog.set_level(logging.INFO)
    response = client.post(f"/admin/incidents/recordversion/{draft.pk}/submit/")
    assert response.status_code == 403
    [line] = events(security_log, "workflow.refused")
    assert line == line | {
        "level": "WARNING",
        "user": "rita",
        "user_id": reviewer.pk,
        "action": "submit",
        "object": f"incidents.recordversion:{draft.pk}",
        "forbidden": True,
    }
    assert line["reason"]
    # Django does not log the same 403 again, with or without a traceback.
    assert [record for record in caplog.records if record.name == "django.request"] == []
    assert not any(record.exc_info for record in caplog.records)
    assert "Traceback" not in capsys.readouterr().err


def test_an_action_refused_in_this_state_is_one_line_and_the_user_is_told(client, security_log, caplog):
    draft = DraftVersionFactory()
    client.force_login(draft.created_by)
    caplog.set_level(logging.INFO)
    # A draft cannot go back to draft.
    response = client.post(f"/admin/incidents/recordversion/{draft.pk}/return-to-draft/", follow=True)
    assert response.status_code == 200
    assert [str(message) for message in response.context["messages"]]
    [line] = events(security_log, "workflow.refused")
    assert line == line | {"level": "INFO", "action": "return_to_draft", "forbidden": False}
    assert not any(record.exc_info for record in caplog.records)


def test_a_refusal_in_a_changelist_action_is_logged_per_version(client, security_log):
    draft = DraftVersionFactory()
    in_review = InReviewVersionFactory()
    client.force_login(draft.created_by)
    client.post(
        "/admin/incidents/recordversion/",
        {"action": "submit_selected", "_selected_action": [draft.pk, in_review.pk]},
    )
    [line] = events(security_log, "workflow.refused")
    assert line == line | {"action": "submit", "object": f"incidents.recordversion:{in_review.pk}", "forbidden": False}


def test_any_other_403_is_logged_by_django_on_one_line_without_a_traceback(client, caplog):
    version = PublishedVersionFactory()
    client.force_login(EditorFactory())  # no permission to publish
    caplog.set_level(logging.INFO)
    assert client.get(f"/admin/incidents/recordversion/{version.pk}/publish/").status_code == 403
    [record] = [record for record in caplog.records if record.name == "django.request"]
    assert record.getMessage().startswith("Forbidden (Permission denied)")
    assert record.exc_info is None
