"""French where French exists: the names of rows in the active language,
the admin in French, e-mails in French, and French typography."""

import datetime
import html as html_module
import io
import re

import polib
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from core.i18n import date_format
from core.models import Preference
from incidents.models import ChecklistItem, RecordVersion
from incidents.publishing import notifications, review, roles, workflow
from taxonomy.models import Entity, Taxonomy, Term
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
from tests.test_admin_translations import CATALOGUE

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


# French typography ---------------------------------------------------------------------


def test_french_writes_the_first_of_the_month_as_an_ordinal():
    with translation.override("fr"):
        assert date_format(datetime.date(2026, 3, 1)) == "1er mars 2026"
        assert date_format(datetime.date(2026, 3, 11)) == "11 mars 2026"
    with translation.override("en"):
        assert date_format(datetime.date(2026, 3, 1)) == "March 1, 2026"


def test_french_short_admin_dates_follow_the_glossary():
    moment = datetime.datetime(2026, 11, 30, 14, 30, tzinfo=datetime.UTC)
    with translation.override("fr"):
        assert date_format(moment, "SHORT_DATETIME_FORMAT") == "2026-11-30 14 h 30"


def test_a_french_page_title_has_a_non_breaking_space_before_its_colon(client):
    live = PublishedVersionFactory(title_fr="Titre français")
    html = client.get(f"/fr/incidents/{live.record.public_id}/").content.decode()
    assert f"<title>{live.record.public_id}\u00a0: Titre français" in html
    english = client.get(f"/en/incidents/{live.record.public_id}/").content.decode()
    assert f"<title>{live.record.public_id}: {live.title_en}" in english


def test_a_french_feed_entry_title_has_a_non_breaking_space_before_its_colon(client):
    live = PublishedVersionFactory(title_fr="Titre français")
    feed = client.get("/fr/feeds/records.atom").content.decode()
    assert f"{live.record.public_id} v1\u00a0: Titre français" in feed


def test_others_not_shown_are_counted_in_the_singular_or_plural():
    with translation.override("fr"):
        assert ngettext("and %(count)d more", "and %(count)d more", 1) % {"count": 1} == "et 1 autre"
        assert ngettext("and %(count)d more", "and %(count)d more", 2) % {"count": 2} == "et 2 autres"


def test_french_uses_nouvelle_version_for_a_new_version_and_revision_for_a_review_only():
    with translation.override("fr"):
        assert gettext("Start a revision") == "Créer une nouvelle version"
        assert "révision" not in gettext("Revision started").lower()
        assert gettext("In review") == "En révision"


def test_french_apostrophes_are_typographic():
    for entry in polib.pofile(str(CATALOGUE)).translated_entries():
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            assert "'" not in text, entry.msgid


# The test: no English name on a French admin page --------------------------------


def test_no_french_admin_page_shows_the_english_name_of_a_demo_term_entity_or_checklist_item(client):
    call_command("load_demo", force=True, stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="admin"))
    english_only = set()
    for model, field in ((Term, "name"), (Taxonomy, "name"), (Entity, "name"), (ChecklistItem, "text")):
        for row in model.objects.all():
            english, french = getattr(row, f"{field}_en"), getattr(row, f"{field}_fr")
            # A name that is the same in both, or a word of a longer French one, says nothing.
            if french and english != french and english not in french:
                english_only.add(english)
    assert len(english_only) > 20
    paths = []
    for model in (Term, Taxonomy, Entity, ChecklistItem, RecordVersion):
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths.append(reverse(f"{prefix}_changelist"))
        paths += [reverse(f"{prefix}_change", args=[pk]) for pk in model.objects.values_list("pk", flat=True)]
    for path in paths:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 200, path
        # Text inputs hold what is edited there, as typed: the English fields
        # their English, an external category's label its own.
        html = re.sub(r'<input[^>]*type="text"[^>]*>', "", response.content.decode())
        html = re.sub(r"<textarea[^>]*>.*?</textarea>", "", html, flags=re.S)
        # So do the English fields of a read-only version (its English tab).
        html = re.sub(r'field-[\w-]+_en\b[^>]*>(?:(?!field-).)*?<div class="readonly">.*?</div>', "", html, flags=re.S)
        html = re.sub(r'<td class="field-[\w-]+_en\b[^"]*">.*?</td>', "", html, flags=re.S)
        # A source's title stays in the source's own language, as cited.
        html = re.sub(r'<a href="/admin/evidence/source/\d+/change/">.*?</a>', "", html, flags=re.S)
        html = html_module.unescape(html)
        shown = {name for name in english_only if re.search(rf"(?<![\w’']){re.escape(name)}(?![\w’'])", html)}
        assert not shown, (path, shown)
