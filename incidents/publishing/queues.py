"""
The work queues on the admin home page, per user.

One function per queue, each one query whatever the number of versions
(author, review state and latest submission are subqueries, not per-row
lookups); ``for_user`` adds one query for the names of the submitters of
every row shown, and, when a row is a revision, a fixed number for the French
texts its English change left stale. A queue the user has no role for costs nothing.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from incidents import rules
from incidents.models import (
    EDITABLE_STATUSES,
    PUBLIC_STATUSES,
    ROUND_STARTS,
    Check,
    RecordVersion,
    SignOff,
    Status,
    WorkflowEvent,
)
from incidents.publishing import review

# Rows shown per queue; a link to the full list follows when there are more.
QUEUE_LENGTH = 20
RECENTLY_PUBLISHED = 10


def with_review_state(versions):
    """Annotate each version with its latest submission (``submitted_at``,
    ``submitted_by_id``) and, per check, the decision of the latest sign-off
    of its current review round (``neutrality_decision``,
    ``factuality_decision``: "approve", "request_changes" or None).

    The current round is what was signed since the latest submission; a
    version taken back to draft has none (see ``decisions``).
    """
    submissions = WorkflowEvent.objects.filter(version=OuterRef("pk"), action__in=ROUND_STARTS).order_by(
        "-created_at", "-id"
    )
    versions = versions.select_related("record").annotate(
        submitted_at=Subquery(submissions.values("created_at")[:1]),
        submitted_by_id=Subquery(submissions.values("actor_id")[:1]),
    )
    for check in Check.values:
        latest = SignOff.objects.filter(
            version=OuterRef("pk"), check_type=check, created_at__gte=OuterRef("submitted_at")
        ).order_by("-created_at", "-id")
        versions = versions.annotate(**{f"{check}_decision": Subquery(latest.values("decision")[:1])})
    return versions


def my_work(user):
    """Drafts and versions with changes requested that ``user`` created or edited."""
    return with_review_state(
        RecordVersion.objects.filter(status__in=EDITABLE_STATUSES).contributed_to_by(user)
    ).order_by("-updated_at", "-pk")


def awaiting_sign_off(user, check):
    """Versions in review waiting for ``user``'s decision on ``check``: those
    ``incidents.rules`` lets them sign off now (never one they created or
    edited, never a check already signed in this round), waiting longest
    first. Nothing for users who are not reviewers."""
    return with_review_state(rules.versions_to_sign_off(user, check)).order_by("submitted_at", "pk")


def ready_to_publish(user):
    """Approved versions ``user`` may publish (``incidents.rules``), waiting
    longest first. Nothing for users who are not publishers."""
    return with_review_state(rules.versions_to_publish(user)).order_by("updated_at", "pk")


def recently_published(user):
    """The latest published versions (those since replaced included)."""
    if not rules.has(user, rules.VIEW_VERSION):
        return RecordVersion.objects.none()
    return with_review_state(RecordVersion.objects.filter(status__in=PUBLIC_STATUSES)).order_by("-published_at", "-pk")


def decisions(version):
    """[(check label, decision or None)] for the version's current round."""
    in_round = version.status != Status.DRAFT
    return [(label, getattr(version, f"{value}_decision") if in_round else None) for value, label in Check.choices]


# The admin home page -------------------------------------------------------------


@dataclass
class Queue:
    key: str
    title: str
    empty: str
    versions: list = field(default_factory=list)
    more_url: str = ""  # the full list, when not every version is shown


def _queue(key, title, empty, versions, length, more_query):
    rows = list(versions[: length + 1])
    more = ""
    if len(rows) > length:
        more = reverse("admin:incidents_recordversion_changelist") + more_query
    return Queue(key, title, empty, rows[:length], more)


def for_user(user) -> list[Queue]:
    """The queues shown to ``user`` on the admin home, in order; each
    version carries ``submitted_by`` (a user or None) and ``decisions``."""
    if not rules.has(user, rules.VIEW_VERSION):
        return []
    queues = [
        _queue(
            "my-work",
            _("My drafts and versions with changes requested"),
            _("You have no draft and no version with changes requested."),
            my_work(user),
            QUEUE_LENGTH,
            "?status__in=draft,changes_requested",
        )
    ]
    if rules.has(user, rules.SIGN_OFF_VERSION):
        for check, title, empty in (
            (Check.NEUTRALITY, _("Awaiting my neutrality check"), _("No version awaits your neutrality check.")),
            (Check.FACTUALITY, _("Awaiting my factuality check"), _("No version awaits your factuality check.")),
        ):
            queues.append(
                _queue(
                    f"{check}", title, empty, awaiting_sign_off(user, check), QUEUE_LENGTH, "?status__exact=in_review"
                )
            )
    if rules.has(user, rules.PUBLISH_VERSION):
        queues.append(
            _queue(
                "ready",
                _("Approved, ready to publish"),
                _("No approved version is waiting to be published."),
                ready_to_publish(user),
                QUEUE_LENGTH,
                "?status__exact=approved",
            )
        )
    queues.append(
        _queue(
            "published",
            _("Recently published"),
            _("No version has been published yet."),
            recently_published(user),
            RECENTLY_PUBLISHED,
            "?status__exact=published",
        )
    )
    _attach_people(queues)
    for queue in queues:
        if queue.key == "ready":
            # Publishers act on the publish page, which shows the sign-offs,
            # what changed and the preview beside the Publish button.
            for version in queue.versions:
                version.work_url = reverse("admin:incidents_recordversion_publish", args=[version.pk])
    return queues


def _attach_people(queues):
    versions = [version for queue in queues for version in queue.versions]
    ids = {version.submitted_by_id for version in versions if version.submitted_by_id}
    people = get_user_model()._default_manager.in_bulk(ids) if ids else {}
    # French left behind by an English change, which the review screen alone
    # showed: a fixed number of queries, and none without revisions.
    stale = review.stale_french_of(versions)
    for version in versions:
        version.stale_french = stale.get(version.pk, [])
        version.submitted_by = people.get(version.submitted_by_id)
        version.decisions = decisions(version)
        version.work_url = (
            reverse("admin:incidents_recordversion_change", args=[version.pk])
            if version.status in EDITABLE_STATUSES
            else reverse("admin:incidents_recordversion_review", args=[version.pk])
        )
