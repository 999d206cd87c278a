"""The review screen: both previews, what changed in both languages, the
French texts missing or stale, the checklists and the sign-off rounds."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import Check, ChecklistItem, Decision
from incidents.publishing import review, workflow
from tests.factories import (
    ChecklistItemFactory,
    CitationFactory,
    DraftVersionFactory,
    EditorFactory,
    EntityFactory,
    EntityRoleFactory,
    HarmFactory,
    InReviewVersionFactory,
    JurisdictionFactory,
    PublishedHazardVersionFactory,
    PublishedVersionFactory,
    UserFactory,
    approve,
    full_record,
    publish,
    record_of,
    revise,
)
from tests.review_helpers import preview_url, review_url, sign_off_data, sign_off_url

pytestmark = pytest.mark.django_db


def edit(obj, by, **fields):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj._history_user = by
    obj.save()
    return obj


@pytest.fixture
def revision(editor):
    """A revision of a full record: the title changed in both languages, the
    narrative in English only, a harm added (without French), an entity role
    removed, a citation's note changed."""
    live = full_record()
    draft = revise(record_of(live), editor=editor)
    edit(
        draft,
        editor,
        title_en="Canadian advisory warned of AI-enabled deepfake IT workers",
        title_fr="Un avis canadien met en garde contre des informaticiens hypertrucés par l’IA",
        narrative_en=draft.narrative_en.replace("five agencies", "five security agencies"),
    )
    edit(
        HarmFactory.build(
            version=draft, description_en="Payroll data was exposed.", description_fr="", affected_group_fr="", order=3
        ),
        editor,
    )
    draft.entity_roles.get(role="threat_actor").delete()
    citation = draft.citations.get(key="bnn-2025")
    edit(citation, editor, corroborates_en="Scope and date of the advisory", corroborates_fr="Portée et date de l’avis")
    return draft


