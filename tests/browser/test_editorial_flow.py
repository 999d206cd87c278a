"""
The whole editorial flow, as new users would walk it, in real Chromium.

An editor writes a record in both languages and submits it; reviewer A
approves its neutrality (and is not offered its factuality: a second
reviewer signs that); reviewer B asks for changes on its factuality; the
editor fixes the narrative and submits again; both approve; a publisher
publishes v1. Then the editor starts a revision, changes the French summary,
and the same flow leads to v2. Each person works in their own browser
context (their own session), and the test checks what each one sees at
each step, and what the public sees. It runs on a laptop's 1280 px window
and a phone's 390 px one: no page, admin or public, is wider than the window.
"""

import importlib
import re

import pytest
from django.apps import apps

from incidents.models import Record, Status
from tests.browser.support import (
    admin_login,
    assert_fits_the_window,
    assert_no_csp_violation,
    assert_no_page_error,
    open_page,
)
from tests.factories import (
    PASSWORD,
    EditorFactory,
    HarmTypeTermFactory,
    PublisherFactory,
    ReviewerFactory,
    SourceFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_SUMMARY_FR = (
    "Cinq organismes fédéraux ont averti que des agents utilisent des hypertrucages pour obtenir des emplois."
)
REVISED_SUMMARY_FR = (
    "Cinq organismes fédéraux ont averti conjointement que des agents nord-coréens se servent d’hypertrucages."
)


class Person:
    """One user in their own browser context."""

    def __init__(self, chromium, base_url, user, width):
        self.user = user
        self.base_url = base_url
        self.page = open_page(chromium, viewport={"width": width, "height": 900})
        admin_login(self.page, base_url, user.username, PASSWORD)

    def go(self, path):
        self.page.goto(self.base_url + path)
        assert_fits_the_window(self.page)
        return self.page

    def queue(self, key):
        """The rows of one work queue on the admin home."""
        self.go("/admin/")
        return self.page.locator(f"#queue-{key}")

    def done(self):
        assert_fits_the_window(self.page)
        assert_no_csp_violation(self.page)
        assert_no_page_error(self.page)

    def close(self):
        self.page.context.close()


@pytest.fixture(params=[1280, 390], ids=["1280px", "390px"])
def width(request):
    return request.param


@pytest.fixture
def people(chromium, live_server, width):
    # Transactional tests start from an empty database: put back the
    # default checklists that migration 0003 seeds.
    importlib.import_module("incidents.migrations.0003_review_checklists").seed_checklists(apps, None)
    created = {
        "editor": Person(chromium, live_server.url, EditorFactory(username="edith"), width),
        "reviewer_a": Person(chromium, live_server.url, ReviewerFactory(username="rita"), width),
        "reviewer_b": Person(chromium, live_server.url, ReviewerFactory(username="robin"), width),
        "publisher": Person(chromium, live_server.url, PublisherFactory(username="paula"), width),
    }
    yield created
    for person in created.values():
        person.close()


def select_autocomplete(page, container, text):
    page.click(f"{container} .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text[:5])
    page.click(f".select2-results__option:has-text('{text}')")


def write_new_record(editor):
    page = editor.go("/admin/incidents/recordversion/add/")
    page.check("input[name=kind][value=incident]")
    page.select_option("#modeltranslation-main-switch", index=0)  # English tabs
    page.fill("#id_title_en", "Agencies warn of deepfake job applicants")
    page.fill("#id_summary_en", "Five federal agencies warned that operatives use deepfakes to win remote jobs.")
    page.fill("#id_narrative_en", "The advisory was issued on July 17, 2025 [@rcmp-2025].")
    page.select_option("#modeltranslation-main-switch", index=1)  # French tabs
    page.fill("#id_title_fr", "Des organismes mettent en garde contre des candidats hypertrucés")
    page.fill("#id_summary_fr", FIRST_SUMMARY_FR)
    page.fill("#id_narrative_fr", "L’avis a été publié le 17 juillet 2025 [@rcmp-2025].")

    page.click("#harms-group .add-row a")
    page.select_option("#modeltranslation-main-switch", index=0)
    page.fill("#id_harms-0-description_en", "Employers may hire operatives who plant backdoors.")
    page.select_option("#modeltranslation-main-switch", index=1)
    page.fill(
        "#id_harms-0-description_fr", "Des employeurs peuvent embaucher des agents qui installent des portes dérobées."
    )
    select_autocomplete(page, "#harms-0 .field-harm_type", "Fraud")

    page.click("#citations-group .add-row a")
    select_autocomplete(page, "#citations-0 .field-source", "Advisory on North Korean")
    page.fill("#id_citations-0-key", "rcmp-2025")
    page.check("#id_citations-0-is_primary")
    page.select_option("#modeltranslation-main-switch", index=0)
    page.fill("#id_citations-0-label_en", "RCMP, 2025")
    page.fill("#id_citations-0-corroborates_en", "The joint advisory itself.")
    page.select_option("#modeltranslation-main-switch", index=1)
    page.fill("#id_citations-0-label_fr", "GRC, 2025")
    page.fill("#id_citations-0-corroborates_fr", "L’avis conjoint lui-même.")

    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    editor.done()
    return Record.objects.get()


def submit(editor, record):
    """From the editor's own queue on the admin home to the submit button."""
    queue = editor.queue("my-work")
    queue.get_by_role("link", name=re.compile(f"Edit {record.public_id}")).click()
    page = editor.page
    page.get_by_role("button", name="Save and submit for review").first.click()
    assert "was submitted for review" in page.locator(".messagelist").inner_text()
    editor.done()


def open_review(reviewer, key, record):
    queue = reviewer.queue(key)
    assert record.public_id in queue.inner_text(), f"{reviewer.user} should see {record.public_id} in queue {key}"
    queue.get_by_role("link", name=re.compile(f"Review {record.public_id}")).click()
    reviewer.page.wait_for_selector("form.sign-off-form, .review-check")
    # As a reviewer would: read the two previews before deciding.
    reviewer.page.wait_for_load_state("load")
    assert_fits_the_window(reviewer.page)
    return reviewer.page


def decide(reviewer, record, check, approve, comment):
    page = open_review(reviewer, check, record)
    form = page.locator("form.sign-off-form").filter(has=page.locator(f"input[name=check][value={check}]"))
    boxes = form.locator("input[type=checkbox]")
    for index in range(boxes.count()):
        boxes.nth(index).check()
    form.get_by_label("Approve" if approve else "Request changes").check()
    form.get_by_label("Comment", exact=True).fill(comment)
    form.get_by_role("button").click()
    page.wait_for_selector(".messagelist")
    reviewer.done()
    return page.locator(".messagelist").inner_text()


def publish(publisher, record, note_en, note_fr):
    queue = publisher.queue("ready")
    assert record.public_id in queue.inner_text()
    # The queue leads to the publish page, which shows what is published.
    queue.get_by_role("link", name=re.compile(f"Publish {record.public_id}")).click()
    page = publisher.page
    page.wait_for_load_state("load")
    assert "/publish/" in page.url
    assert page.locator(".sign-off--approve").count() == 2
    assert_fits_the_window(page)
    page.fill("#id_change_note_en", note_en)
    page.fill("#id_change_note_fr", note_fr)
    page.click("input[type=submit][value=Publish]")
    page.wait_for_selector(".messagelist .success")
    publisher.done()


def public_text(chromium, live_server, path, width=1280):
    page = open_page(chromium, viewport={"width": width, "height": 900})
    try:
        response = page.goto(live_server.url + path)
        if response.status == 200:
            assert_fits_the_window(page)
        return response.status, page.locator("main").inner_text()
    finally:
        page.context.close()


def test_a_record_goes_from_draft_to_v2_through_two_reviews_on_any_screen_width(chromium, live_server, people, width):
    editor, reviewer_a, reviewer_b, publisher = (
        people["editor"],
        people["reviewer_a"],
        people["reviewer_b"],
        people["publisher"],
    )
    HarmTypeTermFactory(name_en="Fraud", name_fr="Fraude")
    SourceFactory(title="Advisory on North Korean information technology (IT) workers")

    # 1. The editor writes the record in both languages on one page, then submits it.
    record = write_new_record(editor)
    version = record.versions.get()
    assert (version.title_fr, version.harms.get().description_fr[:15]) == (
        "Des organismes mettent en garde contre des candidats hypertrucés",
        "Des employeurs ",
    )
    submit(editor, record)
    version.refresh_from_db()
    assert version.status == Status.IN_REVIEW
    # Nothing is public yet.
    assert public_text(chromium, live_server, width=width, path=f"/en/incidents/{record.public_id}/")[0] == 404

    # The editor, an author, is offered no sign-off on their own version.
    page = editor.go(f"/admin/incidents/recordversion/{version.pk}/review/")
    assert page.locator("form.sign-off-form").count() == 0
    # Editors have no sign-off queues at all.
    editor.go("/admin/")
    assert editor.page.locator("#queue-neutrality, #queue-factuality").count() == 0

    # 2. Reviewer A approves the neutrality check.
    message = decide(reviewer_a, record, "neutrality", True, "Claims are attributed; the tone is neutral.")
    assert "approval of the neutrality check is recorded" in message
    # A has signed neutrality: that queue no longer lists the version for A,
    # and neither does the factuality queue: a second reviewer signs that one.
    assert record.public_id not in reviewer_a.queue("neutrality").inner_text()
    assert record.public_id not in reviewer_a.queue("factuality").inner_text()
    page = reviewer_a.go(f"/admin/incidents/recordversion/{record.versions.get().pk}/review/")
    assert page.locator("form.sign-off-form").count() == 0
    assert "a second reviewer must sign this one" in " ".join(page.locator(".review-refusal").all_inner_texts())
    reviewer_a.done()

    # 3. Reviewer B requests changes on factuality, with a comment.
    message = decide(reviewer_b, record, "factuality", False, "The advisory is dated July 16, not July 17.")
    assert "Changes requested" in message
    version.refresh_from_db()
    assert version.status == Status.CHANGES_REQUESTED

    # 4. The editor sees the request where they work, fixes the date and submits again.
    queue = editor.queue("my-work")
    assert record.public_id in queue.inner_text() and "Changes requested" in queue.inner_text()
    queue.get_by_role("link", name=re.compile(f"Edit {record.public_id}")).click()
    page = editor.page
    assert "The advisory is dated July 16, not July 17." in page.locator(".changes-requested").inner_text()
    page.select_option("#modeltranslation-main-switch", index=0)
    page.fill("#id_narrative_en", "The advisory was issued on July 16, 2025 [@rcmp-2025].")
    page.select_option("#modeltranslation-main-switch", index=1)
    page.fill("#id_narrative_fr", "L’avis a été publié le 16 juillet 2025 [@rcmp-2025].")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    page.get_by_role("button", name="Save and submit for review").first.click()
    assert "was submitted for review" in page.locator(".messagelist").inner_text()
    editor.done()

    # The earlier neutrality approval was voided: A is asked again.
    decide(reviewer_a, record, "neutrality", True, "Still neutral after the fix.")
    message = decide(reviewer_b, record, "factuality", True, "Date now matches the primary source.")
    assert "ready to publish" in message
    version.refresh_from_db()
    assert version.status == Status.APPROVED

    # 5. The publisher publishes v1.
    publish(publisher, record, "Initial publication", "Première publication")
    version.refresh_from_db()
    assert (version.status, version.number) == (Status.PUBLISHED, 1)
    status, text = public_text(chromium, live_server, width=width, path=f"/fr/incidents/{record.public_id}/")
    assert status == 200 and FIRST_SUMMARY_FR in text and "16 juillet 2025" in text

    # 6. The editor starts a revision and changes the French summary only.
    page = editor.go(f"/admin/incidents/record/{record.pk}/change/")
    page.get_by_role("button", name="Start a revision").click()
    page.wait_for_selector(".messagelist .success")
    assert "/change/" in page.url and "Draft" in page.locator(".workflow-panel").inner_text()
    page.select_option("#modeltranslation-main-switch", index=1)
    page.fill("#id_summary_fr", REVISED_SUMMARY_FR)
    # Typed, not saved: "Save and submit for review" saves it first, so nothing is lost.
    page.get_by_role("button", name="Save and submit for review").first.click()
    assert "saved and" in page.locator(".messagelist").inner_text()
    assert "was submitted for review" in page.locator(".messagelist").inner_text()
    submitted = record.versions.get(status=Status.IN_REVIEW)
    assert submitted.summary_fr == REVISED_SUMMARY_FR
    editor.done()
    # The public still reads v1 while v2 is in review.
    status, text = public_text(chromium, live_server, width=width, path=f"/fr/incidents/{record.public_id}/")
    assert FIRST_SUMMARY_FR in text and REVISED_SUMMARY_FR not in text

    # 7. The reviewers see the French change in the diff and approve; the publisher publishes v2.
    page = open_review(reviewer_a, "neutrality", record)
    assert REVISED_SUMMARY_FR[:40] in page.locator("#content-main").inner_text()
    decide(reviewer_a, record, "neutrality", True, "Neutral.")
    decide(reviewer_b, record, "factuality", True, "Matches the advisory.")
    publish(publisher, record, "French summary clarified", "Résumé français précisé")

    record.refresh_from_db()
    assert record.live_version.number == 2
    status, text = public_text(chromium, live_server, width=width, path=f"/fr/incidents/{record.public_id}/")
    assert REVISED_SUMMARY_FR in text
    assert "Première publication" in text and "Résumé français précisé" in text  # the changelog, in French
    status, text = public_text(chromium, live_server, width=width, path=f"/fr/incidents/{record.public_id}/v1/")
    assert status == 200 and FIRST_SUMMARY_FR in text
