"""The record pages in a real browser (the system Chromium): accessibility
(axe-core, WCAG 2.2 AA rules), the responsive key-facts box, and no
Content-Security-Policy violation."""

import pytest

from incidents.publishing import workflow
from tests.factories import PublisherFactory, full_record, release, revise

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# The browser comes from tests/browser/support.py (the shared ``chromium``
# fixture): skipped without /usr/bin/chromium, a failure under CI=true.
pytestmark = pytest.mark.browser


@pytest.fixture
def open_page(chromium, live_server):
    contexts = []

    def open_(path, width=1280, height=900):
        context = chromium.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.csp_errors = []
        page.on(
            "console",
            lambda message: "Content Security Policy" in message.text and page.csp_errors.append(message.text),
        )
        page.goto(live_server.url + path)
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def seeded(transactional_db):
    v1 = full_record()
    draft = revise(v1.record)
    draft.title_en = "Canadian advisory warned of AI-enabled deepfake IT workers"
    draft.save()
    return release(draft, note=("Corrected the title", "Titre corrigé"))


def assert_accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_record_page_passes_axe_and_the_csp(open_page, seeded, lang):
    page = open_page(f"/{lang}/incidents/{seeded.record.public_id}/")
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    assert page.csp_errors == []


@pytest.mark.parametrize("path", ["v1/", "changes/?from=1&to=2", "changes/?from=1&to=1"])
def test_version_and_changes_pages_pass_axe(open_page, seeded, path):
    page = open_page(f"/fr/incidents/{seeded.record.public_id}/{path}")
    assert_accessible(page)
    assert page.csp_errors == []


def test_withdrawal_notice_and_404_pass_axe(open_page, seeded):
    workflow.withdraw(seeded.record, by=PublisherFactory(), reason_en="Duplicate", reason_fr="Doublon")
    assert_accessible(open_page(f"/en/incidents/{seeded.record.public_id}/"))
    assert_accessible(open_page("/fr/incidents/INC-9999/"))


def test_key_facts_sit_beside_the_summary_on_wide_screens_and_below_on_phones(open_page, seeded):
    url = f"/en/incidents/{seeded.record.public_id}/"
    wide = open_page(url, width=1280)
    summary, facts = wide.locator(".record-summary").bounding_box(), wide.locator(".key-facts").bounding_box()
    assert facts["x"] >= summary["x"] + summary["width"] and abs(facts["y"] - summary["y"]) < 5
    phone = open_page(url, width=375, height=800)
    summary, facts = phone.locator(".record-summary").bounding_box(), phone.locator(".key-facts").bounding_box()
    assert facts["y"] >= summary["y"] + summary["height"]
    # Nothing wider than the phone's screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375


def test_inline_citation_jumps_to_its_source_and_back(open_page, seeded):
    page = open_page(f"/en/incidents/{seeded.record.public_id}/")
    page.locator("#cite-narrative-source-bnn-2025-1").click()
    assert page.url.endswith("#source-bnn-2025")
    page.locator("#source-bnn-2025 .back-link a").click()
    assert page.url.endswith("#cite-narrative-source-bnn-2025-1")
