"""
Browser tests: a real Chromium driven by Playwright for Python.

The system Chromium (/usr/bin/chromium) is used, never a downloaded build.
Where it is missing, browser tests are skipped with a message, except under
CI=true, where a missing browser is a failure: CI must run them.
"""

import pytest


@pytest.fixture(scope="session")
def browser(chromium):
    """The one Chromium of the test session (tests/browser/support.py).

    Two Playwright sessions cannot run in one thread, so every browser test
    shares this one; it is skipped without /usr/bin/chromium, except under
    CI=true, where that is a failure.
    """
    return chromium


@pytest.fixture
def new_page(browser):
    """new_page(**context_options) -> a page in a fresh browser context."""
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
