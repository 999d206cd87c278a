"""
The states a version goes through, and the groups of them that rules,
constraints and named reads ask about.

Kept apart from the models so that the querysets (querysets.py) and the
rules (rules.py) can name them without importing the models; models.py
imports them from here, so ``from incidents.models import Status`` works too.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


# "Open" versions are on their way to publication; a record has at most one.
OPEN_STATUSES = (Status.DRAFT, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.APPROVED)
# Only these may be edited; in review and approved versions are read-only so
# that what reviewers signed off is what gets published.
EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)
# Every version that was ever published stays readable and citable.
PUBLIC_STATUSES = (Status.PUBLISHED, Status.SUPERSEDED)


# The history_change_reason of rows saved by incidents.publishing.workflow: a
# status change, not an edit (RecordVersion.contributor_ids).
WORKFLOW_CHANGE_REASON = "workflow"
