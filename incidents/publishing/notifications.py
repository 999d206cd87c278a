"""
E-mails about the workflow, each in its recipient's language.

The workflow calls the functions below from ``transaction.on_commit``
callbacks: a transition that rolls back sends nothing. Each one chooses the
recipients and enqueues one task per message (``send_email``, a
``django.tasks`` task), so a slow or dead mail server never holds up the
request: with ``TASKS_BACKEND=database`` the message waits in PostgreSQL for
``manage.py db_worker``; with the immediate backend (development, tests) it
is sent at once, in the request (README.md, "Production").

A task carries ids and the template's name, never text: it reads the version
and the people when it runs and renders the message then, in the
recipient's language. So the queue holds no version text (a redaction has
nothing to erase there), and a redaction e-mail never holds the passage.

A failure to send is logged, never raised into the workflow: the transition
already happened and must not look as if it failed. A backend that can
defer tasks (the database one) tries again later (``RETRY_DELAYS``).
"""

import datetime
import logging
import re

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core.i18n import localized
from core.models import language_of
from incidents import rules
from incidents.models import Decision, RecordVersion, Redaction, SignOff

logger = logging.getLogger(__name__)

# Seconds to wait before the second, third and fourth attempt to send a
# message, when the task backend can defer tasks. After the last one the
# task fails for good: logged as an error, kept as failed in the queue.
RETRY_DELAYS = (60, 300, 1800)


class MailNotSentError(Exception):
    """One attempt to send a workflow e-mail failed (the cause is chained)."""


def _users_with_perm(perm):
    # Named, since django-axes' backend comes first (it grants nothing).
    return (
        get_user_model()
        ._default_manager.with_perm(perm, include_superusers=False, backend="django.contrib.auth.backends.ModelBackend")
        .filter(is_active=True)
    )


def _site_url(path_name, pk):
    return settings.DOSSIER_SITE_URL.rstrip("/") + reverse(path_name, args=[pk])


def _enqueue(recipients, template, version, **ids):
    """Enqueue one message per recipient with an address; return how many.

    Runs after the transition committed: a failure to enqueue is logged and
    the others still go."""
    queued = 0
    for user in {user.pk: user for user in recipients if user.email}.values():
        try:
            send_email.enqueue(template=template, recipient_id=user.pk, version_id=version.pk, **ids)
        except Exception:
            logger.exception("Could not queue the %s e-mail about version %s to user %s", template, version.pk, user.pk)
        else:
            queued += 1
    return queued


def _context(version, actor_id, sign_off_id, redaction_id, changed_row, admin_view):
    """What the templates read, from the ids a task carries."""
    user_model = get_user_model()
    context = {
        "version": version,
        "actor": user_model._default_manager.get(pk=actor_id),
        "url": _site_url(f"admin:incidents_recordversion_{admin_view}", version.pk),
    }
    if sign_off_id is not None:
        context["sign_off"] = SignOff.objects.get(pk=sign_off_id)
    if redaction_id is not None:
        # The request's reason and status; its passage is never read here.
        context["redaction"] = Redaction.objects.only("pk", "status", "reason").get(pk=redaction_id)
        context["redaction_url"] = _site_url("admin:incidents_redaction_decide", redaction_id)
    if changed_row is not None:
        label, pk = changed_row
        model = apps.get_model(label)
        context["changed_kind"] = model._meta.verbose_name
        # The row itself: it is named when the message is rendered, in the
        # recipient's language (a term's French name for French readers).
        context["changed_row"] = model._base_manager.get(pk=pk)
    return context


def _compose(template, recipient, context):
    """The message to ``recipient``, rendered in their language."""
    language = language_of(recipient)
    version = context["version"]
    with translation.override(language):
        full = {
            **context,
            "recipient": recipient,
            "title": localized(version, "title", language).text,
            "change_note": localized(version, "change_note", language).text,
        }
        subject = render_to_string(f"incidents/email/{template}_subject.txt", full).strip()
        body = render_to_string(f"incidents/email/{template}_body.txt", full)
    return EmailMessage(subject=one_line(subject), body=body, to=[recipient.email])


def one_line(subject):
    """A subject on one line, runs of spaces made one, but its non-breaking
    spaces kept: French puts them before a colon (str.split() would take
    them for any other space)."""
    return re.sub(r"[^\S\u00a0]+", " ", subject).strip()


