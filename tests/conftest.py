import pytest

# Browser fixtures (Playwright + Debian's Chromium): see tests/browser/support.py.
from tests.browser.support import browser_page, chromium  # noqa: F401 (fixtures, registered by importing them)
from tests.factories import EditorFactory, PublisherFactory, ReviewerFactory, SuperuserFactory


@pytest.fixture
def editor(db):
    return EditorFactory(username="edith")


@pytest.fixture
def other_editor(db):
    return EditorFactory(username="eddie")


@pytest.fixture
def reviewer(db):
    return ReviewerFactory(username="rita")


@pytest.fixture
def other_reviewer(db):
    return ReviewerFactory(username="robin")


@pytest.fixture
def publisher(db):
    return PublisherFactory(username="paula")


@pytest.fixture
def superuser(db):
    return SuperuserFactory(username="root")


@pytest.fixture(autouse=True)
def no_facet_index_from_another_test():
    """Each process keeps the list's facet index by publication stamp
    (incidents/public/browse/facet_index.py): a test starts without the one
    an earlier test's data built."""
    from incidents.public.browse import facet_index

    facet_index.forget()


@pytest.fixture(autouse=True)
def english_by_default():
    """A request to /fr/ activates French for the thread; start every test in
    English so no test depends on the one before it."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark ``transactional`` the tests that really commit: Django empties
    the database after each of them, rows of the data migrations (checklist
    items, methodology pages) included, so the tests run after them in the
    same process would find none. CI runs them apart, in one process, after
    the others (.ci/run)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (marker and marker.kwargs.get("transaction")) or {"transactional_db", "live_server"} & set(
            getattr(item, "fixturenames", ())
        ):
            item.add_marker(pytest.mark.transactional)
