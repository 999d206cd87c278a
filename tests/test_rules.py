"""
The admin offers an action exactly when the workflow accepts it: every role
× every state × every action.

For each cell, "offered" is read off the admin's own pages as the user sees
them (a button, a form or a link on the version page, the review screen and
the record page) and "accepted" is what happens when the user tries it: the
workflow function called directly (or, for editing, the admin form posted),
in a savepoint that is rolled back, so every cell starts from the same state.
Both must agree, and both must match ``EXPECTED``, the rules written out as a
table (incidents/rules.py says the same in words).

The states are built once for the module, inside a transaction rolled back
at its end: building them through the workflow is what takes time.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.urls import reverse

from incidents import rules
from incidents.admin.forms import edit_token
from incidents.models import Check, Decision, Harm, RecordVersion, Status
from incidents.publishing import workflow
from incidents.publishing.workflow import WorkflowError
from tests.admin_helpers import new_version_data, version_url
from tests.factories import (
    DraftVersionFactory,
    EditorFactory,
    PublisherFactory,
    ReviewerFactory,
    SuperuserFactory,
    publish,
    record_of,
)
from tests.review_helpers import review_url

ROLES = ["author", "editor", "reviewer", "signer", "publisher", "superuser", "contributor"]
ACTIONS = ["edit", "submit", "return", "sign_neutrality", "sign_factuality", "publish", "revise", "withdraw"]

# Who may, by role: "author" created the version, "contributor" is a
# superuser who added one of its parts, "signer" the reviewer who signed its
# neutrality check (where one was signed).
EDITORS = {"author", "editor", "superuser", "contributor"}
REVIEWERS = {"reviewer", "signer", "superuser"}  # never a contributor
PUBLISHERS = {"publisher", "superuser", "contributor"}

EXPECTED = {
    "draft": {"edit": EDITORS, "submit": EDITORS},
    "draft citing an unknown key": {"edit": EDITORS},
    "in review": {"return": EDITORS, "sign_neutrality": REVIEWERS, "sign_factuality": REVIEWERS},
    # The reviewer who signed one check leaves the other to someone else.
    "in review, neutrality signed": {"return": EDITORS, "sign_factuality": REVIEWERS - {"signer"}},
    "changes requested": {"edit": EDITORS, "submit": EDITORS},
    "approved": {"return": EDITORS, "publish": PUBLISHERS},
    "approved, record withdrawn since": {"return": EDITORS},
    "published": {"revise": EDITORS, "withdraw": PUBLISHERS},
    "published, revision in progress": {"withdraw": PUBLISHERS},
    "superseded": {"revise": EDITORS, "withdraw": PUBLISHERS},
    "withdrawn": {},
}
STATES = list(EXPECTED)


def _draft(world, **fields):
    draft = DraftVersionFactory(created_by=world["author"], **fields)
    # A part added by a superuser makes them a contributor of the version.
    harm = Harm(version=draft, description_en="A harm.", description_fr="Un préjudice.")
    harm._history_user = world["contributor"]
    harm.save()
    return draft


def _in_review(world, **fields):
    return workflow.submit(_draft(world, **fields), by=world["author"])


def _sign(version, reviewer, check, decision=Decision.APPROVE, comment=""):
    workflow.sign_off(version, by=reviewer, check=check, decision=decision, comment=comment)


def _approved(world):
    version = _in_review(world)
    _sign(version, world["signer"], Check.NEUTRALITY)
    _sign(version, world["second reviewer"], Check.FACTUALITY)
    return version


def _published(world):
    return publish(_approved(world), world["publisher"])


def _build_states(world):
    states = {}
    states["draft"] = _draft(world)
    states["draft citing an unknown key"] = _draft(world, narrative_en="As reported [@nowhere-2025].")
    states["in review"] = _in_review(world)
    states["in review, neutrality signed"] = version = _in_review(world)
    _sign(version, world["signer"], Check.NEUTRALITY)
    states["changes requested"] = version = _in_review(world)
    _sign(version, world["second reviewer"], Check.FACTUALITY, Decision.REQUEST_CHANGES, "Check the date.")
    states["approved"] = _approved(world)
    live = _published(world)
    revision = workflow.start_revision(live.record, by=world["author"])
    workflow.submit(revision, by=world["author"])
    _sign(revision, world["signer"], Check.NEUTRALITY)
    _sign(revision, world["second reviewer"], Check.FACTUALITY)
    workflow.withdraw(live.record, by=world["publisher"], reason_en="Duplicate.", reason_fr="Doublon.")
    states["approved, record withdrawn since"] = revision
    states["published"] = _published(world)
    states["published, revision in progress"] = live = _published(world)
    workflow.start_revision(live.record, by=world["author"])
    first = _published(world)
    second = workflow.start_revision(first.record, by=world["author"])
    workflow.submit(second, by=world["author"])
    _sign(second, world["signer"], Check.NEUTRALITY)
    _sign(second, world["second reviewer"], Check.FACTUALITY)
    publish(second, world["publisher"])
    states["superseded"] = first
    states["withdrawn"] = live = _published(world)
    workflow.withdraw(live.record, by=world["publisher"], reason_en="Wrong.", reason_fr="Erroné.")
    return {name: RecordVersion.objects.select_related("record").get(pk=v.pk) for name, v in states.items()}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Every role and every state, built once; rolled back after the module.

    Tests using it also ask for ``db``: pytest-django runs database tests
    first and the others last, and a test without ``db`` would build the
    world again at the end of the session, on a connection of its own."""
    with django_db_blocker.unblock(), transaction.atomic():
        people = {
            "author": EditorFactory(username="rules-author"),
            "editor": EditorFactory(username="rules-editor"),
            "reviewer": ReviewerFactory(username="rules-reviewer"),
            "signer": ReviewerFactory(username="rules-signer"),
            "second reviewer": ReviewerFactory(username="rules-second-reviewer"),
            "publisher": PublisherFactory(username="rules-publisher"),
            "superuser": SuperuserFactory(username="rules-superuser"),
            "contributor": SuperuserFactory(username="rules-contributor"),
        }
        yield {**people, "states": _build_states(people)}
        transaction.set_rollback(True)


