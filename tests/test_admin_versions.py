"""The version editor: one page, both languages, the workflow's buttons, and
read-only versions that stay read-only whatever is POSTed."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from incidents.models import (
    Action,
    Check,
    Decision,
    Kind,
    Record,
    RecordVersion,
    SignOff,
    Status,
    WorkflowEvent,
)
from incidents.publishing import workflow
from tests.admin_helpers import change_form_data, new_version_data, rows, version_url
from tests.factories import (
    ApprovedVersionFactory,
    DraftVersionFactory,
    EntityFactory,
    HarmFactory,
    HarmTypeTermFactory,
    HazardDraftVersionFactory,
    InReviewVersionFactory,
    PublishedVersionFactory,
    SourceFactory,
    approve,
    publish,
    record_of,
    revise,
)

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/incidents/recordversion/add/"


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# Creating a record on one page -------------------------------------------------


def test_editor_creates_a_record_with_its_parts_in_both_languages_on_one_page_then_submits_it(client, editor):
    rcmp = SourceFactory(title="Advisory: North Korean IT workers")
    bnn = SourceFactory(title="Canada warns of North Korean IT workers", source_type="news_report")
    authority = EntityFactory(name_en="Royal Canadian Mounted Police", name_fr="Gendarmerie royale du Canada")
    fraud = HarmTypeTermFactory(name_en="Fraud", name_fr="Fraude")
    client.force_login(editor)

    data = new_version_data(narrative_en="An advisory warned of the scheme [@rcmp-2025; @bnn-2025].")
    data.update(
        rows(
            "harms",
            {
                "description_en": "Companies hired operatives who could plant backdoors.",
                "description_fr": "Des entreprises ont embauché des agents pouvant installer des portes dérobées.",
                "harm_type": fraud.pk,
                "severity": "3",
                "affected_group_en": "Employers",
                "affected_group_fr": "Employeurs",
                "order": "0",
            },
            {
                "description_en": "Revenue funds weapons programs.",
                "description_fr": "Les revenus financent des programmes d'armement.",
                "severity": "4",
                "order": "1",
            },
        )
    )
    data.update(
        rows(
            "citations",
            {
                "source": rcmp.pk,
                "key": "rcmp-2025",
                "is_primary": "on",
                "label_en": "RCMP, 2025",
                "label_fr": "GRC, 2025",
                "corroborates_en": "Joint advisory confirming the scheme",
                "corroborates_fr": "Avis conjoint confirmant le stratagème",
                "order": "0",
            },
            {
                "source": bnn.pk,
                "key": "bnn-2025",
                "label_en": "BNN Bloomberg, 2025",
                "label_fr": "BNN Bloomberg, 2025",
                "corroborates_en": "Scope of the advisory",
                "corroborates_fr": "Portée de l'avis",
                "order": "1",
            },
        )
    )
    data.update(
        rows(
            "recommendations",
            {
                "text_en": "Verify remote applicants on a live video call.",
                "text_fr": "Vérifier les candidats à distance lors d'un appel vidéo en direct.",
                "authority": authority.pk,
                "source": rcmp.pk,
                "attribution_en": "Joint advisory (July 16, 2025)",
                "attribution_fr": "Avis conjoint (16 juillet 2025)",
                "status": "assessed",
                "order": "0",
            },
        )
    )

    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response

    version = RecordVersion.objects.get()
    record = version.record
    assert record.kind == Kind.INCIDENT and record.public_id == "INC-0001"
    assert (version.status, version.created_by) == (Status.DRAFT, editor)
    assert version.title_fr == "Des candidats hypertrucés infiltrent des entreprises"
    assert [(h.description_fr, h.affected_group_en or "") for h in version.harms.all()] == [
        ("Des entreprises ont embauché des agents pouvant installer des portes dérobées.", "Employers"),
        ("Les revenus financent des programmes d'armement.", ""),
    ]
    assert version.harms.first().harm_type == fraud
    assert [(c.key, c.label_fr, c.is_primary) for c in version.citations.all()] == [
        ("rcmp-2025", "GRC, 2025", True),
        ("bnn-2025", "BNN Bloomberg, 2025", False),
    ]
    recommendation = version.recommendations.get()
    assert recommendation.text_fr.startswith("Vérifier") and recommendation.authority == authority
    assert WorkflowEvent.objects.filter(record=record, action=Action.CREATED, actor=editor).exists()

    response = client.post(version_url(version, "submit"))
    assert response.status_code == 302 and response["Location"] == version_url(version)
    version.refresh_from_db()
    assert version.status == Status.IN_REVIEW
    assert WorkflowEvent.objects.filter(
        version=version, action=Action.SUBMITTED, actor=editor, from_status=Status.DRAFT, to_status=Status.IN_REVIEW
    ).exists()


def test_adding_a_version_requires_the_kind_of_record(client, editor):
    client.force_login(editor)
    response = client.post(ADD_URL, new_version_data(kind=""))
    assert response.status_code == 200
    assert "kind" in response.context["adminform"].form.errors
    assert not Record.objects.exists()


def test_adding_a_hazard_gives_it_a_hazard_id(client, editor):
    client.force_login(editor)
    response = client.post(ADD_URL, new_version_data(kind=Kind.HAZARD))
    assert response.status_code == 302
    assert Record.objects.get().public_id == "HAZ-0001"


def test_a_forged_save_as_new_is_refused(client, editor):
    version = PublishedVersionFactory()
    client.force_login(editor)
    page = client.get(version_url(version))
    data = new_version_data(_saveasnew="Save as new")
    assert client.post(version_url(version), data).status_code == 403
    assert Record.objects.count() == 1 and page.status_code == 200


# Editing a draft ------------------------------------------------------------------


def test_french_edit_through_the_admin_is_in_the_history_with_its_author(client, editor, other_editor):
    version = DraftVersionFactory(created_by=editor, summary_fr="Ancien résumé.")
    client.force_login(other_editor)
    page = client.get(version_url(version))
    response = client.post(version_url(version), change_form_data(page, summary_fr="Nouveau résumé, corrigé."))
    assert response.status_code == 302

    latest = version.history.latest()
    assert latest.history_user == other_editor
    assert latest.summary_fr == "Nouveau résumé, corrigé."
    assert "summary_fr" in latest.diff_against(latest.prev_record).changed_fields

    history = client.get(version_url(version, "history")).content.decode()
    assert "Nouveau résumé, corrigé." in history and "Ancien résumé." in history
    assert other_editor.username in history
    # The one real change is listed; empty fields saved again are not.
    changes = [
        row.history_delta_changes
        for row in client.get(version_url(version, "history")).context["page_obj"]
        if hasattr(row, "history_delta_changes")
    ]
    assert [[str(change["field"]) for change in row] for row in changes] == [["Summary [fr]"]]


def test_changes_to_parts_are_in_the_version_history(client, editor):
    version = DraftVersionFactory(created_by=editor)
    HarmFactory(version=version, description_fr="Préjudice initial.")
    client.force_login(editor)
    page = client.get(version_url(version))
    client.post(version_url(version), change_form_data(page, **{"harms-0-description_fr": "Préjudice corrigé."}))
    history = client.get(version_url(version, "history")).content.decode()
    assert "Changes to the parts of this version" in history
    assert "Préjudice corrigé." in history and "Préjudice initial." in history


def test_a_save_never_touches_the_status(client, editor):
    version = DraftVersionFactory(created_by=editor)
    client.force_login(editor)
    page = client.get(version_url(version))
    data = change_form_data(page, title_en="Changed title", status="published")
    assert client.post(version_url(version), data).status_code == 302
    version.refresh_from_db()
    assert (version.title_en, version.status) == ("Changed title", Status.DRAFT)


def test_a_stale_form_cannot_overwrite_a_newer_save(client, editor, other_editor):
    version = DraftVersionFactory(created_by=editor)
    # The editor's own last save (the version, then a part) before opening the page.
    version._history_user = editor
    version.save()
    harm = HarmFactory.build(version=version)
    harm._history_user = editor
    harm.save()
    client.force_login(editor)
    stale_page = client.get(version_url(version))

    client.force_login(other_editor)
    fresh_page = client.get(version_url(version))
    newer = change_form_data(fresh_page, title_en="Newer title", summary_fr="Résumé plus récent")
    assert client.post(version_url(version), newer).status_code == 302

    client.force_login(editor)
    response = client.post(version_url(version), change_form_data(stale_page, title_en="Stale title"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this version" in page
    # Who saved, and what they changed, in each language.
    assert f"{other_editor.username} at" in page
    assert "title (english)" in page and "summary (french)" in page
    assert "Stale title" in page, "the editor's own text is still in the form"
    assert f"{editor.username} at" not in page, "the editor's own earlier save is not news to them"
    version.refresh_from_db()
    assert version.title_en == "Newer title"


def test_missing_french_fields_are_counted_on_the_change_page(client, editor):
    version = DraftVersionFactory(created_by=editor, title_fr="", summary_fr="")
    HarmFactory(version=version, description_fr="")
    client.force_login(editor)
    html = client.get(version_url(version)).content.decode()
    assert "3 French texts missing:" in html
    assert "<li>Title</li>" in html and "<li>Summary</li>" in html and "<li>Harm 1: description</li>" in html

    complete = DraftVersionFactory(created_by=editor)
    assert "Complete: every text with English has its French." in client.get(version_url(complete)).content.decode()


def test_hazards_have_no_materialized_from_section(client, editor):
    client.force_login(editor)
    hazard = HazardDraftVersionFactory(created_by=editor)
    incident = DraftVersionFactory(created_by=editor)
    assert 'id="hazard_links-group"' not in client.get(version_url(hazard)).content.decode()
    assert 'id="hazard_links-group"' in client.get(version_url(incident)).content.decode()


# Read-only versions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "reason"),
    [
        (InReviewVersionFactory, "return it to draft: its sign-offs will be void"),
        (ApprovedVersionFactory, "return it to draft: its sign-offs will be void"),
        (PublishedVersionFactory, "start a revision"),
    ],
    ids=["in_review", "approved", "published"],
)
def test_a_version_past_draft_opens_read_only_and_refuses_a_forged_post(client, editor, factory, reason):
    version = factory(created_by=editor)
    client.force_login(editor)

    page = client.get(version_url(version))
    html = page.content.decode()
    assert page.status_code == 200
    assert reason in html
    assert 'name="title_en"' not in html and 'name="_save"' not in html
    assert not page.context["has_change_permission"]
    assert all(
        not inline.has_add_permission and not inline.has_change_permission
        for inline in page.context["inline_admin_formsets"]
    )

    before = (version.title_en, version.status, version.history.count())
    forged = new_version_data(
        **{"title_en": "Forged title", "harms-TOTAL_FORMS": "1", "harms-0-description_en": "Forged harm"}
    )
    response = client.post(version_url(version), forged)
    assert response.status_code == 403
    version.refresh_from_db()
    assert (version.title_en, version.status, version.history.count()) == before
    assert not version.harms.exists()


def test_superseded_versions_are_read_only_too(client, editor):
    first = PublishedVersionFactory()
    second = revise(first.record, editor)
    workflow.submit(second, by=editor)
    publish(approve(second))
    first.refresh_from_db()
    assert first.status == Status.SUPERSEDED
    client.force_login(editor)
    assert "replaced by a later one" in client.get(version_url(first)).content.decode()
    assert client.post(version_url(first), new_version_data(title_en="Forged")).status_code == 403


def test_a_history_item_page_cannot_be_posted_to(client, editor):
    version = PublishedVersionFactory(title_en="Published title")
    client.force_login(editor)
    history_id = version.history.earliest().history_id
    url = reverse("admin:incidents_recordversion_simple_history", args=[version.pk, history_id])
    response = client.post(url, new_version_data(title_en="Reverted behind review"))
    assert response.status_code == 405
    version.refresh_from_db()
    assert version.title_en == "Published title"


def test_nobody_deletes_versions_or_records_through_the_admin(client, superuser, editor):
    version = PublishedVersionFactory()
    draft = DraftVersionFactory(created_by=editor)
    for user in (superuser, editor):
        client.force_login(user)
        for obj in (version, draft):
            assert client.get(version_url(obj, "delete")).status_code == 403
            assert client.post(version_url(obj, "delete"), {"post": "yes"}).status_code == 403
        record_delete = reverse("admin:incidents_record_delete", args=[version.record_id])
        assert client.post(record_delete, {"post": "yes"}).status_code == 403
    assert RecordVersion.objects.count() == 2


# Workflow buttons -----------------------------------------------------------------------


def test_submit_refused_for_lack_of_permission_is_403_and_for_content_a_message(client, editor, reviewer):
    draft = DraftVersionFactory(created_by=editor, narrative_en="Cites an unknown key [@nowhere].")
    client.force_login(reviewer)
    assert client.post(version_url(draft, "submit")).status_code == 403

    client.force_login(editor)
    response = client.post(version_url(draft, "submit"), follow=True)
    assert response.status_code == 200
    assert any("nowhere" in message for message in messages_of(response))
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_submit_in_the_wrong_state_is_a_message_not_an_error(client, editor):
    version = InReviewVersionFactory(created_by=editor)
    client.force_login(editor)
    response = client.post(version_url(version, "submit"), follow=True)
    assert response.status_code == 200
    assert any("can be submitted for review; this one is “In review”" in message for message in messages_of(response))


def test_get_never_changes_state(client, editor):
    draft = DraftVersionFactory(created_by=editor)
    in_review = InReviewVersionFactory(created_by=editor)
    published = PublishedVersionFactory()
    client.force_login(editor)
    assert client.get(version_url(draft, "submit")).status_code == 405
    assert client.get(version_url(in_review, "return_to_draft")).status_code == 405
    assert client.get(version_url(published, "start_revision")).status_code == 405
    assert client.get(reverse("admin:incidents_record_start_revision", args=[published.record_id])).status_code == 405
    draft.refresh_from_db()
    in_review.refresh_from_db()
    assert (draft.status, in_review.status) == (Status.DRAFT, Status.IN_REVIEW)
    assert RecordVersion.objects.count() == 3


def test_return_to_draft_voids_the_sign_offs(client, editor, reviewer):
    version = InReviewVersionFactory(created_by=editor)
    workflow.sign_off(version, by=reviewer, check=Check.NEUTRALITY, decision=Decision.APPROVE)
    client.force_login(editor)
    page = client.get(version_url(version)).content.decode()
    assert "Its sign-offs will be void" in page
    response = client.post(version_url(version, "return_to_draft"), follow=True)
    assert response.status_code == 200
    version.refresh_from_db()
    assert version.status == Status.DRAFT
    assert not SignOff.objects.filter(version=version, voided_at__isnull=True).exists()
    assert WorkflowEvent.objects.filter(version=version, action=Action.RETURNED_TO_DRAFT, actor=editor).exists()


def test_return_to_draft_refused_to_a_reviewer(client, editor, reviewer):
    version = InReviewVersionFactory(created_by=editor)
    client.force_login(reviewer)
    assert client.post(version_url(version, "return_to_draft")).status_code == 403
    version.refresh_from_db()
    assert version.status == Status.IN_REVIEW


def test_start_revision_opens_the_new_draft(client, editor):
    published = PublishedVersionFactory()
    client.force_login(editor)
    response = client.post(version_url(published, "start_revision"))
    draft = record_of(published).versions.get(status=Status.DRAFT)
    assert response.status_code == 302 and response["Location"] == version_url(draft)
    assert draft.title_en == published.title_en

    # A second revision while the first is open is refused with a message.
    response = client.post(version_url(published, "start_revision"), follow=True)
    assert any("already has a version in progress" in message for message in messages_of(response))
    assert record_of(published).versions.count() == 2


def test_start_revision_from_the_record_page(client, editor):
    published = PublishedVersionFactory()
    url = reverse("admin:incidents_record_start_revision", args=[published.record_id])
    client.force_login(editor)
    page = client.get(reverse("admin:incidents_record_change", args=[published.record_id])).content.decode()
    assert url in page
    response = client.post(url)
    draft = record_of(published).versions.get(status=Status.DRAFT)
    assert response["Location"] == version_url(draft)


def test_start_revision_refused_to_a_publisher_and_of_a_draft(client, editor, publisher):
    published = PublishedVersionFactory()
    client.force_login(publisher)
    assert client.post(version_url(published, "start_revision")).status_code == 403

    draft = DraftVersionFactory(created_by=editor)
    client.force_login(editor)
    response = client.post(reverse("admin:incidents_record_start_revision", args=[draft.record_id]), follow=True)
    assert response.status_code == 200
    assert any("Only a published record can be revised" in message for message in messages_of(response))
    assert RecordVersion.objects.count() == 2


# Each workflow URL with the method its view accepts: the review screen only
# shows (a POST to it is a 405, refused before any lookup); the others act.
VERSION_WORKFLOW_URLS = [
    ("submit", "post"),
    ("return_to_draft", "post"),
    ("start_revision", "post"),
    ("publish", "post"),
    ("review", "get"),
    ("sign_off", "post"),
]


@pytest.mark.parametrize("object_id", ["999999", "not-a-number"])
@pytest.mark.parametrize(("name", "method"), VERSION_WORKFLOW_URLS)
def test_workflow_views_answer_404_for_an_unknown_version(client, superuser, name, method, object_id):
    """Not the admin's 302 to its home page, as its change view answers for a
    missing object: the id cannot match a version (a text id fails the primary
    key's validation, and get_object() then finds nothing), so the page is not
    found, even for a user who may do everything."""
    client.force_login(superuser)
    url = reverse(f"admin:incidents_recordversion_{name}", args=[object_id])
    assert getattr(client, method)(url).status_code == 404


def test_submit_action_on_the_changelist_reports_each_refusal(client, editor):
    draft = DraftVersionFactory(created_by=editor)
    in_review = InReviewVersionFactory(created_by=editor)
    client.force_login(editor)
    response = client.post(
        reverse("admin:incidents_recordversion_changelist"),
        {"action": "submit_selected", "_selected_action": [draft.pk, in_review.pk]},
        follow=True,
    )
    assert response.status_code == 200
    texts = messages_of(response)
    assert "1 version submitted for review." in texts
    assert any(str(in_review) in text and "this one is “In review”" in text for text in texts)
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW


def test_reviewers_get_no_submit_action(client, reviewer):
    DraftVersionFactory()
    client.force_login(reviewer)
    response = client.get(reverse("admin:incidents_recordversion_changelist"))
    assert "submit_selected" not in response.content.decode()


def test_the_reviewers_request_is_shown_where_the_editor_edits(client, editor, reviewer):
    version = InReviewVersionFactory(created_by=editor)
    workflow.request_changes(
        version, by=reviewer, check=Check.FACTUALITY, comment="Cite the <b>advisory</b> for the date."
    )
    client.force_login(editor)
    page = client.get(version_url(version))
    html = page.content.decode()
    assert page.context["has_change_permission"]
    assert "Changes requested by rita" in html
    assert "Cite the &lt;b&gt;advisory&lt;/b&gt; for the date." in html


def test_workflow_buttons_need_the_csrf_token(editor):
    from django.test import Client

    draft = DraftVersionFactory(created_by=editor)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(version_url(draft, "submit")).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


# No lost text -------------------------------------------------------------------------


def test_save_and_submit_saves_the_typed_text_before_submitting(client, editor):
    draft = DraftVersionFactory(created_by=editor)
    client.force_login(editor)
    page = client.get(version_url(draft))
    data = change_form_data(page, summary_en="Typed just before submitting.", _save=None)
    data["_submit"] = "Save and submit for review"
    response = client.post(version_url(draft), data, follow=True)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert (draft.status, draft.summary_en) == (Status.IN_REVIEW, "Typed just before submitting.")
    assert any("saved and" in message for message in messages_of(response))


def test_save_and_submit_keeps_the_text_when_the_version_cannot_go_to_review(client, editor):
    draft = DraftVersionFactory(created_by=editor)
    client.force_login(editor)
    page = client.get(version_url(draft))
    data = change_form_data(page, narrative_en="Cites a key that matches nothing [@ghost-2025].", _save=None)
    data["_submit"] = "Save and submit for review"
    response = client.post(version_url(draft), data, follow=True)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and "[@ghost-2025]" in draft.narrative_en
    assert any("ghost-2025" in message for message in messages_of(response))


def test_an_invalid_form_is_not_submitted_and_keeps_what_was_typed(client, editor):
    draft = DraftVersionFactory(created_by=editor)
    client.force_login(editor)
    page = client.get(version_url(draft))
    data = change_form_data(page, summary_en="Typed text to keep.", title_en="", _save=None)
    data["_submit"] = "Save and submit for review"
    response = client.post(version_url(draft), data)
    assert response.status_code == 200 and "Typed text to keep." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_editing_form_offers_save_and_submit_only_when_the_rules_allow_it(client, editor, reviewer):
    draft = DraftVersionFactory(created_by=editor)
    client.force_login(editor)
    assert 'name="_submit"' in client.get(version_url(draft)).content.decode()
    client.force_login(reviewer)
    assert 'name="_submit"' not in client.get(version_url(draft)).content.decode()
