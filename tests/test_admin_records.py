"""The record admin (identity), the admin's language, its CSP, and the
setup_roles command."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from incidents.models import Kind
from incidents.publishing import workflow
from incidents.publishing.roles import EDITORS, ROLE_PERMISSIONS
from tests.factories import (
    DraftVersionFactory,
    HazardDraftVersionFactory,
    PublishedVersionFactory,
    revise,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/incidents/record/"


def results(response):
    return [str(record) for record in response.context["cl"].result_list]


# Record changelist --------------------------------------------------------------


def test_changelist_shows_the_live_title_in_the_users_language(client, editor):
    both = PublishedVersionFactory(title_en="Deepfake hiring advisory", title_fr="Avis sur l'embauche hypertruquée")
    english_only = PublishedVersionFactory(title_en="English-only title", title_fr="")
    client.force_login(editor)

    html = client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr"' in html
    assert "Avis sur l&#x27;embauche hypertruquée" in html
    # Missing French: English, marked, never silently.
    assert '<span lang="en">English-only title</span>' in html
    assert "pas encore traduit en français" in html.lower()

    html = client.get(CHANGELIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Deepfake hiring advisory" in html and "Avis sur" not in html
    assert both.record.public_id in html and english_only.record.public_id in html


def test_changelist_shows_unpublished_records_and_their_open_version(client, editor):
    draft = DraftVersionFactory(title_en="Unpublished draft")
    client.force_login(editor)
    html = client.get(CHANGELIST).content.decode()
    assert "Unpublished draft" in html and "not yet published" in html
    assert draft.record.public_id in html


def test_records_are_found_by_public_id_and_by_title_in_both_languages(client, editor):
    target = PublishedVersionFactory(title_en="Voice cloning scam", title_fr="Arnaque par clonage de voix")
    PublishedVersionFactory(title_en="Something else", title_fr="Autre chose")
    client.force_login(editor)
    for query in (target.record.public_id, "cloning", "clonage"):
        assert results(client.get(CHANGELIST, {"q": query})) == [target.record.public_id], query


def test_record_filters(client, editor):
    published = PublishedVersionFactory()
    revise(published.record, editor)
    hazard = HazardDraftVersionFactory()
    withdrawn = PublishedVersionFactory()
    workflow.withdraw(withdrawn.record, by=_superuser(), reason_en="Duplicate", reason_fr="Doublon")
    client.force_login(editor)
    assert results(client.get(CHANGELIST, {"kind__exact": Kind.HAZARD})) == [hazard.record.public_id]
    assert results(client.get(CHANGELIST, {"withdrawn": "yes"})) == [withdrawn.record.public_id]
    assert set(results(client.get(CHANGELIST, {"open": "yes"}))) == {
        published.record.public_id,
        hazard.record.public_id,
    }
    assert results(client.get(CHANGELIST, {"open": "no"})) == [withdrawn.record.public_id]
    # Nonsense in the query string is not an error page.
    assert client.get(CHANGELIST, {"open": "maybe", "withdrawn": "1"}).status_code == 200


def _superuser():
    from tests.factories import SuperuserFactory

    return SuperuserFactory()


def test_records_are_added_through_the_version_editor(client, editor, reviewer):
    client.force_login(editor)
    html = client.get(CHANGELIST).content.decode()
    assert reverse("admin:incidents_recordversion_add") in html
    assert client.get(reverse("admin:incidents_record_add")).status_code == 403
    client.force_login(reviewer)
    assert reverse("admin:incidents_recordversion_add") not in client.get(CHANGELIST).content.decode()


def test_record_page_lists_versions_and_workflow_events_read_only(client, editor):
    published = PublishedVersionFactory()
    draft = revise(published.record, editor)
    client.force_login(editor)
    response = client.get(reverse("admin:incidents_record_change", args=[published.record_id]))
    html = response.content.decode()
    assert reverse("admin:incidents_recordversion_change", args=[published.pk]) in html
    assert reverse("admin:incidents_recordversion_change", args=[draft.pk]) in html
    assert "Revision started" in html and "Submitted for review" in html
    assert not response.context["has_change_permission"]
    # A revision is already open: no second "start revision" button.
    assert reverse("admin:incidents_record_start_revision", args=[published.record_id]) not in html


# Record workflow URLs -----------------------------------------------------------


@pytest.mark.parametrize("object_id", ["999999", "not-a-number"])
@pytest.mark.parametrize(("name", "method"), [("start_revision", "post"), ("withdraw", "post"), ("timeline", "get")])
def test_record_workflow_views_answer_404_for_an_unknown_record(client, superuser, name, method, object_id):
    """The timeline only shows (a POST to it is a 405, refused before any
    lookup); the other two act. None may redirect as if the record existed."""
    client.force_login(superuser)
    url = reverse(f"admin:incidents_record_{name}", args=[object_id])
    assert getattr(client, method)(url).status_code == 404


# Language ------------------------------------------------------------------------


def test_admin_follows_the_browser_language(client, editor):
    client.force_login(editor)
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9").content.decode()
    assert '<html lang="fr"' in html and "Déconnexion" in html


def test_language_switcher_posts_to_set_language_and_sticks(client, editor):
    client.force_login(editor)
    html = client.get("/admin/incidents/record/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'action="/i18n/setlang/"' in html and 'name="language"' in html
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/admin/incidents/record/"})
    assert response.status_code == 302 and response["Location"] == "/admin/incidents/record/"
    html = client.get("/admin/incidents/record/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr"' in html


# Content-Security-Policy -------------------------------------------------------------


def test_admin_pages_keep_the_strict_policy_and_have_no_inline_code(client, editor):
    version = DraftVersionFactory(created_by=editor)
    client.force_login(editor)
    for url in (
        "/admin/",
        "/admin/incidents/recordversion/add/",
        reverse("admin:incidents_recordversion_change", args=[version.pk]),
        reverse("admin:incidents_recordversion_history", args=[version.pk]),
        reverse("admin:incidents_record_change", args=[version.record_id]),
        "/admin/evidence/source/",
        "/admin/incidents/record/",
        "/admin/taxonomy/term/",
    ):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, url
        html = response.content.decode()
        assert " style=" not in html and "<style" not in html, url
        assert "<script>" not in html, url


# setup_roles -----------------------------------------------------------------------------


def test_setup_roles_resets_the_groups_and_can_run_twice():
    editors = Group.objects.get(name=EDITORS)
    editors.permissions.remove(Permission.objects.get(codename="add_hazardlink"))
    editors.permissions.add(Permission.objects.get(codename="publish_version"))
    call_command("setup_roles", verbosity=0)
    call_command("setup_roles", verbosity=0)
    for name, wanted in ROLE_PERMISSIONS.items():
        have = {
            f"{app}.{codename}"
            for app, codename in Group.objects.get(name=name).permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert have == set(wanted), name
    assert "incidents.add_hazardlink" in ROLE_PERMISSIONS[EDITORS]


def test_editors_may_add_change_and_delete_every_kind_of_part():
    """The version page shows each part as an inline, hidden from whoever
    lacks its permissions: every part of VERSION_PART_MODELS is the editors'."""
    from incidents.models import VERSION_PART_MODELS

    for model in VERSION_PART_MODELS:
        for action in ("add", "change", "delete"):
            assert f"incidents.{action}_{model._meta.model_name}" in ROLE_PERMISSIONS[EDITORS]
