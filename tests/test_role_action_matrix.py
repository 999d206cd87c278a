"""
Who may do what, at the HTTP level: every role × every action, with the
status code the request gets and whether anything changed.

Each cell is a real request a browser (or a forger) could send, on a fresh
object in the state the action needs. "login" means the anonymous user is
sent to the login page; 302 is the redirect after the action succeeded;
403 means refused, with nothing written. ``EXPECTED`` is the table.
"""

import pytest
from django.contrib.auth import get_user
from django.urls import reverse

from incidents import rules
from incidents.models import Check, Record, RecordVersion, Redaction, RedactionStatus, Status
from incidents.publishing import workflow
from tests.admin_helpers import change_form_data, new_version_data, version_url
from tests.factories import (
    ApprovedVersionFactory,
    DraftVersionFactory,
    EditorFactory,
    InReviewVersionFactory,
    PublishedVersionFactory,
    PublisherFactory,
    ReviewerFactory,
    SuperuserFactory,
    record_of,
    requested_redaction,
)
from tests.review_helpers import sign_off_data, sign_off_url

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "editor", "reviewer", "publisher", "superuser"]
MAKE_USER = {
    "anonymous": lambda: None,
    "editor": EditorFactory,
    "reviewer": ReviewerFactory,
    "publisher": PublisherFactory,
    "superuser": SuperuserFactory,
}

EXPECTED = {  # anonymous, editor, reviewer, publisher, superuser
    "view": ["login", 200, 200, 200, 200],
    "add": ["login", 302, 403, 403, 302],
    "change": ["login", 302, 403, 403, 302],
    "submit": ["login", 302, 403, 403, 302],
    "sign off": ["login", 403, 302, 403, 302],
    # Two different reviewers: nobody signs the second check after the first.
    "sign both checks": ["login", 403, 403, 403, 403],
    "publish": ["login", 403, 403, 302, 302],
    "withdraw": ["login", 403, 403, 302, 302],
    "request redaction": ["login", 403, 403, 302, 302],
    # A second person: reviewers and publishers other than the requester.
    "apply redaction": ["login", 403, 302, 302, 302],
}


# Each action: make its object, send the request, say whether it took effect.


def view(client):
    draft = DraftVersionFactory()
    return client.get(version_url(draft)), None


def add(client):
    before = Record.objects.count()
    response = client.post(reverse("admin:incidents_recordversion_add"), new_version_data())
    return response, lambda: Record.objects.count() == before + 1


def change(client):
    draft = DraftVersionFactory(title_en="Before")
    author = SuperuserFactory()
    author_client = client.__class__()
    author_client.force_login(author)
    data = change_form_data(author_client.get(version_url(draft)), title_en="After")
    response = client.post(version_url(draft), data)
    return response, lambda: RecordVersion.objects.get(pk=draft.pk).title_en == "After"


def submit(client):
    draft = DraftVersionFactory()
    response = client.post(version_url(draft, "submit"))
    return response, lambda: RecordVersion.objects.get(pk=draft.pk).status == Status.IN_REVIEW


def sign_off(client):
    version = InReviewVersionFactory()
    response = client.post(sign_off_url(version), sign_off_data(version, Check.NEUTRALITY, "approve"))
    return response, lambda: version.sign_offs.exists()


def sign_both_checks(client):
    version = InReviewVersionFactory()
    user = get_user(client)
    if rules.sign_off_refusal(version, user, Check.NEUTRALITY) is None:
        workflow.sign_off(version, by=user, check=Check.NEUTRALITY, decision="approve")
    response = client.post(sign_off_url(version), sign_off_data(version, Check.FACTUALITY, "approve"))
    return response, lambda: version.sign_offs.filter(check_type=Check.FACTUALITY).exists()


def publish(client):
    version = ApprovedVersionFactory()
    notes = {"change_note_en": "Initial publication", "change_note_fr": "Première publication"}
    response = client.post(version_url(version, "publish"), notes)
    return response, lambda: RecordVersion.objects.get(pk=version.pk).status == Status.PUBLISHED


def withdraw(client):
    record = record_of(PublishedVersionFactory())
    reasons = {"reason_en": "Duplicate.", "reason_fr": "Doublon.", "confirm": "on"}
    response = client.post(reverse("admin:incidents_record_withdraw", args=[record.pk]), reasons)
    return response, lambda: Record.objects.get(pk=record.pk).is_withdrawn


def request_redaction(client):
    version = PublishedVersionFactory(narrative_en="A caller, Jane Roe, was named.")
    data = {"field": "narrative", "language": "en", "passage": "Jane Roe", "reason": "personal_data"}
    response = client.post(reverse("admin:incidents_recordversion_redact", args=[version.pk]), data)
    return response, lambda: Redaction.objects.filter(version=version).exists()


def apply_redaction(client):
    redaction = requested_redaction()
    response = client.post(reverse("admin:incidents_redaction_decide", args=[redaction.pk]), {"apply": "1"})
    return response, lambda: Redaction.objects.get(pk=redaction.pk).status == RedactionStatus.APPLIED


ACTIONS = {
    "view": view,
    "add": add,
    "change": change,
    "submit": submit,
    "sign off": sign_off,
    "sign both checks": sign_both_checks,
    "publish": publish,
    "withdraw": withdraw,
    "request redaction": request_redaction,
    "apply redaction": apply_redaction,
}

CELLS = [(action, role, EXPECTED[action][index]) for action in EXPECTED for index, role in enumerate(ROLES)]


@pytest.mark.parametrize(("action", "role", "expected"), CELLS, ids=[f"{a}-{r}" for a, r, _e in CELLS])
def test_role_action_matrix(client, action, role, expected):
    user = MAKE_USER[role]()
    if user is not None:
        client.force_login(user)
    response, took_effect = ACTIONS[action](client)
    if expected == "login":
        assert response.status_code == 302 and "/admin/login/" in response["Location"], response
    else:
        assert response.status_code == expected, (action, role, response.status_code)
    if took_effect is not None:
        # Success redirects and only success changes anything.
        assert took_effect() == (expected == 302), f"{action} by {role}: effect does not match {expected}"


def test_the_matrix_covers_every_role_and_action():
    assert set(EXPECTED) == set(ACTIONS)
    assert all(len(row) == len(ROLES) for row in EXPECTED.values())
