"""The work queues on the admin home page: each user sees exactly the
versions waiting for them, at a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import Check, Decision, RecordVersion
from incidents.publishing import queues, workflow
from incidents.publishing.roles import EDITORS, REVIEWERS
from tests.factories import (
    ApprovedVersionFactory,
    DraftVersionFactory,
    EntityRoleFactory,
    HarmFactory,
    InReviewVersionFactory,
    PublishedVersionFactory,
    ReviewerFactory,
    SuperuserFactory,
    UserFactory,
    record_of,
    revise,
)
from tests.review_helpers import review_url

pytestmark = pytest.mark.django_db


def pks(versions):
    return {version.pk for version in versions}


def queue(user, key):
    return next(q for q in queues.for_user(user) if q.key == key)


# Who is an author -------------------------------------------------------------


def test_contributor_filter_agrees_with_contributor_ids(editor, other_editor, reviewer, other_reviewer):
    own = DraftVersionFactory(created_by=editor)
    edited = DraftVersionFactory(created_by=other_editor)
    edited.summary_en = "Edited by Edith."
    edited._history_user = editor
    edited.save()
    part_added = DraftVersionFactory(created_by=other_editor)
    harm = HarmFactory(version=part_added)  # made in code: no history user
    harm.description_en = "Changed by Edith."
    harm._history_user = editor
    harm.save()
    # Signed by the reviewers: a status change is not an edit.
    signed = ApprovedVersionFactory(created_by=other_editor)
    workflow_only = InReviewVersionFactory(created_by=other_editor)
    workflow.return_to_draft(workflow_only, by=editor)
    versions = [own, edited, part_added, signed, workflow_only]
    for user in (editor, other_editor, reviewer, other_reviewer):
        expected = {version.pk for version in versions if user.pk in version.contributor_ids()}
        assert pks(RecordVersion.objects.contributed_to_by(user)) == expected
        assert (
            pks(RecordVersion.objects.filter(pk__in=pks(versions)).not_contributed_to_by(user))
            == pks(versions) - expected
        )
    assert pks(RecordVersion.objects.contributed_to_by(editor)) == {own.pk, edited.pk, part_added.pk}


def test_contributors_are_read_in_one_query_whatever_the_parts(editor, other_editor, reviewer):
    version = DraftVersionFactory(created_by=other_editor)
    for n in range(3):
        harm = HarmFactory(version=version)
        harm.description_en = f"Edited by Edith ({n})."
        harm._history_user = editor
        harm.save()
    entity = EntityRoleFactory(version=version).entity
    entity.name_en = "Renamed after the version was started"
    entity._history_user = reviewer
    entity.save()
    with CaptureQueriesContext(connection) as queries:
        assert version.contributor_ids() == {other_editor.pk, editor.pk, reviewer.pk}
    assert len(queries) == 1


# Editors ------------------------------------------------------------------------


def test_editor_sees_own_drafts_and_changes_requested_only(editor, other_editor, reviewer):
    mine = DraftVersionFactory(created_by=editor)
    theirs = DraftVersionFactory(created_by=other_editor)
    sent_back = InReviewVersionFactory(created_by=editor)
    workflow.request_changes(sent_back, by=reviewer, check=Check.NEUTRALITY, comment="Attribute the claim.")
    in_review = InReviewVersionFactory(created_by=editor)
    revision = revise(PublishedVersionFactory(created_by=other_editor).record, editor=other_editor)
    revision.title_en = "Edith corrected the title"
    revision._history_user = editor
    revision.save()

    work = queue(editor, "my-work").versions
    assert pks(work) == {mine.pk, sent_back.pk, revision.pk}
    assert theirs.pk not in pks(work) and in_review.pk not in pks(work)
    assert [q.key for q in queues.for_user(editor)] == ["my-work", "published"]


def test_editor_rows_link_to_the_editor_and_carry_the_request(editor, reviewer, client):
    sent_back = InReviewVersionFactory(created_by=editor)
    workflow.request_changes(sent_back, by=reviewer, check=Check.FACTUALITY, comment="Check the date.")
    [row] = queue(editor, "my-work").versions
    assert row.work_url == f"/admin/incidents/recordversion/{sent_back.pk}/change/"
    assert row.submitted_by == editor and row.submitted_at is not None
    assert [decision for _label, decision in row.decisions] == [None, Decision.REQUEST_CHANGES]


# Reviewers ----------------------------------------------------------------------


def test_reviewer_sees_versions_in_review_not_authored_and_not_yet_signed(reviewer, other_reviewer, editor):
    """...and never the second check of a version whose first they signed."""
    waiting = InReviewVersionFactory(created_by=editor)
    neutral_done = InReviewVersionFactory(created_by=editor)
    workflow.sign_off(neutral_done, by=other_reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    signed_by_me = InReviewVersionFactory(created_by=editor)
    workflow.sign_off(signed_by_me, by=reviewer, check=Check.FACTUALITY, decision=Decision.APPROVE)
    DraftVersionFactory(created_by=editor)
    ApprovedVersionFactory(created_by=editor)

    assert pks(queue(reviewer, "neutrality").versions) == {waiting.pk}
    assert pks(queue(reviewer, "factuality").versions) == {waiting.pk, neutral_done.pk}


def test_reviewer_never_sees_a_version_they_created_or_edited(editor):
    both = ReviewerFactory(groups=(EDITORS, REVIEWERS))
    InReviewVersionFactory(created_by=both)  # their own: in none of their review queues
    edited = DraftVersionFactory(created_by=editor)
    HarmFactory(version=edited)
    harm = edited.harms.get()
    harm.affected_group_en = "Edited by the reviewer"
    harm._history_user = both
    harm.save()
    workflow.submit(edited, by=editor)
    other = InReviewVersionFactory(created_by=editor)
    for check in Check.values:
        assert pks(queue(both, check).versions) == {other.pk}
    # What the reviewer created or edited is their own work instead.
    assert pks(queue(both, "my-work").versions) == set()
    assert queue(both, "neutrality").versions[0].work_url == review_url(other)


def test_a_new_round_shows_the_version_again_to_the_reviewer_who_signed(reviewer, other_reviewer, editor):
    version = InReviewVersionFactory(created_by=editor)
    workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    assert version.pk not in pks(queue(reviewer, "neutrality").versions)
    workflow.return_to_draft(version, by=editor)
    workflow.submit(version, by=editor)
    [row] = queue(reviewer, "neutrality").versions
    assert row.pk == version.pk
    # The sign-off of the last round is void: nothing signed in this one.
    assert [decision for _label, decision in row.decisions] == [None, None]


def test_round_decisions_are_those_since_the_latest_submission(reviewer, other_reviewer, editor):
    version = InReviewVersionFactory(created_by=editor)
    workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    [row] = [v for v in queue(other_reviewer, "factuality").versions if v.pk == version.pk]
    assert [decision for _label, decision in row.decisions] == [Decision.APPROVE, None]
    workflow.return_to_draft(version, by=editor)
    [row] = queue(editor, "my-work").versions
    assert [decision for _label, decision in row.decisions] == [None, None]


def test_editor_and_publisher_have_no_reviewer_queue(editor, publisher):
    InReviewVersionFactory()
    assert queues.awaiting_sign_off(editor, Check.NEUTRALITY).count() == 0
    assert "neutrality" not in [q.key for q in queues.for_user(publisher)]


# Publishers and everyone ------------------------------------------------------------


def test_publisher_sees_approved_versions_and_goes_to_their_publish_page(publisher, reviewer):
    approved = ApprovedVersionFactory()
    InReviewVersionFactory()
    PublishedVersionFactory()
    [row] = queue(publisher, "ready").versions
    assert row.pk == approved.pk
    assert [decision for _label, decision in row.decisions] == [Decision.APPROVE, Decision.APPROVE]
    assert row.work_url == f"/admin/incidents/recordversion/{approved.pk}/publish/"
    assert "ready" not in [q.key for q in queues.for_user(reviewer)]


def test_recently_published_lists_the_latest_first_and_is_bounded(reviewer):
    first = PublishedVersionFactory()
    second = PublishedVersionFactory()
    draft = revise(record_of(first))
    rows = queue(reviewer, "published").versions
    assert [row.pk for row in rows] == [second.pk, first.pk]
    assert draft.pk not in pks(rows)
    for _ in range(queues.RECENTLY_PUBLISHED):
        PublishedVersionFactory()
    published = queue(reviewer, "published")
    assert len(published.versions) == queues.RECENTLY_PUBLISHED
    assert published.more_url.endswith("?status__exact=published")


def test_users_without_view_permission_get_no_queue(db):
    assert queues.for_user(UserFactory()) == []


# The admin home page -----------------------------------------------------------------


def test_admin_home_shows_the_queues_above_the_app_list(client, reviewer, editor):
    version = InReviewVersionFactory(created_by=editor, title_en="Deepfake hiring advisory")
    client.force_login(reviewer)
    html = client.get("/admin/").content.decode()
    assert html.index('id="queue-neutrality"') < html.index('class="app-list"')
    assert "Deepfake hiring advisory" in html
    assert review_url(version) in html
    assert "You have no draft and no version with changes requested." in html
    assert "No version has been published yet." in html


def test_admin_home_titles_are_in_the_users_language(client, reviewer, editor):
    InReviewVersionFactory(
        created_by=editor, title_en="Deepfake hiring advisory", title_fr="Avis sur l’embauche hypertruquée"
    )
    InReviewVersionFactory(created_by=editor, title_en="Voice cloning scam", title_fr="")
    client.force_login(reviewer)
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Avis sur l’embauche hypertruquée" in html and "Deepfake hiring advisory" not in html
    assert '<span lang="en" class="untranslated">Voice cloning scam</span>' in html
    assert "Pas encore traduit en français" in html
    assert "En attente de ma vérification de la neutralité" in html


def count_home_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/")
    assert response.status_code == 200
    return len(queries)


def some_of_everything(editor, reviewer):
    DraftVersionFactory(created_by=editor)
    sent_back = InReviewVersionFactory(created_by=editor)
    workflow.request_changes(sent_back, by=reviewer, check=Check.NEUTRALITY, comment="Attribute it.")
    signed = InReviewVersionFactory(created_by=editor)
    workflow.sign_off(signed, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    InReviewVersionFactory(created_by=editor)
    ApprovedVersionFactory(created_by=editor)
    PublishedVersionFactory(created_by=editor)


# Session and user, five queues and the redactions awaiting a decision (one
# query each), the submitters' names and the admin's "recent actions"; a
# superuser needs no permission query.
SUPERUSER_HOME_QUERIES = 10
# A reviewer: four queues and the redactions, plus their own and their
# groups' permissions.
REVIEWER_HOME_QUERIES = 11


def test_admin_home_query_count_is_pinned_and_does_not_grow_with_versions(client, editor, reviewer, other_reviewer):
    # A superuser sees every queue; the editor is the author of every row.
    root = SuperuserFactory()
    some_of_everything(editor, reviewer)
    client.force_login(root)
    few = count_home_queries(client)
    client.force_login(other_reviewer)
    few_for_reviewer = count_home_queries(client)
    for _ in range(3):
        some_of_everything(editor, reviewer)
    client.force_login(root)
    assert count_home_queries(client) == few == SUPERUSER_HOME_QUERIES
    client.force_login(other_reviewer)
    assert count_home_queries(client) == few_for_reviewer == REVIEWER_HOME_QUERIES
    assert [q.key for q in queues.for_user(root)] == ["my-work", "neutrality", "factuality", "ready", "published"]
    assert all(len(q.versions) >= 4 for q in queues.for_user(root) if q.key != "my-work")