# What the admin offers --------------------------------------------------------------


def offered(client, version) -> set[str]:
    record = version.record
    page = client.get(version_url(version)).content.decode()
    review = client.get(review_url(version)).content.decode()
    record_page = client.get(reverse("admin:incidents_record_change", args=[record.pk])).content.decode()
    found = {
        "edit": 'name="_save"' in page,
        "submit": 'name="_submit"' in page,  # "Save and submit for review", in the editing form
        "return": f'action="{version_url(version, "return_to_draft")}"' in page,
        "sign_neutrality": 'name="check" value="neutrality"' in review,
        "sign_factuality": 'name="check" value="factuality"' in review,
        "publish": f'href="{version_url(version, "publish")}"' in page,
        "revise": f'action="{reverse("admin:incidents_record_start_revision", args=[record.pk])}"' in record_page,
        "withdraw": f'href="{reverse("admin:incidents_record_withdraw", args=[record.pk])}"' in record_page,
    }
    # The version page offers a revision too, from the live version only.
    is_live = record.live_version_id == version.pk
    assert (f'action="{version_url(version, "start_revision")}"' in page) == (found["revise"] and is_live)
    return {action for action, shown in found.items() if shown}


# What the workflow accepts -------------------------------------------------------------


def _edit(client, version):
    data = new_version_data(title_en="Edited by the rules test", edit_token=edit_token(version.updated_at))
    del data["kind"]
    client.post(version_url(version), data)
    return RecordVersion.objects.get(pk=version.pk).title_en == "Edited by the rules test"


