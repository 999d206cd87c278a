"""
Shared pieces for browser tests: Playwright driving Debian's Chromium
(never a downloaded browser), with every Content-Security-Policy violation,
console error and page error recorded.

Use the ``browser_page`` fixture (registered in tests/conftest.py) in a test
marked ``@pytest.mark.browser`` that also uses ``live_server``:

    @pytest.mark.browser
    def test_something(browser_page, live_server):
        browser_page.goto(live_server.url + "/en/")
        ...
        assert_no_csp_violation(browser_page)
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Runs in every page before its own scripts: collects the browser's CSP
# violation reports, which carry the directive and the blocked resource.
_RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline code"} (${event.sourceFile}:${event.lineNumber})`
  );
});
"""


def require_chromium():
    """Skip when Debian's Chromium is missing, except on CI, where it must be there."""
    if CHROMIUM.exists():
        return
    message = (
        f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium) to run browser tests"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


class PageProblems:
    """What went wrong in the page, as the browser reported it."""

    def __init__(self, page):
        self.console_errors = []
        self.page_errors = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def _on_console(self, message):
        if message.type in ("error", "warning"):
            self.console_errors.append(f"{message.type}: {message.text}")


def csp_violations(page):
    """CSP violations seen by the page: its own reports plus the console's."""
    reported = page.evaluate("window.__cspViolations || []")
    console = [text for text in page.problems.console_errors if "Content Security Policy" in text]
    return reported + console


def assert_no_csp_violation(page):
    violations = csp_violations(page)
    assert violations == [], "\n".join(violations)


def assert_fits_the_window(page):
    """No sideways scrolling: the page is no wider than the window."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow} px wider than the {page.viewport_size['width']} px window"


def assert_no_page_error(page):
    assert page.problems.page_errors == [], "\n".join(page.problems.page_errors)


@pytest.fixture(scope="session")
def chromium():
    require_chromium()
    # Playwright's sync API runs an event loop in this thread; Django's ORM
    # refuses to run "inside" it unless told this is safe (it is: the loop
    # only drives the browser).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser, **context_options):
    """A page in a fresh browser context (cookies, language…): close its
    ``page.context`` when done. ``page.problems`` records errors."""
    context = browser.new_context(**{"locale": "en-CA", **context_options})
    context.set_default_timeout(10_000)
    context.add_init_script(_RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    page.problems = PageProblems(page)
    return page


@pytest.fixture
def browser_page(chromium):
    """A page in a fresh English-speaking browser context."""
    page = open_page(chromium)
    yield page
    page.context.close()


def admin_login(page, base_url, username, password):
    """Log in through the admin's own login form."""
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
