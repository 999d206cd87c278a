"""``manage.py load_demo``: accounts, the seed record and every workflow state,
loaded through the workflow, idempotently. (Never by accident in production:
test_demo_command.py.)"""

import datetime
import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from core.rendering import citation_keys
from evidence.models import Source
from incidents.demo.accounts import ACCOUNTS
from incidents.demo.loader import find_demo_record
from incidents.demo.records import RECORDS
from incidents.demo.reference import ENTITIES, SOURCES, TAXONOMIES
from incidents.demo.text import T
from incidents.models import (
    PUBLIC_STATUSES,
    Check,
    Decision,
    Harm,
    Kind,
    Record,
    RecordVersion,
    Role,
    SignOff,
    Status,
    WorkflowEvent,
)
from incidents.publishing.roles import EDITORS, PUBLISHERS, REVIEWERS
from incidents.rules import submission_problems
from taxonomy.models import AI_CAPABILITY, HARM_TYPE, LIFECYCLE_STAGE, SECTOR, Entity, Taxonomy, Term, TermMapping

pytestmark = pytest.mark.django_db

SEED = "seed-dprk-it-workers"
SEED_HAZARD = "hazard-remote-hiring-deepfakes"
PENDING_REVISION = "air-canada-chatbot"
FRENCH_INCOMPLETE = "voice-clone-parents"
RCMP_URL = "https://rcmp.ca/en/news/2025/07/advisory-north-korean-information-technology-it-workers"


def load_demo(**options):
    out = StringIO()
    call_command("load_demo", stdout=out, **{"force": True, **options})
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module (its output is the value) and
    rolled back after it. Each test's own transaction nests inside, so what a
    test changes (a password, a second load) is undone before the next one.

    The tests that need an empty database, or that load the demo under other
    settings, live in test_demo_command.py: while this fixture is up, every
    test of this module sees the demo content."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


def counts():
    models = [
        get_user_model(),
        Taxonomy,
        Term,
        TermMapping,
        Entity,
        Source,
        Record,
        RecordVersion,
        SignOff,
        WorkflowEvent,
    ]
    numbers = {model.__name__: model.objects.count() for model in models}
    # Every save writes a history row: none at all means nothing was changed.
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            numbers[model.__name__] = model.objects.count()
    return numbers


# Running it ---------------------------------------------------------------------


def test_load_demo_twice_creates_and_changes_nothing_the_second_time(demo):
    before = counts()
    assert before["Record"] == len(RECORDS)
    assert before["User"] == len(ACCOUNTS)

    second = load_demo()

    assert counts() == before
    assert "already there: nothing was created or changed" in second
    assert "created" not in re.sub(r"nothing was created", "", second)


# Accounts -----------------------------------------------------------------------


def test_demo_accounts_are_printed_and_log_in_with_their_roles(demo):
    groups = {EDITORS: 0, REVIEWERS: 0, PUBLISHERS: 0}
    for account in ACCOUNTS:
        assert re.search(rf"^{account.username}\s+{account.role}\s+{re.escape(account.password)}\s", demo, re.M)
        # django-axes counts logins per request: authenticate() needs one.
        request = RequestFactory().post("/admin/login/")
        user = authenticate(request, username=account.username, password=account.password)
        assert user is not None and user.is_staff
        assert user.is_superuser == account.is_superuser
        for group in user.groups.values_list("name", flat=True):
            groups[group] += 1
    # Four eyes needs two reviewers; revising needs a second editor.
    assert groups == {EDITORS: 2, REVIEWERS: 2, PUBLISHERS: 1}


def test_existing_passwords_are_kept_unless_reset_is_asked(demo):
    editor = get_user_model().objects.get(username="editor1")
    editor.set_password("a-password-the-editor-chose-99")
    editor.save()

    output = load_demo()
    editor.refresh_from_db()
    assert editor.check_password("a-password-the-editor-chose-99")
    assert re.search(r"^editor1\s+Editor\s+\(changed since", output, re.M)

    load_demo(reset_passwords=True)
    editor.refresh_from_db()
    assert editor.check_password(ACCOUNTS[0].password)


# The seed record --------------------------------------------------------------


def both(obj, field):
    return getattr(obj, f"{field}_en").strip() and getattr(obj, f"{field}_fr").strip()


