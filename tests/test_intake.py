"""Reports from the public: the form, its spam defences, the status page,
triage in the admin, promotion through the workflow, and the e-mails."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence.models import Source
from incidents.models import Citation, Kind, Record, WorkflowEvent
from incidents.publishing import workflow
from intake import triage
from intake.models import Report, ReportAction, ReportStatus
from intake.rules import Triage, available_triage
from tests.factories import (
    DraftVersionFactory,
    EditorFactory,
    PublisherFactory,
    ReviewerFactory,
    SourceFactory,
    UserFactory,
    approve,
    publish,
    published_record,
    received_report,
)

pytestmark = pytest.mark.django_db

SECRET_CONTACT = "whistle.blower@example.net"


@pytest.fixture(autouse=True)
def fresh_rate_limit(settings):
    cache.clear()
    settings.DOSSIER_REPORT_RATE = "100/hour"
    yield
    cache.clear()


def valid(**overrides):
    data = {
        "what_happened": "A hiring tool rejected every applicant over fifty without a human review.",
        "where": "Montréal",
        "when": "March 2025",
        "links": "https://example.org/news/hiring-tool\nhttps://example.com/report.pdf",
        "record": "",
        "contact_email": "",
        "consent": "on",
        "website": "",
    }
    return data | overrides


def send(client, lang="en", **overrides):
    return client.post(f"/{lang}/report/", valid(**overrides))


# The form --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_form_page_answers_in_both_languages_without_a_cache(client, lang):
    response = client.get(f"/{lang}/report/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_a_valid_report_is_stored_and_leads_to_its_status_page(client):
    response = send(client, contact_email=SECRET_CONTACT)
    assert response.status_code == 303
    report = Report.objects.get()
    assert response["Location"] == f"/en/report/status/{report.token}/?sent=1"
    assert re.fullmatch(r"R-\d{4}-0001", report.reference)
    assert report.status == ReportStatus.NEW and report.language == "en"
    assert [link.url for link in report.links.all()] == [
        "https://example.org/news/hiring-tool",
        "https://example.com/report.pdf",
    ]
    assert report.events.get().action == ReportAction.RECEIVED


def test_a_report_sent_in_french_is_stored_as_french(client):
    send(client, lang="fr")
    assert Report.objects.get().language == "fr"


def test_references_follow_each_other_and_tokens_are_unguessable(client):
    first, second = received_report(), received_report()
    assert int(second.reference[-4:]) == int(first.reference[-4:]) + 1
    assert len(first.token) >= 40 and first.token != second.token
    assert first.reference not in first.token


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("what_happened", "", "This field is required."),
        ("what_happened", "Too short", "at least 20 characters"),
        ("what_happened", "x" * 5001, "at most 5000 characters"),
        ("links", "javascript:alert(1)", "is not a web address starting with http:// or https://"),
        ("links", "ftp://example.org/file", "is not a web address"),
        ("links", "\n".join(f"https://example.org/{n}" for n in range(11)), "at most 10 links"),
        ("contact_email", "not-an-address", "Enter a valid email address."),
        ("consent", "", "Please tick this box to send the report."),
        ("record", "INC-9999", "No published record has the id"),
        ("record", "<script>", "No published record has the id"),
        ("where", "x" * 301, "at most 300 characters"),
        ("what_happened", "A NUL byte \x00 in the text of the report.", "Null characters are not allowed."),
    ],
)
def test_bad_input_gets_a_clear_message_and_is_not_stored(client, field, value, message):
    data = valid(**{field: value})
    if field == "consent" and not value:
        del data["consent"]
    response = client.post("/en/report/", data)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Report.objects.exists()


def test_bad_input_is_explained_in_french(client):
    response = send(client, lang="fr", links="ftp://example.org", consent="")
    text = response.content.decode()
    assert response.status_code == 400
    assert "n’est pas une adresse Web" in text
    assert "Veuillez cocher cette case" in text


def test_a_typed_report_is_kept_in_the_form_after_an_error(client):
    response = send(client, contact_email="nope")
    assert "A hiring tool rejected every applicant" in response.content.decode()


def test_a_filled_honeypot_stores_nothing(client):
    response = send(client, website="https://spam.example")
    assert response.status_code == 400
    assert "meant to stay empty" in response.content.decode()
    assert not Report.objects.exists()


def test_the_honeypot_is_out_of_reach_of_people(client):
    html = client.get("/en/report/").content.decode()
    trap = re.search(r'<div class="intake-trap" aria-hidden="true">.*?</div>', html, re.S).group(0)
    assert 'tabindex="-1"' in trap and 'name="website"' in trap


def test_too_many_reports_from_one_address_get_429_with_the_text_kept(client, settings):
    settings.DOSSIER_REPORT_RATE = "2/hour"
    assert send(client).status_code == 303
    assert send(client).status_code == 303
    response = send(client, what_happened="A third report about the same hiring tool and its rejections.")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many reports" in response.content.decode()
    assert "A third report about the same hiring tool" in response.content.decode()
    assert Report.objects.count() == 2
    # Another address is counted apart.
    assert client.post("/en/report/", valid(), REMOTE_ADDR="192.0.2.9").status_code == 303


def test_the_rate_limit_counts_apart_from_the_api(client, settings):
    settings.DOSSIER_REPORT_RATE = "1/hour"
    settings.DOSSIER_API_RATE = "1/hour"
    assert client.get("/api/v1/records/").status_code == 200
    assert send(client).status_code == 303


def test_methods_other_than_get_and_post_are_refused(client):
    assert client.put("/en/report/").status_code == 405
    assert client.post(f"/en/report/status/{received_report().token}/").status_code == 405


# "Report an error" -------------------------------------------------------------------


def test_a_record_page_links_to_the_form_with_its_id(client):
    record = published_record(title_en="Published title").record
    html = client.get(f"/en/incidents/{record.public_id}/").content.decode()
    assert f'href="/en/report/?record={record.public_id}"' in html
    form = client.get(f"/en/report/?record={record.public_id}").content.decode()
    assert f'value="{record.public_id}"' in form
    assert "You are reporting an error in the record" in form


def test_an_unpublished_or_unknown_record_id_leaks_nothing(client):
    draft = DraftVersionFactory(title_en="Draft secretword title")
    unpublished = client.get(f"/en/report/?record={draft.record.public_id}").content.decode()
    unknown = client.get("/en/report/?record=INC-9999").content.decode()
    assert "secretword" not in unpublished
    assert f'value="{draft.record.public_id}"' not in unpublished
    # The same page, but for the id echoed in the message (and the CSRF token).
    strip = re.compile(r'(INC-\d{4})|(name="csrfmiddlewaretoken" value="[^"]+")')
    assert strip.sub("", unpublished) == strip.sub("", unknown)
    response = send(client, record=draft.record.public_id)
    assert response.status_code == 400
    assert "No published record has the id" in response.content.decode()


def test_a_report_about_a_published_record_keeps_it(client):
    record = published_record().record
    send(client, record=record.public_id.lower())
    assert Report.objects.get().about_record == record


# The status page ------------------------------------------------------------------


def status(client, report, lang="en"):
    response = client.get(f"/{lang}/report/status/{report.token}/")
    assert response.status_code == 200
    return response, response.content.decode()


def test_the_status_page_is_private(client):
    report = received_report(contact_email=SECRET_CONTACT)
    response, html = status(client, report)
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex"
    assert SECRET_CONTACT not in html
    assert report.what_happened not in html


def test_an_unknown_or_overlong_token_is_404(client):
    received_report()
    assert client.get("/en/report/status/not-a-token/").status_code == 404
    assert client.get("/en/report/status/" + "a" * 500 + "/").status_code == 404


def test_the_reference_alone_does_not_open_the_status_page(client):
    report = received_report()
    assert client.get(f"/en/report/status/{report.reference}/").status_code == 404


def test_status_page_lifecycle_received_under_review_published(client, editor):
    report = received_report()
    _response, html = status(client, report)
    assert re.search(r'aria-current="step">\s*Received', html)
    version = triage.promote(report, by=editor, title="Hiring tool rejected older applicants")
    _response, html = status(client, report)
    assert re.search(r'aria-current="step">\s*Under review', html)
    assert version.record.public_id not in html  # not public yet
    workflow.submit(version, by=editor)
    publish(approve(version))
    _response, html = status(client, report, "fr")
    assert f'Publié sous <a href="/fr/incidents/{version.record.public_id}/">{version.record.public_id}</a>' in html


def test_a_withdrawn_record_is_not_shown_as_published(client, editor):
    report = received_report()
    version = triage.promote(report, by=editor, title="Hiring tool")
    workflow.submit(version, by=editor)
    publish(approve(version))
    workflow.withdraw(version.record, by=PublisherFactory(), reason_en="Duplicate.", reason_fr="Doublon.")
    _response, html = status(client, report)
    assert version.record.public_id not in html


def test_a_declined_report_shows_its_reason_in_the_language_it_was_written(client, editor):
    report = received_report(language="fr")
    triage.decline(report, by=editor, reason="Ce cas ne concerne pas un système d’IA.")
    _response, html = status(client, report, "en")
    assert "Declined" in html
    assert '<blockquote class="intake-reason" lang="fr"><p>Ce cas ne concerne pas un système d’IA.</p>' in html


def test_a_duplicate_of_a_published_record_shows_it(client, editor):
    record = published_record().record
    report = received_report()
    triage.mark_duplicate(report, by=editor, of_record=record)
    _response, html = status(client, report)
    assert f">{record.public_id}</a>" in html


def test_the_status_page_costs_few_queries_whatever_the_history(client, editor):
    report = received_report(links=[f"https://example.org/{n}" for n in range(5)])
    triage.decline(report, by=editor, reason="Not about AI.")
    triage.reopen(report, by=editor)
    version = triage.promote(report, by=editor, title="Title")
    workflow.submit(version, by=editor)
    publish(approve(version))
    client.get(f"/en/report/status/{report.token}/")
    with CaptureQueriesContext(connection) as captured:
        status(client, report)
    assert len(captured) <= 3, [query["sql"] for query in captured]


def test_the_form_costs_one_query_with_a_record_id(client):
    record = published_record().record
    client.get("/en/report/")
    with CaptureQueriesContext(connection) as captured:
        client.get(f"/en/report/?record={record.public_id}")
    assert len(captured) == 1


# Triage -----------------------------------------------------------------------------


def test_only_editors_may_triage(editor, reviewer, publisher):
    report = received_report()
    assert available_triage(report, editor) == {Triage.DUPLICATE, Triage.DECLINE, Triage.PROMOTE}
    for user in (reviewer, publisher, UserFactory()):
        assert available_triage(report, user) == set()
        with pytest.raises(PermissionDenied):
            triage.decline(report, by=user, reason="No.")
    assert Report.objects.get().status == ReportStatus.NEW


def test_declining_needs_a_reason(editor):
    report = received_report()
    with pytest.raises(workflow.WorkflowError):
        triage.decline(report, by=editor, reason="   ")
    report.refresh_from_db()
    assert report.status == ReportStatus.NEW


def test_the_database_refuses_a_decline_without_reason():
    report = received_report()
    report.status = ReportStatus.DECLINED
    with pytest.raises(IntegrityError), transaction.atomic():
        report.save()


def test_a_report_cannot_duplicate_itself(editor):
    report = received_report()
    with pytest.raises(workflow.WorkflowError):
        triage.mark_duplicate(report, by=editor, of_report=report)
    with pytest.raises(workflow.WorkflowError):
        triage.mark_duplicate(report, by=editor)


def test_decided_reports_can_be_reopened_but_not_decided_again(editor):
    earlier, report = received_report(), received_report()
    report = triage.mark_duplicate(report, by=editor, of_report=earlier)
    assert available_triage(report, editor) == {Triage.REOPEN}
    with pytest.raises(workflow.WorkflowError):
        triage.decline(report, by=editor, reason="No.")
    triage.reopen(report, by=editor)
    report.refresh_from_db()
    assert report.status == ReportStatus.NEW and report.duplicate_of_report is None
    actions = list(report.events.order_by("pk").values_list("action", "actor"))
    assert actions == [
        (ReportAction.RECEIVED, None),
        (ReportAction.MARKED_DUPLICATE, editor.pk),
        (ReportAction.REOPENED, editor.pk),
    ]


def test_promoting_creates_a_draft_through_the_workflow_with_the_links_as_sources(editor):
    known = SourceFactory(url="https://example.org/known")
    report = received_report(
        language="fr",
        what_happened="Un outil d’embauche a écarté tous les candidats de plus de cinquante ans.",
        where="Montréal",
        links=["https://example.org/known", "https://news.example.com/article"],
    )
    version = triage.promote(report, by=editor, kind=Kind.INCIDENT, title="Outil d’embauche discriminatoire")
    report.refresh_from_db()
    assert report.status == ReportStatus.PROMOTED and report.promoted_record == version.record
    assert version.status == "draft" and version.created_by == editor
    assert version.title_fr == "Outil d’embauche discriminatoire" and not version.title_en
    assert "Montréal" in version.narrative_fr
    event = WorkflowEvent.objects.get(record=version.record)
    assert event.action == "created" and event.actor == editor
    citations = list(Citation.objects.filter(version=version).order_by("order"))
    assert [c.source.url for c in citations] == ["https://example.org/known", "https://news.example.com/article"]
    assert citations[0].source == known and citations[0].is_primary
    assert Source.objects.filter(url="https://news.example.com/article").count() == 1
    assert report.reference in citations[1].corroborates_fr
    # The promoter created the draft: they may not review it (four eyes).
    assert editor.pk in version.contributor_ids()


def test_promoting_is_refused_to_those_who_may_not_create_records(reviewer):
    report = received_report()
    with pytest.raises(PermissionDenied):
        triage.promote(report, by=reviewer, title="Title")
    assert not Record.objects.exists()


# The admin ---------------------------------------------------------------------------


def test_the_admin_queue_lists_new_reports_first(client, editor):
    declined, new = received_report(), received_report()
    triage.decline(declined, by=editor, reason="No.")
    client.force_login(editor)
    html = client.get(reverse("admin:intake_report_changelist")).content.decode()
    assert html.index(new.reference) < html.index(declined.reference)


def test_the_admin_shows_the_contact_and_offers_the_allowed_steps(client, editor):
    report = received_report(contact_email=SECRET_CONTACT)
    client.force_login(editor)
    html = client.get(reverse("admin:intake_report_change", args=[report.pk])).content.decode()
    assert SECRET_CONTACT in html
    assert 'value="promote"' in html and 'value="decline"' in html and 'value="reopen"' not in html


def test_declining_in_the_admin_keeps_the_form_when_the_reason_is_missing(client, editor):
    report = received_report()
    client.force_login(editor)
    url = reverse("admin:intake_report_change", args=[report.pk])
    response = client.post(url, {"action": "decline", "decline-reason": ""})
    assert response.status_code == 400
    response = client.post(url, {"action": "decline", "decline-reason": "Not about an AI system."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.DECLINED and report.decline_reason == "Not about an AI system."


def test_promoting_in_the_admin_opens_the_draft(client, editor):
    report = received_report(links=["https://example.org/a"])
    client.force_login(editor)
    url = reverse("admin:intake_report_change", args=[report.pk])
    response = client.post(url, {"action": "promote", "promote-kind": "hazard", "promote-title": "A hazard"})
    report.refresh_from_db()
    version = report.promoted_record.versions.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:incidents_recordversion_change", args=[version.pk])
    assert report.promoted_record.kind == Kind.HAZARD


def test_marking_a_duplicate_in_the_admin_by_reference(client, editor):
    earlier, report = received_report(), received_report()
    client.force_login(editor)
    url = reverse("admin:intake_report_change", args=[report.pk])
    assert client.post(url, {"action": "duplicate", "duplicate-of": "R-0000-9999"}).status_code == 400
    assert client.post(url, {"action": "duplicate", "duplicate-of": earlier.reference}).status_code == 302
    report.refresh_from_db()
    assert report.duplicate_of_report == earlier


def test_triage_by_a_user_without_the_role_is_403(client, reviewer):
    report = received_report()
    client.force_login(reviewer)
    url = reverse("admin:intake_report_change", args=[report.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "decline", "decline-reason": "No."}).status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.NEW


def test_an_unknown_triage_step_is_400_not_500(client, editor):
    report = received_report()
    client.force_login(editor)
    url = reverse("admin:intake_report_change", args=[report.pk])
    assert client.post(url, {"action": "explode"}).status_code == 400


# E-mails -----------------------------------------------------------------------------


def test_each_status_change_is_e_mailed_in_the_senders_language(client, django_capture_on_commit_callbacks, editor):
    with django_capture_on_commit_callbacks(execute=True):
        send(client, lang="fr", contact_email=SECRET_CONTACT)
    report = Report.objects.get()
    assert [m.to for m in mail.outbox] == [[SECRET_CONTACT]]
    assert report.reference in mail.outbox[0].subject and "reçu" in mail.outbox[0].subject
    assert f"/fr/report/status/{report.token}/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        triage.decline(report, by=editor, reason="Ce cas ne concerne pas un système d’IA.")
    assert "Ce cas ne concerne pas un système d’IA." in mail.outbox[1].body
    assert "Motif\u00a0:" in mail.outbox[1].body
    with django_capture_on_commit_callbacks(execute=True):
        triage.reopen(report, by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        version = triage.promote(report, by=editor, title="Titre")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(version, by=editor)
        publish(approve(version))
    assert len([m for m in mail.outbox if m.to == [SECRET_CONTACT]]) == 5
    assert version.record.public_id in mail.outbox[-1].subject


def test_no_e_mail_without_an_address(django_capture_on_commit_callbacks, editor):
    with django_capture_on_commit_callbacks(execute=True):
        report = received_report()
        triage.decline(report, by=editor, reason="No.")
    assert mail.outbox == []


def test_the_contact_never_reaches_public_pages_feeds_or_the_api(client, editor):
    report = received_report(contact_email=SECRET_CONTACT)
    version = triage.promote(report, by=editor, title="Hiring tool")
    workflow.submit(version, by=editor)
    publish(approve(version))
    public_id = version.record.public_id
    for path in (
        f"/en/incidents/{public_id}/",
        "/en/incidents/",
        "/en/feeds/records.atom",
        "/en/feeds/records.json",
        f"/api/v1/records/{public_id}/",
        "/api/v1/records/",
        f"/en/report/status/{report.token}/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert SECRET_CONTACT not in response.content.decode(), path
    for name in ("contact_email", "whistle"):
        assert name not in str(Record._meta.get_fields())


def test_reviewers_and_publishers_still_review_a_promoted_draft(editor):
    """Promotion adds no shortcut: the draft is reviewed like any other."""
    version = triage.promote(received_report(), by=editor, title="Title")
    with pytest.raises(workflow.WorkflowError):
        workflow.publish(version, by=PublisherFactory())
    assert ReviewerFactory() and EditorFactory()