def page(client, user, version, **headers):
    client.force_login(user)
    response = client.get(review_url(version), **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_review_screen_shows_both_previews_and_links_to_each(client, reviewer, revision):
    html = page(client, reviewer, revision)
    for lang in ("en", "fr"):
        assert f'<iframe src="{preview_url(revision, lang)}"' in html
        assert f'<a href="{preview_url(revision, lang)}" hreflang="{lang}">' in html
    assert 'title="English preview"' in html and 'title="French preview"' in html


def test_diff_shows_changed_fields_in_both_languages(client, reviewer, revision):
    html = page(client, reviewer, revision)
    changes = html[html.index('id="review-changes-title"') : html.index('id="review-checks-title"')]
    assert "What changed since v1" in changes
    title = changes[changes.index('id="review-change-title"') : changes.index('id="review-change-narrative"')]
    assert "<p>Canadian advisory warned of <ins>AI-enabled </ins>deepfake IT workers</p>" in title
    assert (
        '<p lang="fr">Un avis canadien met en garde contre des informaticiens hypertrucés<ins> par l’IA</ins></p>'
        in title
    )
    assert title.count('class="review-column"') == 2
    narrative = changes[changes.index('id="review-change-narrative"') :]
    assert "five<ins> security</ins> agencies" in narrative
    assert "Only the English text changed." in narrative


def test_diff_shows_children_added_removed_and_changed(client, reviewer, revision):
    html = page(client, reviewer, revision)
    harms = html[html.index('id="review-change-harms"') :]
    assert "Payroll data was exposed." in harms[: harms.index("</section>")]
    assert harms[: harms.index("</section>")].count(">Added</strong>") == 2  # English and French columns
    entities = html[html.index('id="review-change-entities"') :]
    entities = entities[: entities.index("</section>")]
    assert ">Removed</strong>" in entities and "Informaticiens de la RPDC" in entities
    evidence = html[html.index('id="review-change-evidence"') :]
    evidence = evidence[: evidence.index("</section>")]
    assert evidence.count(">Changed</strong>") == 2
    assert "<p>Scope<ins> and date</ins> of the advisory</p>" in evidence
    assert '<p lang="fr">Portée<ins> et date</ins> de l<ins>’</ins>avis</p>' in evidence


def test_missing_and_stale_french_are_flagged(client, reviewer, revision):
    html = page(client, reviewer, revision)
    french = html[html.index('id="review-french-title"') : html.index('id="review-changes-title"')]
    assert "review-flag--missing" in french
    assert "Harm 3: description" in french
    assert "review-flag--stale" in french
    assert "Narrative › Narrative" in french
    # The title changed in both languages, the citation's note too: not stale.
    assert "Title ›" not in french and "What it corroborates" not in french


def test_complete_french_says_so(client, reviewer):
    live = full_record()
    draft = revise(record_of(live))
    html = page(client, reviewer, draft)
    assert "No French text is missing." in html
    assert "No French text was left unchanged while its English changed." in html
    assert "Nothing changed: this version has the same content" in html


def test_first_version_has_nothing_to_compare_and_shows_its_fields(client, reviewer):
    draft = DraftVersionFactory(title_en="Deepfake hiring advisory", title_fr="Avis sur l’embauche hypertruquée")
    HarmFactory(version=draft)
    html = page(client, reviewer, draft)
    assert "There is nothing to compare it with: this is the record’s first version." in html
    fields = html[html.index('class="review-fields"') :]
    assert '<td lang="en" class="review-text">Deepfake hiring advisory</td>' in fields
    assert '<td lang="fr" class="review-text">Avis sur l’embauche hypertruquée</td>' in fields
    assert "Companies unknowingly hired operatives" in fields and "Des entreprises ont embauché" in fields


def test_first_version_table_has_its_details_citation_keys_and_countries_in_both_languages(client, reviewer):
    draft = DraftVersionFactory(severity=3, verification_level=4, first_reported_on=datetime.date(2025, 7, 16))
    CitationFactory(version=draft, key="rcmp-2025", is_primary=True)
    JurisdictionFactory(version=draft, country="CA")
    html = page(client, reviewer, draft)
    fields = html[html.index('class="review-fields"') :]
    assert '<td lang="en" class="review-text">High</td>' in fields
    assert '<td lang="fr" class="review-text">Élevée</td>' in fields
    assert '<td lang="fr" class="review-text">16 juillet 2025</td>' in fields
    assert "Confirmed by a primary source" in fields
    assert "[@rcmp-2025]" in fields and "(primary source)" in fields and "(source primaire)" in fields
    assert "<li>Canada</li>" in fields  # a country alone is not "not yet translated"
    assert "untranslated" not in fields[: fields.index("</table>")].split("Canada")[0][-200:]


def test_published_version_is_compared_with_the_one_it_replaced(client, reviewer):
    live = full_record()
    draft = revise(record_of(live))
    edit(draft, draft.created_by, title_en="A new title")
    workflow.submit(draft, by=draft.created_by)
    v2 = publish(approve(draft))
    assert review.baseline(v2) == live
    html = page(client, reviewer, v2)
    assert "What changed since v1" in html and "A new title" in html
    assert "This version is not in review (status: Published)" in html
    assert "<form" not in html[html.index('id="review-checks-title"') :]


def test_checklists_come_from_the_configured_items_in_the_users_language(client, reviewer):
    version = InReviewVersionFactory()
    ChecklistItemFactory(
        check_type=Check.FACTUALITY,
        text_en="Quotes match the recording.",
        text_fr="Les citations concordent avec l’enregistrement.",
    )
    ChecklistItemFactory(
        check_type=Check.NEUTRALITY, text_en="Retired question.", text_fr="Question retirée.", active=False
    )
    html = page(client, reviewer, version, HTTP_ACCEPT_LANGUAGE="fr")
    checks = html[html.index('id="review-checks-title"') :]
    factuality = checks[checks.index('id="check-factuality-title"') :]
    assert "Les citations concordent avec l’enregistrement." in factuality
    assert "Chaque affirmation factuelle cite une source." in factuality
    assert "Retired question" not in html and "Question retirée" not in html
    assert "Quotes match the recording." not in html
    for item in ChecklistItem.objects.filter(active=True):
        assert f'name="{item.check_type}-item-{item.pk}-ticked"' in checks


def test_review_screen_is_linked_from_the_version_page(client, editor):
    version = DraftVersionFactory(created_by=editor)
    client.force_login(editor)
    html = client.get(f"/admin/incidents/recordversion/{version.pk}/change/").content.decode()
    assert f'href="{review_url(version)}"' in html
    assert f'href="{preview_url(version, "fr")}"' in html


def test_authors_see_the_screen_without_sign_off_forms(client, editor):
    version = InReviewVersionFactory(created_by=editor)
    html = page(client, editor, version)
    assert "Only reviewers sign off versions." in html
    assert f'action="{sign_off_url(version)}"' not in html
    both = EditorFactory(groups=("Editors", "Reviewers"))
    own = InReviewVersionFactory(created_by=both)
    html = page(client, both, own)
    assert html.count("You created or edited this version, so you cannot sign it off.") == 2
    assert f'action="{sign_off_url(own)}"' not in html


def test_sign_offs_of_the_current_round_and_void_earlier_ones(client, reviewer, other_reviewer, editor):
    version = InReviewVersionFactory(created_by=editor)
    client.force_login(reviewer)
    item = review.checklist(Check.NEUTRALITY)[0]
    data = sign_off_data(
        version, Check.NEUTRALITY, "approve", "Balanced.", item_comments={item.pk: "Checked each quote."}
    )
    assert client.post(sign_off_url(version), data).status_code == 302
    workflow.return_to_draft(version, by=editor)
    workflow.submit(version, by=editor)
    workflow.sign_off(
        version, by=other_reviewer, check=Check.FACTUALITY, decision=Decision.APPROVE, comment="Dates match."
    )
    html = page(client, reviewer, version)
    rounds = html[html.index('id="review-rounds-title"') :]
    current = rounds[rounds.index('id="round-2-title"') : rounds.index('id="round-1-title"')]
    earlier = rounds[rounds.index('id="round-1-title"') :]
    assert "Dates match." in current and "Balanced." not in current
    assert 'class="review-round review-round--void"' in rounds[rounds.index('id="round-1-title"') - 120 :]
    assert "Balanced." in earlier and "void since" in earlier
    assert "Checked each quote." in earlier and item.text_en in earlier
    # The current round's factuality sign-off is shown with its check, no form.
    checks = html[html.index('id="check-factuality-title"') : html.index('id="review-rounds-title"')]
    assert "Dates match." in checks and "This check has already been signed off in this review round." in checks


def test_review_screen_refuses_users_without_view_permission(client):
    version = InReviewVersionFactory()
    client.force_login(UserFactory())
    assert client.get(review_url(version)).status_code == 403
    client.logout()
    assert client.get(review_url(version)).status_code == 302
    assert client.get("/admin/incidents/recordversion/999999/review/").status_code == 302


def test_review_of_a_missing_version_is_404(client, reviewer):
    client.force_login(reviewer)
    assert client.get("/admin/incidents/recordversion/999999/review/").status_code == 404


def test_every_version_of_incidents_and_hazards_has_a_review_screen(client, reviewer):
    for live in (PublishedHazardVersionFactory(), PublishedVersionFactory()):
        draft = revise(record_of(live))
        EntityRoleFactory(version=draft, entity=EntityFactory(name_en="Added entity", name_fr="Entité ajoutée"))
        first = page(client, reviewer, live)
        assert "There is nothing to compare it with" in first
        revision = page(client, reviewer, draft)
        assert "What changed since v1" in revision and "Entité ajoutée" in revision


def test_submission_email_sends_reviewers_to_the_review_screen(
    django_capture_on_commit_callbacks, editor, reviewer, settings
):
    settings.DOSSIER_SITE_URL = "https://dossier.example.org"
    draft = DraftVersionFactory(created_by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(draft, by=editor)
    [message] = mail.outbox
    assert f"https://dossier.example.org{review_url(draft)}" in message.body


# Possible personal data ------------------------------------------------------------


def privacy_section(html):
    return html[html.index('id="review-privacy-title"') : html.index('id="review-changes-title"')]


def test_review_screen_highlights_an_email_and_a_phone_number_in_a_harm(client, reviewer):
    version = InReviewVersionFactory()
    HarmFactory(version=version, order=1)
    HarmFactory(
        version=version,
        order=2,
        description_en="The clerk's address, jane.doe@example.com, and her number, 613-555-0123, were posted.",
        description_fr="L’adresse de la commis, jane.doe@example.com, et son numéro, le 613-555-0123, ont été publiés.",
    )
    section = privacy_section(page(client, reviewer, version))
    assert ">Possible personal data</h2>" in section
    assert "hints for you to judge, not decisions" in section
    assert section.count('class="privacy-finding ') == 4
    assert "<strong>E-mail address</strong> · Harm 2: description (English)" in section
    assert "<strong>Phone number</strong> · Harm 2: description (French)" in section
    assert (
        '<p class="privacy-finding__excerpt" lang="en">The clerk&#x27;s address, <mark>jane.doe@example.com</mark>, '
        "and her number,"
    ) in section
    assert "and her number, <mark>613-555-0123</mark>, were posted.</p>" in section
    assert (
        '<p class="privacy-finding__excerpt" lang="fr">…et son numéro, le <mark>613-555-0123</mark>, ont été' in section
    )


def test_review_screen_names_personal_data_in_french_for_a_french_reader(client, reviewer):
    version = InReviewVersionFactory(summary_fr="Elle habite au 45, rue Sainte-Catherine, à Montréal.")
    section = privacy_section(page(client, reviewer, version, HTTP_ACCEPT_LANGUAGE="fr"))
    assert ">Renseignements personnels possibles</h2>" in section
    assert "des indices qu’il vous revient d’évaluer, et non des décisions" in section
    assert "<strong>Adresse municipale</strong> · Résumé (Français)" in section
    assert "<mark>45, rue Sainte-Catherine</mark>" in section


def test_highlighted_excerpts_are_escaped(client, reviewer):
    version = InReviewVersionFactory(
        narrative_en='<script>alert("x")</script> Write to <b>jane.doe@example.com</b><img src=x onerror=alert(1)>'
    )
    html = page(client, reviewer, version)
    section = privacy_section(html)
    assert "<mark>jane.doe@example.com</mark>" in section
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Write to &lt;b&gt;" in section
    assert "&lt;/b&gt;&lt;img src=x onerror=alert(1)&gt;" in section
    assert "<script>alert" not in html and "<b>jane" not in html and "<img src=x" not in html


def test_review_screen_says_briefly_when_no_personal_data_is_found(client, reviewer):
    version = DraftVersionFactory(narrative_en="On July 16, 2025, five agencies issued an advisory [@rcmp-2025].")
    section = privacy_section(page(client, reviewer, version))
    assert "Nothing that looks like an e-mail address, a phone number or a street address." in section
    assert "<mark>" not in section


def test_personal_data_hints_add_no_query_to_the_review_screen(client, reviewer, monkeypatch):
    def queries(version):
        client.force_login(reviewer)
        client.get(review_url(version))  # sessions and caches warmed alike
        with CaptureQueriesContext(connection) as captured:
            assert client.get(review_url(version)).status_code == 200
        return len(captured)

    clean = InReviewVersionFactory()
    HarmFactory(version=clean)
    with_data = InReviewVersionFactory(summary_en="Reach her at jane.doe@example.com or 613-555-0123.")
    for order in range(4):
        HarmFactory(version=with_data, order=order, description_en=f"Lives at {order + 10} Elm Street.")
    CitationFactory(version=with_data, corroborates_fr="Le +33 1 23 45 67 89 de la victime")
    assert len(review.personal_data(with_data)) == 7
    # As many queries whatever the parts and findings...
    counted = queries(with_data)
    assert counted == queries(clean)
    # ...and as many as without the hints: they read the parts the comparison loaded.
    monkeypatch.setattr(review, "personal_data", lambda version: [])
    assert queries(with_data) == counted
