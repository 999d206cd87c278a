"""The version editor in a real browser, under the strict Content-Security-Policy:
EN/FR tabs, "add another" inlines and autocomplete work, and nothing is blocked."""

import pytest

from incidents.models import RecordVersion
from tests.browser.support import admin_login, assert_no_csp_violation, assert_no_page_error, open_page
from tests.factories import (
    PASSWORD,
    DraftVersionFactory,
    EditorFactory,
    EntityFactory,
    EntityRoleFactory,
    HarmFactory,
    HarmTypeTermFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_writes_a_new_record_in_both_languages_in_the_browser(browser_page, live_server):
    page = browser_page
    editor = EditorFactory(username="edith")
    HarmTypeTermFactory(name_en="Fraud", name_fr="Fraude")
    admin_login(page, live_server.url, editor.username, PASSWORD)

    page.goto(f"{live_server.url}/admin/incidents/recordversion/add/")
    page.check("input[name=kind][value=incident]")

    # The title has EN and FR tabs; switching shows one field at a time.
    title_tabs = page.locator("[role=tab][aria-controls='tab_id_title_en']").locator("xpath=ancestor::ul[1]")
    assert [text.lower() for text in title_tabs.locator("a").all_inner_texts()] == ["en", "fr"]
    page.click("[role=tab][aria-controls='tab_id_title_fr']")
    assert page.is_visible("#id_title_fr") and page.is_hidden("#id_title_en")
    page.fill("#id_title_fr", "Des candidats hypertrucés infiltrent des entreprises")
    page.click("[role=tab][aria-controls='tab_id_title_en']")
    assert page.is_visible("#id_title_en") and page.is_hidden("#id_title_fr")
    page.fill("#id_title_en", "Deepfake job applicants infiltrate companies")
    # The tab itself takes the keyboard (its link is no second stop inside it): arrows switch.
    page.focus("[role=tab][aria-controls='tab_id_title_en']")
    assert page.locator("[aria-controls='tab_id_title_en'] a[href]").count() == 0
    page.keyboard.press("ArrowRight")
    page.wait_for_selector("#id_title_fr", state="visible")
    page.keyboard.press("ArrowLeft")
    page.wait_for_selector("#id_title_en", state="visible")

    # The page-wide language switch moves every tab at once.
    page.select_option("#modeltranslation-main-switch", index=1)
    page.fill("#id_summary_fr", "Des agents ont utilisé des vidéos générées par IA.")
    page.fill("#id_narrative_fr", "Un avis a décrit le stratagème.")
    page.select_option("#modeltranslation-main-switch", index=0)
    page.fill("#id_summary_en", "Operatives used AI-generated video.")
    page.fill("#id_narrative_en", "An advisory described the scheme.")

    # "Add another harm" makes a new inline with its own EN/FR tabs.
    page.click("#harms-group .add-row a")
    page.fill("#id_harms-0-description_en", "Companies hired operatives who could plant backdoors.")
    page.click("[role=tab][aria-controls='tab_id_harms-0-description_fr']")
    page.fill(
        "#id_harms-0-description_fr", "Des entreprises ont embauché des agents pouvant installer des portes dérobées."
    )

    # The harm type is chosen through the admin's autocomplete.
    page.click("#harms-0 .field-harm_type .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "Fra")
    page.click(".select2-results__option:has-text('Fraud')")

    page.screenshot(path="test-results/admin-version-add.png", full_page=True)
    assert_no_csp_violation(page)
    assert_no_page_error(page)
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    version = RecordVersion.objects.get()
    assert version.record.public_id == "INC-0001"
    assert (version.title_en, version.title_fr) == (
        "Deepfake job applicants infiltrate companies",
        "Des candidats hypertrucés infiltrent des entreprises",
    )
    harm = version.harms.get()
    assert harm.description_fr.startswith("Des entreprises") and harm.harm_type.name_en == "Fraud"

    # The change page of the new draft works under the policy too.
    page.goto(f"{live_server.url}/admin/incidents/recordversion/{version.pk}/change/")
    page.wait_for_selector(".workflow-panel")
    assert_no_csp_violation(page)
    assert_no_page_error(page)


def test_admin_language_switcher_works_without_script(browser_page, live_server):
    page = browser_page
    editor = EditorFactory(username="francine")
    admin_login(page, live_server.url, editor.username, PASSWORD)
    page.goto(f"{live_server.url}/admin/incidents/record/")
    page.select_option("#admin-language", "fr")
    page.click(".admin-language-switcher button")
    page.wait_for_selector("html[lang=fr]")
    assert page.url == f"{live_server.url}/admin/incidents/record/"
    assert "Rechercher dans les fiches" in page.inner_text("#content")
    assert_no_csp_violation(page)
    assert_no_page_error(page)


def test_change_page_inlines_popups_and_history_work_under_the_policy(browser_page, live_server):
    page = browser_page
    editor = EditorFactory(username="eddie")
    version = DraftVersionFactory(created_by=editor)
    HarmFactory(version=version)
    EntityRoleFactory(version=version, entity=EntityFactory(name_en="RCMP"))
    admin_login(page, live_server.url, editor.username, PASSWORD)
    page.goto(f"{live_server.url}/admin/incidents/recordversion/{version.pk}/change/")

    # A tabular inline with a translated column: "add another" gives the new
    # row EN/FR tabs too.
    page.click("#entity_roles-group .add-row a")
    page.wait_for_selector("[role=tab][aria-controls='tab_id_entity_roles-1-note_fr']")
    page.click("[role=tab][aria-controls='tab_id_entity_roles-1-note_fr']")
    assert page.is_visible("#id_entity_roles-1-note_fr")

    # A new source made in the admin's pop-up window lands in the citation.
    page.click("#citations-group .add-row a")
    with page.expect_popup() as popup_info:
        page.click("#add_id_citations-0-source")
    popup = popup_info.value
    popup.wait_for_load_state()
    popup.fill("#id_title", "Advisory: North Korean IT workers")
    popup.fill("#id_publisher_en", "Royal Canadian Mounted Police")
    popup.select_option("#id_source_type", "government_advisory")
    popup.click("input[name=_save]")
    popup.wait_for_event("close")
    assert "Advisory: North Korean IT workers" in page.inner_text("#citations-0 .field-source")

    assert_no_csp_violation(page)
    assert_no_page_error(page)

    page.goto(f"{live_server.url}/admin/incidents/recordversion/{version.pk}/history/")
    page.wait_for_selector("#change-history")
    assert_no_csp_violation(page)
    assert_no_page_error(page)


def test_tabs_open_in_french_for_a_french_speaking_editor(chromium, live_server):
    editor = EditorFactory(username="francoise")
    page = open_page(chromium, locale="fr-CA", extra_http_headers={"Accept-Language": "fr-CA,fr;q=0.9"})
    try:
        admin_login(page, live_server.url, editor.username, PASSWORD)
        page.goto(f"{live_server.url}/admin/incidents/recordversion/add/")
        assert page.get_attribute("html", "lang") == "fr"
        assert page.is_visible("#id_title_fr") and page.is_hidden("#id_title_en")
        assert "Nouvelle fiche" in page.inner_text("#content")
        assert_no_csp_violation(page)
        assert_no_page_error(page)
    finally:
        page.context.close()


def test_editor_sees_both_languages_side_by_side_and_previews_markdown(browser_page, live_server):
    page = browser_page
    editor = EditorFactory(username="sidney")
    draft = DraftVersionFactory(
        created_by=editor, narrative_en="A **bold** claim [@key].", narrative_fr="Une affirmation **forte**."
    )
    admin_login(page, live_server.url, editor.username, PASSWORD)
    page.goto(f"{live_server.url}/admin/incidents/recordversion/{draft.pk}/change/")
    assert page.is_hidden("#id_title_fr")
    page.check("#side-by-side-switch")
    assert page.is_visible("#id_title_en") and page.is_visible("#id_title_fr")
    # Remembered for the next page.
    page.reload()
    assert page.is_checked("#side-by-side-switch") and page.is_visible("#id_narrative_fr")
    page.locator("#id_narrative_fr ~ .markdown-preview-button").click()
    preview = page.locator("#id_narrative_fr ~ .markdown-preview")
    preview.locator("strong").wait_for()
    assert preview.inner_text().strip() == "Une affirmation forte."
    assert preview.get_attribute("lang") == "fr"
    page.uncheck("#side-by-side-switch")
    assert page.is_hidden("#id_title_fr")
    assert_no_csp_violation(page)
    assert_no_page_error(page)
