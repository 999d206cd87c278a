"""
E-mails about the workflow, each in its recipient's language.

The workflow schedules these with ``transaction.on_commit``: a transition
that rolls back sends nothing. A failure to send is logged, never raised:
the transition already happened and must not look as if it failed.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.i18n import localized
from core.models import language_of
from incidents import rules
from incidents.models import Decision

logger = logging.getLogger(__name__)


def _users_with_perm(perm):
    # Named, since django-axes' backend comes first (it grants nothing).
    return (
        get_user_model()
        ._default_manager.with_perm(perm, include_superusers=False, backend="django.contrib.auth.backends.ModelBackend")
        .filter(is_active=True)
    )


def _admin_url(version, view="change"):
    path = reverse(f"admin:incidents_recordversion_{view}", args=[version.pk])
    return settings.DOSSIER_SITE_URL.rstrip("/") + path


def _send(recipients, template, context):
    """Render and send one message per recipient, in their language."""
    sent = 0
    for user in {user.pk: user for user in recipients if user.email}.values():
        language = language_of(user)
        with translation.override(language):
            version = context["version"]
            full = {
                **context,
                "recipient": user,
                "title": localized(version, "title", language).text,
                "change_note": localized(version, "change_note", language).text,
                "url": _admin_url(version, context.get("admin_view", "change")),
            }
            subject = render_to_string(f"incidents/email/{template}_subject.txt", full).strip()
            body = render_to_string(f"incidents/email/{template}_body.txt", full)
        try:
            EmailMessage(subject=" ".join(subject.split()), body=body, to=[user.email]).send()
            sent += 1
        except Exception:
            logger.exception("Could not send the %s e-mail to %s", template, user.email)
    return sent


def version_submitted(version, by):
    """Tell the reviewers who may review it (never its own authors)."""
    authors = version.contributor_ids()
    reviewers = [user for user in _users_with_perm(rules.SIGN_OFF_VERSION) if user.pk not in authors]
    # Reviewers go straight to the review screen (previews, changes, checklists).
    context = {"version": version, "actor": by, "admin_view": "review"}
    return _send([u for u in reviewers if u.pk != by.pk], "submitted", context)


def sign_off_recorded(version, sign_off):
    """Changes requested: tell the version's authors. Both approvals: tell
    the authors and the publishers."""
    user_model = get_user_model()
    authors = list(user_model._default_manager.filter(pk__in=version.contributor_ids(), is_active=True))
    context = {"version": version, "actor": sign_off.reviewer, "sign_off": sign_off}
    if sign_off.decision == Decision.REQUEST_CHANGES:
        return _send(authors, "changes_requested", context)
    if version.status == "approved":
        publishers = list(_users_with_perm(rules.PUBLISH_VERSION))
        return _send([u for u in authors + publishers if u.pk != sign_off.reviewer_id], "approved", context)
    return 0


def version_published(version, by):
    """Tell the authors and the reviewers who signed it off."""
    user_model = get_user_model()
    people = set(version.contributor_ids()) | set(
        version.sign_offs.filter(voided_at__isnull=True).values_list("reviewer_id", flat=True)
    )
    recipients = user_model._default_manager.filter(pk__in=people - {by.pk}, is_active=True)
    return _send(recipients, "published", {"version": version, "actor": by})


def review_restarted(version, row, by, signers):
    """Reference data the version shows changed under review: tell its
    authors and the reviewers whose sign-offs were voided."""
    user_model = get_user_model()
    people = (set(version.contributor_ids()) | set(signers)) - {by.pk}
    recipients = user_model._default_manager.filter(pk__in=people, is_active=True)
    context = {
        "version": version,
        "actor": by,
        "admin_view": "review",
        "changed_kind": type(row)._meta.verbose_name,
        "changed_row": str(row),
    }
    return _send(recipients, "review_restarted", context)


def _admin_link(path_name, obj):
    return settings.DOSSIER_SITE_URL.rstrip("/") + reverse(path_name, args=[obj.pk])


def redaction_requested(redaction):
    """Tell those who may decide on it (never the requester). The passage
    is not in the message: e-mail keeps copies the workflow cannot erase."""
    deciders = [u for u in _users_with_perm(rules.DECIDE_REDACTION) if u.pk != redaction.requested_by_id]
    context = {
        "version": redaction.version,
        "actor": redaction.requested_by,
        "redaction": redaction,
        "redaction_url": _admin_link("admin:incidents_redaction_decide", redaction),
    }
    return _send(deciders, "redaction_requested", context)


def redaction_decided(redaction):
    """Tell the requester what was decided."""
    context = {
        "version": redaction.version,
        "actor": redaction.decided_by,
        "redaction": redaction,
        "redaction_url": _admin_link("admin:incidents_redaction_decide", redaction),
    }
    return _send([redaction.requested_by], "redaction_decided", context)