ATTEMPTS = {
    "edit": lambda user, version, client: _edit(client, version),
    "submit": lambda user, version, client: workflow.submit(version, by=user),
    "return": lambda user, version, client: workflow.return_to_draft(version, by=user),
    "sign_neutrality": lambda user, version, client: _sign(version, user, Check.NEUTRALITY),
    "sign_factuality": lambda user, version, client: _sign(version, user, Check.FACTUALITY),
    "publish": lambda user, version, client: workflow.publish(version, by=user, change_note_en="x", change_note_fr="x"),
    "revise": lambda user, version, client: workflow.start_revision(version.record, by=user),
    "withdraw": lambda user, version, client: workflow.withdraw(version.record, by=user, reason_en="x", reason_fr="x"),
}


def accepted(user, version, client) -> set[str]:
    done = set()
    for action, attempt in ATTEMPTS.items():
        with transaction.atomic():
            try:
                result = attempt(user, version, client)
            except (PermissionDenied, WorkflowError):
                result = False
            if result is not False:
                done.add(action)
            transaction.set_rollback(True)  # every attempt starts from the same state
    return done


# The table ---------------------------------------------------------------------------------

CELLS = [(state, role) for state in STATES for role in ROLES]


@pytest.mark.parametrize(("state", "role"), CELLS, ids=[f"{s}-{r}" for s, r in CELLS])
def test_the_admin_offers_exactly_what_the_workflow_accepts(db, world, state, role):
    user, version = world[role], world["states"][state]
    client = Client()
    client.force_login(user)
    shown = offered(client, version)
    done = accepted(user, version, client)
    assert shown == done, f"{role} on a version {state}: offered {sorted(shown)}, accepted {sorted(done)}"
    expected = {action for action, roles in EXPECTED[state].items() if role in roles}
    assert done == expected, f"{role} on a version {state}: accepted {sorted(done)}, expected {sorted(expected)}"


def test_the_states_are_the_ones_named(db, world):
    states = world["states"]
    assert {name: version.status for name, version in states.items()} == {
        "draft": Status.DRAFT,
        "draft citing an unknown key": Status.DRAFT,
        "in review": Status.IN_REVIEW,
        "in review, neutrality signed": Status.IN_REVIEW,
        "changes requested": Status.CHANGES_REQUESTED,
        "approved": Status.APPROVED,
        "approved, record withdrawn since": Status.APPROVED,
        "published": Status.PUBLISHED,
        "published, revision in progress": Status.PUBLISHED,
        "superseded": Status.SUPERSEDED,
        "withdrawn": Status.PUBLISHED,
    }
    assert record_of(states["withdrawn"]).is_withdrawn


def test_the_table_names_every_action_and_each_is_somewhere_allowed():
    assert {action for rules_ in EXPECTED.values() for action in rules_} == set(ACTIONS) == set(ATTEMPTS)


@pytest.mark.parametrize("check", Check.values)
@pytest.mark.parametrize("role", ["reviewer", "signer", "superuser", "contributor", "author"])
def test_reviewers_queues_list_exactly_the_versions_they_may_sign_off(db, world, role, check):
    user = world[role]
    listed = set(rules.versions_to_sign_off(user, check).values_list("pk", flat=True))
    allowed = {
        version.pk for version in world["states"].values() if rules.sign_off_refusal(version, user, check) is None
    }
    in_this_module = {version.pk for version in world["states"].values()}
    assert listed & in_this_module == allowed


@pytest.mark.parametrize("role", ["publisher", "superuser", "contributor", "author", "reviewer"])
def test_the_publishers_queue_lists_exactly_the_versions_they_may_publish(db, world, role):
    user = world[role]
    listed = set(rules.versions_to_publish(user).values_list("pk", flat=True))
    allowed = {version.pk for version in world["states"].values() if rules.publish_refusal(version, user) is None}
    in_this_module = {version.pk for version in world["states"].values()}
    assert listed & in_this_module == allowed
    assert bool(allowed) == (role in PUBLISHERS)
