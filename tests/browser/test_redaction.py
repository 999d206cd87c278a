"""A redaction walked in a real browser, from the publisher's request to the
public notice: the reviewer finds it in their queue, reads the passage in its
context and applies it; readers see the marker and the dated notice, and
never the passage."""

import pytest

from tests.browser.support import admin_login, assert_no_csp_violation, assert_no_page_error, open_page
from tests.browser.test_review_screen import assert_accessible
from tests.factories import PASSWORD, PublishedVersionFactory, PublisherFactory, ReviewerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSAGE = "Jane Roe of 12 Elm Street"


def test_a_redaction_goes_from_request_to_public_notice(chromium, live_server):
    version = PublishedVersionFactory(
        narrative_en=f"The impersonated caller, {PASSAGE}, lost her savings.",
        narrative_fr=f"L’appelante usurpée, {PASSAGE}, a perdu ses économies.",
    )
    public_id = version.record.public_id
    publisher, reviewer = PublisherFactory(username="paula"), ReviewerFactory(username="rita")

    # The publisher asks, from the published version's page.
    page = open_page(chromium)
    admin_login(page, live_server.url, publisher.username, PASSWORD)
    page.goto(f"{live_server.url}/admin/incidents/recordversion/{version.pk}/change/")
    page.get_by_role("link", name="Request a redaction…").click()
    page.select_option("#id_field", "narrative")
    page.get_by_label("English").check()
    page.fill("#id_passage", PASSAGE)
    page.get_by_label("personal data").check()
    page.fill("#id_explanation", "A private person's name and address.")
    assert_accessible(page, "#content")
    page.get_by_role("button", name="Request the redaction").click()
    assert "a second person decides" in page.locator(".messagelist").inner_text()
    assert page.locator("input[name=apply]").count() == 0  # not the requester's to decide
    assert_no_csp_violation(page)
    assert_no_page_error(page)
    page.context.close()

    # The reviewer decides, from the queue on the admin home.
    page = open_page(chromium)
    admin_login(page, live_server.url, reviewer.username, PASSWORD)
    page.locator("#queue-redactions").get_by_role("link", name=f"Decide {public_id}").click()
    assert page.locator(".redaction-excerpt mark").inner_text() == PASSAGE
    assert_accessible(page, "#content")
    page.get_by_role("button", name="Apply the redaction").click()
    assert "The passage is erased" in page.locator(".messagelist").inner_text()
    assert PASSAGE not in page.content()
    assert_no_csp_violation(page)
    page.context.close()

    # Readers see the marker and the notice, in both languages.
    page = open_page(chromium)
    page.goto(f"{live_server.url}/en/incidents/{public_id}/v1/")
    assert "[redacted]" in page.locator("main").inner_text()
    assert "Redacted on" in page.locator(".redaction-notice").inner_text()
    assert PASSAGE not in page.content()
    page.goto(f"{live_server.url}/fr/incidents/{public_id}/")
    assert "[caviardé]" in page.locator("main").inner_text()
    assert "Caviardé le" in page.locator(".redaction-notice").inner_text()
    assert_accessible(page, "main")
    assert_no_csp_violation(page)
    assert_no_page_error(page)
    page.context.close()
