"""
The public pages in a real Chromium, in both languages: no WCAG 2 A/AA
violation found by axe-core, no Content-Security-Policy violation, usable
without JavaScript and on a phone-sized screen.

``public_pages()`` (tests/catalogue.py) lists the pages checked, in both
languages: add new public pages there.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.catalogue import build_catalogue, public_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGS = ["en", "fr"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def catalogue(transactional_db):
    return build_catalogue()


def _describe(violations):
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[node['target'] for node in v['nodes']][:3]}" for v in violations
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_public_pages_have_no_wcag_violations(live_server, new_page, catalogue, lang):
    # axe is injected by script, which the strict CSP would rightly block:
    # this context alone bypasses the policy (CSP is checked separately below).
    page = new_page(bypass_csp=True)
    axe = Axe()
    found = {}
    for label, path in public_pages(catalogue, lang):
        response = page.goto(live_server.url + path)
        assert response.status == (404 if label == "page not found" else 200), (label, path)
        assert page.locator("html").get_attribute("lang") == lang
        violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
        if violations:
            found[f"{label} {path}"] = _describe(violations)
    assert found == {}


@pytest.mark.parametrize("lang", LANGS)
def test_public_pages_raise_no_csp_violation(live_server, new_page, catalogue, lang):
    page = new_page()
    problems = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    for _label, path in public_pages(catalogue, lang):
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
    assert problems == []


def test_search_and_filters_work_without_javascript(live_server, new_page, catalogue):
    page = new_page(java_script_enabled=False)
    page.goto(live_server.url + "/fr/")
    page.get_by_label("Rechercher des fiches").fill("hypertrucage")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/fr/incidents/?q=hypertrucage")
    assert page.get_by_role("heading", level=1).inner_text() == "Résultats de la recherche"
    # Filters are plain checkboxes in a GET form.
    page.goto(live_server.url + "/en/incidents/")
    page.get_by_label("Hazard (1)").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/en/incidents/?**kind=hazard**")
    titles = page.locator(".result__title").all_inner_texts()
    assert titles == ["Voice cloning could defeat bank call-centre checks"]


@pytest.mark.parametrize("path", ["/fr/", "/fr/incidents/", "/en/incidents/?q=bank"])
def test_pages_fit_a_phone_screen_without_sideways_scrolling(live_server, new_page, catalogue, path):
    page = new_page(viewport=PHONE)
    page.goto(live_server.url + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
