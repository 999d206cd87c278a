"""French where French exists: the names of rows in the active language,
the admin in French, e-mails in French, and French typography."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.models import Preference
from incidents.models import RecordVersion
from incidents.publishing import notifications, review, roles, workflow
from tests.factories import (
    ChecklistItemFactory,
    DraftVersionFactory,
    EditorFactory,
    EntityFactory,
    HarmFactory,
    JurisdictionFactory,
    PolicyRecommendationFactory,
    PublishedVersionFactory,
    ReviewerFactory,
    SourceFactory,
    SuperuserFactory,
    TaxonomyFactory,
    TermFactory,
    revise,
)

pytestmark = pytest.mark.django_db


# Names of rows ---------------------------------------------------------------------


def test_a_row_is_named_in_the_active_language():
    taxonomy = TaxonomyFactory(name_en="Sector", name_fr="Secteur")
    term = TermFactory(taxonomy=taxonomy, name_en="Health", name_fr="Santé")
    entity = EntityFactory(name_en="Health Canada", name_fr="Santé Canada")
    item = ChecklistItemFactory(text_en="Neutral wording.", text_fr="Formulation neutre.")
    version = DraftVersionFactory()
    harm = HarmFactory(version=version, description_en="Lost savings", description_fr="Économies perdues")
    recommendation = PolicyRecommendationFactory(version=version, text_en="Audit it", text_fr="L’auditer")
    jurisdiction = JurisdictionFactory(version=version, country="CA", region_en="Quebec", region_fr="Québec")
    source = SourceFactory(publisher_en="RCMP", publisher_fr="GRC", published_on=None)
    with translation.override("fr"):
        assert str(taxonomy) == "Secteur"
        assert str(term) == "Secteur › Santé"
        assert str(entity) == "Santé Canada"
        assert str(item) == "Vérification de la neutralité\u00a0: Formulation neutre."
        assert str(harm) == "Économies perdues"
        assert str(recommendation) == "L’auditer"
        assert str(jurisdiction) == "Canada – Québec"
        assert str(source).endswith("(GRC)")
    with translation.override("en"):
        assert str(term) == "Sector › Health"
        assert str(item) == "Neutrality check: Neutral wording."
        assert str(jurisdiction) == "Canada – Quebec"


def test_a_row_without_a_name_in_the_active_language_is_named_in_the_other():
    entity = EntityFactory(slug="only-french", name_en="", name_fr="Agence")
    term = TermFactory(name_en="Only English", name_fr="")
    with translation.override("en"):
        assert str(entity) == "Agence"
    with translation.override("fr"):
        assert str(term).endswith("› Only English")
    assert str(EntityFactory(slug="nameless", name_en="", name_fr="")) == "nameless"


# Groups, permissions, history ---------------------------------------------------------


def test_a_french_admin_page_names_the_role_groups_and_their_permissions_in_french(client):
    client.force_login(SuperuserFactory())
    editors = Group.objects.get(name=roles.EDITORS)
    html = client.get(reverse("admin:auth_group_change", args=[editors.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Peut soumettre une version pour révision" in html
    assert "Can submit a version for review" not in html
    assert "Peut ajouter\u00a0: terme" in html and "Can add term" not in html
    changelist = client.get(reverse("admin:auth_group_changelist"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Rédaction" in changelist and ">Editors<" not in changelist


def test_an_empty_value_in_the_history_is_shown_in_words_not_as_none(client):
    client.force_login(SuperuserFactory())
    entity = EntityFactory(description_en="", description_fr="")
    entity.description_fr = "Une description."
    entity.save()
    html = client.get(
        reverse("admin:taxonomy_entity_history", args=[entity.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "(vide)" in html
    assert "None" not in html


# E-mails in French -----------------------------------------------------------------


def test_the_language_switcher_sets_the_language_of_ones_e_mails(client):
    user = EditorFactory()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "fr", "next": "/admin/"})
    assert Preference.objects.get(user=user).language == "fr"
    client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    assert Preference.objects.get(user=user).language == "en"


def test_an_anonymous_language_switch_stores_no_preference(client):
    assert client.post(reverse("set_language"), {"language": "fr", "next": "/fr/"}).status_code == 302
    assert not Preference.objects.exists()


def test_a_superuser_sets_someones_e_mail_language_in_the_admin(client):
    client.force_login(SuperuserFactory())
    user = EditorFactory()
    response = client.post(reverse("admin:core_preference_add"), {"user": user.pk, "language": "fr"})
    assert response.status_code == 302
    assert Preference.objects.get(user=user).language == "fr"


def test_a_french_e_mail_subject_keeps_its_non_breaking_space_and_greets_by_full_name(
    django_capture_on_commit_callbacks, editor
):
    reviewer = ReviewerFactory(first_name="Chloé", last_name="Gagnon")
    Preference.objects.create(user=reviewer, language="fr")
    draft = DraftVersionFactory(created_by=editor, title_fr="Embauche hypertruquée")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(draft, by=editor)
    (message,) = mail.outbox
    assert "\u00a0: Embauche hypertruquée" in message.subject
    assert message.body.startswith("Bonjour Chloé Gagnon,")


def test_an_e_mail_greets_someone_without_a_name_by_their_username(django_capture_on_commit_callbacks, editor):
    reviewer = ReviewerFactory(first_name="", last_name="")
    draft = DraftVersionFactory(created_by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(draft, by=editor)
    assert mail.outbox[0].body.startswith(f"Hello {reviewer.username},")


def test_a_subject_is_one_line_whatever_the_title():
    assert notifications.one_line("[Dossier]  INC-0001\u00a0: a\nb\r\n c ") == "[Dossier] INC-0001\u00a0: a b c"


# French left stale ---------------------------------------------------------------------


def revision_with_stale_title(editor):
    live = PublishedVersionFactory(created_by=editor, title_en="Old title", title_fr="Ancien titre")
    draft = revise(live.record, editor)
    draft.title_en = "New title"
    draft.save()
    return draft


def test_the_version_editor_shows_french_left_stale_by_an_english_change(client, editor):
    draft = revision_with_stale_title(editor)
    client.force_login(editor)
    html = client.get(
        reverse("admin:incidents_recordversion_change", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "1 French text may be out of date" in html
    assert "Complete: every text with English has its French." not in html


def test_the_version_editor_calls_a_translation_complete_only_when_nothing_is_stale(client, editor):
    live = PublishedVersionFactory(created_by=editor)
    draft = revise(live.record, editor)
    client.force_login(editor)
    html = client.get(reverse("admin:incidents_recordversion_change", args=[draft.pk])).content.decode()
    assert "Complete: every text with English has its French." in html


def test_the_work_queues_count_french_left_stale(client, editor):
    revision_with_stale_title(editor)
    client.force_login(editor)
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 French text out of date" in html


def test_stale_french_of_many_versions_costs_a_fixed_number_of_queries(editor):
    def count(versions):
        with CaptureQueriesContext(connection) as queries:
            review.stale_french_of(versions)
        return len(queries)

    one = [RecordVersion.objects.select_related("record").get(pk=revision_with_stale_title(editor).pk)]
    for _ in range(3):
        revision_with_stale_title(editor)
    many = list(RecordVersion.objects.select_related("record").filter(status="draft"))
    assert len(many) == 4
    assert count(many) == count(one)
    assert all(len(stale) == 1 for stale in review.stale_french_of(many).values())