@task()
def send_email(
    *,
    template,
    recipient_id,
    version_id,
    actor_id,
    sign_off_id=None,
    redaction_id=None,
    changed_row=None,
    admin_view="change",
    attempt=1,
):
    """Render one workflow e-mail and send it; on failure, try again later
    if the backend can defer tasks, and fail the task.

    ``template`` names ``templates/incidents/email/<template>_*.txt``;
    ``changed_row`` is ``[app_label.model_name, pk]`` of a reference row.
    """
    user_model = get_user_model()
    recipient = user_model._default_manager.filter(pk=recipient_id, is_active=True).exclude(email="").first()
    if recipient is None:
        logger.info(
            "Not sending the %s e-mail: user %s is inactive, gone or without an address", template, recipient_id
        )
        return "skipped"
    version = RecordVersion.objects.select_related("record").get(pk=version_id)
    ids = {
        "actor_id": actor_id,
        "sign_off_id": sign_off_id,
        "redaction_id": redaction_id,
        "changed_row": changed_row,
        "admin_view": admin_view,
    }
    message = _compose(template, recipient, _context(version, **ids))
    try:
        message.send()
    except Exception as error:
        where = f"the {template} e-mail about version {version_id} to user {recipient_id}"
        if attempt <= len(RETRY_DELAYS) and send_email.get_backend().supports_defer:
            delay = RETRY_DELAYS[attempt - 1]
            retry_at = timezone.now() + datetime.timedelta(seconds=delay)
            logger.warning(
                "Could not send %s (attempt %s of %s: %s); trying again at %s",
                where,
                attempt,
                len(RETRY_DELAYS) + 1,
                error,
                retry_at.isoformat(timespec="seconds"),
            )
            send_email.using(run_after=retry_at).enqueue(
                template=template, recipient_id=recipient_id, version_id=version_id, attempt=attempt + 1, **ids
            )
        else:
            logger.exception("Could not send %s (attempt %s); giving up", where, attempt)
        raise MailNotSentError(where) from error
    return "sent"


def version_submitted(version, by):
    """Tell the reviewers who may review it (never its own authors)."""
    authors = version.contributor_ids()
    reviewers = [user for user in _users_with_perm(rules.SIGN_OFF_VERSION) if user.pk not in authors]
    # Reviewers go straight to the review screen (previews, changes, checklists).
    return _enqueue([u for u in reviewers if u.pk != by.pk], "submitted", version, actor_id=by.pk, admin_view="review")


def sign_off_recorded(version, sign_off):
    """Changes requested: tell the version's authors. Both approvals: tell
    the authors and the publishers."""
    user_model = get_user_model()
    authors = list(user_model._default_manager.filter(pk__in=version.contributor_ids(), is_active=True))
    ids = {"actor_id": sign_off.reviewer_id, "sign_off_id": sign_off.pk}
    if sign_off.decision == Decision.REQUEST_CHANGES:
        return _enqueue(authors, "changes_requested", version, **ids)
    if version.status == "approved":
        publishers = list(_users_with_perm(rules.PUBLISH_VERSION))
        return _enqueue([u for u in authors + publishers if u.pk != sign_off.reviewer_id], "approved", version, **ids)
    return 0


def version_published(version, by):
    """Tell the authors and the reviewers who signed it off."""
    user_model = get_user_model()
    people = set(version.contributor_ids()) | set(
        version.sign_offs.filter(voided_at__isnull=True).values_list("reviewer_id", flat=True)
    )
    recipients = user_model._default_manager.filter(pk__in=people - {by.pk}, is_active=True)
    return _enqueue(recipients, "published", version, actor_id=by.pk)


def review_restarted(version, row, by, signers):
    """Reference data the version shows changed under review: tell its
    authors and the reviewers whose sign-offs were voided."""
    user_model = get_user_model()
    people = (set(version.contributor_ids()) | set(signers)) - {by.pk}
    recipients = user_model._default_manager.filter(pk__in=people, is_active=True)
    return _enqueue(
        recipients,
        "review_restarted",
        version,
        actor_id=by.pk,
        admin_view="review",
        changed_row=[row._meta.label_lower, row.pk],
    )


def redaction_requested(redaction):
    """Tell those who may decide on it (never the requester). The passage
    is not in the message: e-mail keeps copies the workflow cannot erase."""
    deciders = [u for u in _users_with_perm(rules.DECIDE_REDACTION) if u.pk != redaction.requested_by_id]
    return _enqueue(
        deciders,
        "redaction_requested",
        redaction.version,
        actor_id=redaction.requested_by_id,
        redaction_id=redaction.pk,
    )


def redaction_decided(redaction):
    """Tell the requester what was decided."""
    return _enqueue(
        [redaction.requested_by],
        "redaction_decided",
        redaction.version,
        actor_id=redaction.decided_by_id,
        redaction_id=redaction.pk,
    )
