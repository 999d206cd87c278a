"""A record's timeline in the admin: workflow events and field history, read-only."""

import pytest
from django.urls import reverse

from incidents.models import Check
from incidents.publishing import workflow
from tests.factories import HarmFactory, PublishedVersionFactory, record_of, revise

pytestmark = pytest.mark.django_db


def timeline_url(record):
    return reverse("admin:incidents_record_timeline", args=[record.pk])


@pytest.fixture
def busy_record(editor, reviewer):
    live = PublishedVersionFactory(created_by=editor)
    draft = revise(live.record, editor)
    draft.summary_fr = "Résumé revu."
    draft._history_user = editor
    draft.save()
    harm = HarmFactory.build(version=draft)
    harm._history_user = editor
    harm.save()
    workflow.submit(draft, by=editor)
    workflow.request_changes(draft, by=reviewer, check=Check.FACTUALITY, comment="Cite the advisory for the date.")
    return record_of(live)


@pytest.mark.parametrize("role", ["editor", "reviewer", "publisher"])
def test_editors_reviewers_and_publishers_read_the_timeline(client, request, busy_record, role):
    client.force_login(request.getfixturevalue(role))
    page = client.get(timeline_url(busy_record))
    assert page.status_code == 200
    html = page.content.decode()
    # Workflow events, with their comments…
    for text in (
        "Published",
        "Revision started",
        "Submitted for review",
        "Changes requested",
        "Cite the advisory for the date.",
    ):
        assert text in html
    # …and edits, field by field, with the language of the field.
    assert "summary (french)" in html
    assert "Harm – created" in html


def test_timeline_speaks_french_to_a_french_editor(client, editor, busy_record):
    client.force_login(editor)
    html = client.get(timeline_url(busy_record), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Préjudice – création" in html
    assert "Modifications demandées" in html


def test_timeline_is_linked_from_the_record_page(client, editor, busy_record):
    client.force_login(editor)
    assert (
        timeline_url(busy_record)
        in client.get(reverse("admin:incidents_record_change", args=[busy_record.pk])).content.decode()
    )


def test_timeline_cannot_be_posted_to(client, editor, busy_record):
    client.force_login(editor)
    assert client.post(timeline_url(busy_record)).status_code == 405


def test_anonymous_users_are_sent_to_log_in(client, busy_record):
    response = client.get(timeline_url(busy_record))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_workflow_events_and_sign_offs_have_no_admin_to_edit_or_delete_them(client, superuser):
    from django.contrib import admin

    from incidents.models import SignOff, WorkflowEvent

    assert not admin.site.is_registered(WorkflowEvent)
    assert not admin.site.is_registered(SignOff)