def test_seed_record_has_every_section_in_both_languages(demo):
    record = find_demo_record(SEED)
    assert record.kind == Kind.INCIDENT and record.public_id.startswith("INC-")
    version = record.live_version
    for field in ("title", "summary", "narrative", "editorial_assessment", "ai_system"):
        assert both(version, field), field
    assert version.missing_french() == []
    assert version.occurred_on.isoformat() == version.first_reported_on.isoformat() == "2025-07-16"
    assert version.occurrence_precision == "day"
    assert {version.assessment_status, version.recommendations_status, version.taxonomy_status} == {"assessed"}

    harms = list(version.harms.select_related("harm_type__taxonomy"))
    assert len(harms) == 2
    for harm in harms:
        assert both(harm, "description") and both(harm, "affected_group")
        assert harm.harm_type.taxonomy.slug == HARM_TYPE

    citations = list(version.citations.select_related("source"))
    assert len(citations) == 3
    assert [c.source.url for c in citations if c.is_primary] == [RCMP_URL]
    for citation in citations:
        assert both(citation, "label") and both(citation, "corroborates")
        assert citation.key in citation_keys(version.narrative_en)
        assert citation.key in citation_keys(version.narrative_fr)
    news = next(c.source for c in citations if c.source.authors == "Daniel Otis")
    assert news.url == ""  # unknown to us, so not made up

    recommendations = list(version.recommendations.select_related("authority", "source"))
    assert len(recommendations) == 2
    for recommendation in recommendations:
        assert both(recommendation, "text") and both(recommendation, "attribution")
        assert recommendation.source.url == RCMP_URL and recommendation.authority.slug == "rcmp"
        # The joint advisory's five agencies, the RCMP first.
        further = recommendation.further_authorities.order_by("order").values_list("entity__slug", flat=True)
        assert list(further) == ["public-safety-canada", "global-affairs-canada", "fintrac", "cccs"]
        assert recommendation.status == "assessed"

    roles = list(version.entity_roles.select_related("entity"))
    reporting = {r.entity.slug for r in roles if r.role == Role.REPORTING_AUTHORITY}
    assert reporting == {"rcmp", "public-safety-canada", "global-affairs-canada", "fintrac", "cccs"}
    assert {r.entity.slug for r in roles if r.role == Role.THREAT_ACTOR} == {"dprk-it-workers"}
    assert "canadian-employers" in {r.entity.slug for r in roles if r.role == Role.HARMED_PARTY}
    assert "microsoft" in {r.entity.slug for r in roles}
    assert all(both(r, "note") for r in roles)
    assert all(both(r.entity, "name") for r in roles)
    fintrac = Entity.objects.get(slug="fintrac")
    assert "CANAFE" in fintrac.name_fr and "FINTRAC" in fintrac.name_en

    taxonomies = set(version.classifications.values_list("term__taxonomy__slug", flat=True))
    assert taxonomies == {HARM_TYPE, SECTOR, AI_CAPABILITY, LIFECYCLE_STAGE}
    assert list(version.jurisdictions.values_list("country", flat=True)) == ["CA"]

    hazard = find_demo_record(SEED_HAZARD)
    assert [link.hazard for link in version.hazard_links.all()] == [hazard]
    assert hazard.kind == Kind.HAZARD and Record.objects.published().filter(pk=hazard.pk).exists()
    assert both(hazard.live_version, "title") and both(hazard.live_version, "narrative")


def test_seed_record_has_two_published_versions_telling_the_seed_changelog(demo):
    record = find_demo_record(SEED)
    v1, v2 = record.versions.filter(status__in=PUBLIC_STATUSES).order_by("number")
    assert (v1.number, v1.status, v2.number, v2.status) == (1, Status.SUPERSEDED, 2, Status.PUBLISHED)
    assert record.live_version == v2
    # Both first published on March 11, 2026, in the Canadian AI Incident Monitor.
    assert v1.published_elsewhere_on == v2.published_elsewhere_on == datetime.date(2026, 3, 11)
    assert (v1.change_note_en, v1.change_note_fr) == ("Initial publication", "Première publication")
    assert "FINTRAC" in v2.change_note_en and "CANAFE" in v2.change_note_fr
    assert "French" in v2.change_note_en and "française" in v2.change_note_fr

    # v1 lacked the French recommendations and credited the second one to
    # FINTRAC; v2 fixed exactly that, with the narrative unchanged.
    old, new = list(v1.recommendations.all()), list(v2.recommendations.all())
    assert [r.text_fr for r in old] == ["", ""]
    assert all(r.text_fr for r in new)
    assert old[1].authority.slug == "fintrac" and old[1].source is None
    assert new[1].authority.slug == "rcmp" and new[1].source is not None
    assert old[1].attribution_en != new[1].attribution_en
    assert (v1.narrative_en, v1.narrative_fr) == (v2.narrative_en, v2.narrative_fr)
    assert v1.missing_french() and not v2.missing_french()
    # Different editors wrote v1 and v2.
    assert v1.created_by != v2.created_by


# Review and publication -------------------------------------------------------------


def test_every_published_version_had_two_sign_offs_by_independent_reviewers(demo):
    published = RecordVersion.objects.filter(status__in=PUBLIC_STATUSES)
    assert published.count() >= 6
    for version in published:
        approvals = version.sign_offs.filter(voided_at__isnull=True, decision=Decision.APPROVE)
        assert {s.check_type for s in approvals} == set(Check.values), version
        reviewers = {s.reviewer for s in approvals}
        assert len(reviewers) == 2, version
        assert not {r.pk for r in reviewers} & version.contributor_ids(), version
        assert all(r.groups.filter(name=REVIEWERS).exists() for r in reviewers)
        assert version.published_by.groups.filter(name=PUBLISHERS).exists()
        assert version.change_note_en and version.change_note_fr


