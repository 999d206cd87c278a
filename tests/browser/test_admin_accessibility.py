"""
Every admin screen in a real Chromium, in English and in French: no WCAG 2
A/AA violation found by axe-core (changelists, change and add forms, the
version editor editable and read-only, the review screen, the publish page,
the timeline, the history, the admin home with its work queues), and none
wider than the window at 1280 px.

The demo content (incidents/demo) gives records in every state of the
workflow; a superuser sees every screen and every queue.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from incidents.models import Record, RecordVersion, Status
from tests.browser.support import admin_login, open_page
from tests.factories import received_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
SUPERUSER = ("admin", "anchor-glacier-moose-91")  # the demo's, README.md


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", force=True, verbosity=0)
    # The demo has no report from the public: one for the triage screen.
    received_report(contact_email="reporter@example.net", links=["https://example.org/a"])


def admin_screens():
    """(label, path) of every admin screen to check."""
    screens = [("home", "/admin/")]
    for model, _model_admin in admin.site._registry.items():
        opts = model._meta
        screens.append((f"{opts.label} list", reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            screens.append((f"{opts.label} change", change))
    draft = RecordVersion.objects.filter(status=Status.DRAFT).first()
    in_review = RecordVersion.objects.filter(status=Status.IN_REVIEW).first()
    approved = RecordVersion.objects.filter(status=Status.APPROVED).first()
    published = RecordVersion.objects.filter(status=Status.PUBLISHED).first()
    record = Record.objects.filter(versions__number=2).first()
    screens += [
        ("version editor", f"/admin/incidents/recordversion/{draft.pk}/change/"),
        ("version editor, read-only", f"/admin/incidents/recordversion/{in_review.pk}/change/"),
        ("new record", "/admin/incidents/recordversion/add/"),
        ("review screen", f"/admin/incidents/recordversion/{in_review.pk}/review/"),
        ("publish page", f"/admin/incidents/recordversion/{approved.pk}/publish/"),
        ("redaction request", f"/admin/incidents/recordversion/{published.pk}/redact/"),
        ("version history", f"/admin/incidents/recordversion/{published.pk}/history/"),
        ("timeline", f"/admin/incidents/record/{record.pk}/timeline/"),
        ("withdrawal", f"/admin/incidents/record/{record.pk}/withdraw/"),
        ("new source", "/admin/evidence/source/add/"),
        ("new term", "/admin/taxonomy/term/add/"),
    ]
    return screens


def _describe(violations):
    return [f"{v['id']} ×{len(v['nodes'])}: {[node['target'] for node in v['nodes']][:3]}" for v in violations]


def check_every_screen(chromium, live_server, lang):
    # axe is injected by script, which the strict CSP would rightly block:
    # this context alone bypasses the policy (the other browser tests check it).
    page = open_page(
        chromium,
        bypass_csp=True,
        viewport={"width": 1280, "height": 900},
        locale="fr-CA" if lang == "fr" else "en-CA",
        extra_http_headers={"Accept-Language": lang},
    )
    try:
        admin_login(page, live_server.url, *SUPERUSER)
        axe = Axe()
        found = {}
        for label, path in admin_screens():
            response = page.goto(live_server.url + path)
            assert response.status == 200, (label, path, response.status)
            assert page.get_attribute("html", "lang") == lang
            problems = _describe(axe.run(page, options=AXE_OPTIONS).response["violations"])
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                problems.append(f"{overflow} px wider than the window")
            if problems:
                found[f"{label} {path}"] = problems
        assert found == {}, "\n".join(
            f"{screen}: {problem}" for screen, problems in found.items() for problem in problems
        )
    finally:
        page.context.close()


def test_no_admin_screen_has_an_axe_violation_in_english(chromium, live_server, demo):
    check_every_screen(chromium, live_server, "en")


def test_no_admin_screen_has_an_axe_violation_in_french(chromium, live_server, demo):
    check_every_screen(chromium, live_server, "fr")
