"""The review screen in a real browser (the system Chromium), under the
strict Content-Security-Policy: both previews load in their frames, the
reviewer ticks the checklist and approves."""

import importlib

import pytest

from incidents.models import Check, Decision, SignOff, Status
from tests.browser.support import admin_login, assert_no_csp_violation, assert_no_page_error
from tests.factories import PASSWORD, HarmFactory, ReviewerFactory, full_record, record_of, revise
from tests.review_helpers import preview_url, review_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def in_review(transactional_db):
    from django.apps import apps

    from incidents.publishing import workflow

    # A transactional test empties every table after it, the checklists
    # seeded by the migration included: seed them again if they are gone.
    seed = importlib.import_module("incidents.migrations.0003_review_checklists").seed_checklists
    seed(apps, None)
    live = full_record()
    draft = revise(record_of(live))
    draft.title_en = "Canadian advisory warned of AI-enabled deepfake IT workers"
    draft.title_fr = "Un avis canadien met en garde contre des informaticiens hypertrucés par l’IA"
    draft._history_user = draft.created_by
    draft.save()
    return workflow.submit(draft, by=draft.created_by)


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def assert_accessible(page, selector):
    """axe-core's WCAG 2.2 AA rules, on this screen's own part of the admin page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        context={"include": [[selector]]},
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, results.generate_report()


def frame_violations(page):
    """CSP violations reported inside the preview frames."""
    found = []
    for frame in page.frames[1:]:
        found += frame.evaluate("window.__cspViolations || []")
    return found


def test_reviewer_reads_both_previews_ticks_the_checklist_and_approves(browser_page, live_server, in_review):
    page = browser_page
    reviewer = ReviewerFactory(username="rita")
    admin_login(page, live_server.url, reviewer.username, PASSWORD)

    # The admin home lists the version in the reviewer's queues.
    queue = page.locator("#queue-neutrality")
    queue.get_by_role("link", name=f"Review {in_review.record.public_id}").click()
    page.wait_for_url(f"{live_server.url}{review_url(in_review)}")

    # Both previews render the public page, each in its language.
    english = page.frame_locator("iframe[title='English preview']")
    french = page.frame_locator("iframe[title='French preview']")
    assert english.locator("h1#record-title").inner_text() == in_review.title_en
    assert french.locator("h1#record-title").inner_text() == in_review.title_fr
    assert english.locator(".preview-banner").is_visible()
    assert french.locator("html").get_attribute("lang") == "fr"
    assert english.locator("#evidence-heading").is_visible()

    form = page.locator("form.sign-off-form").filter(has=page.locator("input[name=check][value=neutrality]"))
    boxes = form.locator("input[type=checkbox]")
    items = boxes.count()
    assert items >= 3
    for index in range(items):
        boxes.nth(index).check()
    form.get_by_label("Approve").check()
    form.get_by_label("Comment", exact=True).fill("Claims are attributed; the tone is neutral.")
    page.screenshot(path="test-results/review-screen.png", full_page=True)
    assert_accessible(page, "#content-main")
    assert_no_csp_violation(page)
    assert frame_violations(page) == []
    form.get_by_role("button").click()

    page.wait_for_url(f"{live_server.url}{review_url(in_review)}")
    assert "Your approval of the neutrality check is recorded." in page.locator(".messagelist").inner_text()
    sign_off = SignOff.objects.get(version=in_review)
    assert (sign_off.check_type, sign_off.decision, sign_off.reviewer) == (Check.NEUTRALITY, Decision.APPROVE, reviewer)
    assert sign_off.answers.count() == items and all(a.ticked for a in sign_off.answers.all())
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW
    # The decision now shows with its check, and no form is offered for it.
    neutrality = page.locator("section.review-check").filter(has=page.locator("#check-neutrality-title"))
    assert "Claims are attributed; the tone is neutral." in neutrality.inner_text()
    assert neutrality.locator("form").count() == 0
    assert_no_csp_violation(page)
    assert_no_page_error(page)


def test_approving_with_an_unticked_item_shows_the_error_beside_it(browser_page, live_server, in_review):
    page = browser_page
    reviewer = ReviewerFactory(username="robin")
    admin_login(page, live_server.url, reviewer.username, PASSWORD)
    page.goto(f"{live_server.url}{review_url(in_review)}")
    form = page.locator("form.sign-off-form").filter(has=page.locator("input[name=check][value=factuality]"))
    form.get_by_label("Approve").check()
    form.get_by_role("button").click()
    # Refused: the screen comes back from the sign-off URL, with the errors.
    page.wait_for_url("**/sign-off/", wait_until="domcontentloaded")
    errors = page.locator(".checklist-item--error")
    assert errors.count() >= 3
    assert "Not ticked: say why here, or request changes." in errors.first.inner_text()
    assert not SignOff.objects.filter(version=in_review).exists()
    assert_no_csp_violation(page)


def test_queues_and_the_preview_alone_pass_axe_and_the_csp(browser_page, live_server, in_review):
    page = browser_page
    reviewer = ReviewerFactory(username="rita")
    admin_login(page, live_server.url, reviewer.username, PASSWORD)
    assert page.locator("#queue-neutrality tbody tr").count() == 1
    assert_accessible(page, ".work-queues")
    assert_no_csp_violation(page)
    for lang in ("en", "fr"):
        page.goto(f"{live_server.url}{preview_url(in_review, lang)}")
        assert page.locator(".preview-banner").is_visible()
        assert_accessible(page, "body")
        assert_no_csp_violation(page)


@pytest.fixture
def in_review_with_personal_data(transactional_db):
    """A revision in review whose new harm gives a person's e-mail address and
    phone number, in both languages; both default checklists, the privacy
    item of migration 0005 included."""
    from django.apps import apps

    from incidents.publishing import workflow

    importlib.import_module("incidents.migrations.0003_review_checklists").seed_checklists(apps, None)
    importlib.import_module("incidents.migrations.0005_privacy_checklist_item").add_privacy_item(apps, None)
    draft = revise(record_of(full_record()))
    HarmFactory(
        version=draft,
        order=3,
        description_en="The clerk's e-mail, jane.doe@example.com, and her number, 613-555-0123, were posted.",
        description_fr="Le courriel de la commis, jane.doe@example.com, et son numéro, le 613-555-0123, ont été diffusés.",
    )
    return workflow.submit(draft, by=draft.created_by)


def test_personal_data_hints_pass_axe_and_the_csp(browser_page, live_server, in_review_with_personal_data):
    page = browser_page
    version = in_review_with_personal_data
    reviewer = ReviewerFactory(username="rita")
    admin_login(page, live_server.url, reviewer.username, PASSWORD)
    page.goto(f"{live_server.url}{review_url(version)}")

    section = page.locator("section.review-privacy")
    assert section.get_by_role("heading", name="Possible personal data").is_visible()
    findings = section.locator("li.privacy-finding")
    assert findings.count() == 4
    assert findings.first.locator("mark").inner_text() == "jane.doe@example.com"
    assert "Harm 3: description (English)" in findings.first.inner_text()
    assert section.locator("mark", has_text="613-555-0123").count() == 2
    # The neutrality checklist asks the privacy question.
    neutrality = page.locator("form.sign-off-form").filter(has=page.locator("input[name=check][value=neutrality]"))
    assert neutrality.get_by_label("No personal data about private individuals", exact=False).count() == 1

    section.scroll_into_view_if_needed()
    section.screenshot(path="test-results/review-screen-personal-data.png")
    assert_accessible(page, ".review-privacy")
    assert_accessible(page, "#content-main")
    assert_no_csp_violation(page)
    assert frame_violations(page) == []
    assert_no_page_error(page)