def test_content_is_authored_by_the_demo_editors_in_the_history(demo):
    editors = set(get_user_model().objects.filter(groups__name=EDITORS).values_list("pk", flat=True))
    for version in RecordVersion.objects.all():
        assert version.contributor_ids() and version.contributor_ids() <= editors, version
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            # The default checklists (incidents 0003) and methodology pages
            # (pages 0002) come from migrations, before any user exists.
            rows = model.objects.exclude(history_change_reason__in=["Default checklist", "Initial methodology page"])
            assert not rows.filter(history_user__isnull=True).exists(), model.__name__


def test_open_revision_of_a_published_record_is_not_public(demo):
    record = find_demo_record(PENDING_REVISION)
    live, pending = record.live_version, record.open_version()
    assert pending is not None and pending.status == Status.IN_REVIEW
    # The revision visibly changes the record...
    assert pending.harms.count() == live.harms.count() + 1
    assert pending.summary_fr != live.summary_fr
    new_harm = pending.harms.order_by("-order").first()
    # ...and none of it is public.
    assert list(RecordVersion.objects.live().filter(record=record)) == [live]
    assert not RecordVersion.objects.published().filter(pk=pending.pk).exists()
    public_harms = Harm.objects.filter(version__in=RecordVersion.objects.published())
    assert not public_harms.filter(description_en=new_harm.description_en).exists()
    assert not RecordVersion.objects.published().filter(summary_fr=pending.summary_fr).exists()


def test_demo_covers_every_workflow_state_and_both_kinds(demo):
    statuses = set(RecordVersion.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    in_review = find_demo_record("cra-chatbot-charlie").open_version()
    assert in_review.status == Status.IN_REVIEW
    assert in_review.sign_offs.filter(voided_at__isnull=True, decision=Decision.APPROVE).count() == 1
    changes_requested = find_demo_record("simcoe-deepfake-crypto").open_version()
    assert changes_requested.sign_offs.filter(decision=Decision.REQUEST_CHANGES).exists()
    published = Record.objects.published()
    assert published.filter(kind=Kind.HAZARD).count() >= 2
    assert published.filter(kind=Kind.INCIDENT).count() >= 3
    assert find_demo_record(FRENCH_INCOMPLETE).live_version.missing_french()


def test_every_version_cites_only_keys_of_its_citations(demo):
    for version in RecordVersion.objects.all():
        assert submission_problems(version) == [], version
        assert citation_keys(version.narrative_en), version


def test_french_text_is_shown_marked_where_missing(client, demo):
    incomplete = find_demo_record(FRENCH_INCOMPLETE)
    complete = find_demo_record(SEED)
    draft = find_demo_record("ko-v-li-citations")
    # Requests to /fr/ leave French active in this thread; the block puts
    # back the previous language for the tests that follow.
    with translation.override("fr"):
        page = client.get(reverse("incidents:record", args=[incomplete.public_id])).content.decode()
        complete_page = client.get(reverse("incidents:record", args=[complete.public_id])).content.decode()
        draft_response = client.get(reverse("incidents:record", args=[draft.public_id]))
    assert 'lang="en" class="untranslated"' in page
    assert incomplete.live_version.title_fr in page
    assert "untranslated" not in complete_page
    assert draft_response.status_code == 404


# The content itself ----------------------------------------------------------------


def demo_texts():
    """Every bilingual text of the demo content."""

    def walk(value):
        if isinstance(value, T):
            yield value
        elif isinstance(value, (list, tuple)):
            for item in value:
                yield from walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                yield from walk(item)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:
                yield from walk(getattr(value, name))

    yield from walk([TAXONOMIES, ENTITIES, SOURCES, RECORDS])


def test_french_demo_text_follows_french_typography():
    texts = [text.fr for text in demo_texts() if text.fr]
    texts += [value for record in RECORDS for revision in record.revisions for value in revision.text_changes.values()]
    assert len(texts) > 100
    for text in texts:
        # A non-breaking space before every colon; no space before ; ! ?
        assert all(text[match.start() - 1] == "\u00a0" for match in re.finditer(":", text)), text
        assert not re.search(r"\s[;!?]", text), text
        assert "«" not in text or "«\u00a0" in text, text
        assert "'" not in text, text  # typographic apostrophes


def test_demo_sources_have_only_known_urls():
    for source in SOURCES:
        assert source.url == "" or source.url.startswith(
            ("https://rcmp.ca/", "https://www.microsoft.com/", "https://incidentdatabase.ai/cite/")
        ), source


def test_no_demo_record_puts_words_in_a_real_organisations_mouth():
    """A response is shown as the entity's own words: the demo, written in our
    own words, has none until a real, linked statement is recorded."""
    for spec in RECORDS:
        assert spec.content.responses == (), spec.key
