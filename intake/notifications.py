"""
E-mails to the person who sent a report, when they gave an address: one at
each step (received, duplicate, declined, promoted, reopened) and one when
the record made of it is first published. In the report's language, with
the address of its status page.

Like the workflow's e-mails (incidents/publishing/notifications.py), each
is a ``django.tasks`` task enqueued once the transaction commits, carrying
ids and the step's name, never text: the message is rendered when the task
runs, from the report as it then is. A failure to send is logged and tried
again later where the task backend can defer tasks; it never undoes the step.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from incidents.models import Record
from incidents.publishing.notifications import RETRY_DELAYS, MailNotSentError, one_line

from .models import Report, ReportAction

logger = logging.getLogger(__name__)

# What the submitter is told, besides the steps of triage.
RECORD_PUBLISHED = "record_published"
MESSAGES = {*ReportAction.values, RECORD_PUBLISHED}


def status_url(report):
    with translation.override(report.language):
        path = reverse("intake:status", args=[report.token])
    return settings.DOSSIER_SITE_URL.rstrip("/") + path


def report_event(event):
    """Called by intake/triage.py after a step commits."""
    return _enqueue(event.report_id, event.action)


def record_published(record):
    """Called when a record's first version is published (intake/apps.py):
    tell whoever reported it, or reported it again (a duplicate of it)."""
    reports = Report.objects.filter(promoted_record=record) | Report.objects.filter(duplicate_of_record=record)
    return sum(_enqueue(pk, RECORD_PUBLISHED) for pk in reports.exclude(contact_email="").values_list("pk", flat=True))


def _enqueue(report_id, message):
    if not Report.objects.filter(pk=report_id).exclude(contact_email="").exists():
        return 0
    try:
        send_report_email.enqueue(report_id=report_id, message=str(message))
    except Exception:
        logger.exception("Could not queue the %s e-mail about report %s", message, report_id)
        return 0
    return 1


def compose(report, message):
    """The message about ``report``, in its language."""
    published = None
    if report.promoted_record_id or report.duplicate_of_record_id:
        published = (
            Record.objects.published().filter(pk=report.promoted_record_id or report.duplicate_of_record_id).first()
        )
    if message == RECORD_PUBLISHED and published is None:
        return None
    with translation.override(report.language):
        context = {
            "report": report,
            "message": message,
            "url": status_url(report),
            "published": published,
            "record_url": settings.DOSSIER_SITE_URL.rstrip("/")
            + reverse("incidents:record", args=[published.public_id])
            if published
            else "",
        }
        subject = render_to_string("intake/email/status_subject.txt", context).strip()
        body = render_to_string("intake/email/status_body.txt", context)
    return EmailMessage(subject=one_line(subject), body=body, to=[report.contact_email])


@task()
def send_report_email(*, report_id, message, attempt=1):
    """Render one e-mail to a report's contact and send it."""
    report = Report.objects.filter(pk=report_id).exclude(contact_email="").first()
    if report is None or message not in MESSAGES:
        logger.info("Not sending the %s e-mail: report %s is gone or has no address", message, report_id)
        return "skipped"
    email = compose(report, message)
    if email is None:
        logger.info("Not sending the %s e-mail about report %s: its record is not public", message, report_id)
        return "skipped"
    try:
        email.send()
    except Exception as error:
        where = f"the {message} e-mail about report {report_id}"
        if attempt <= len(RETRY_DELAYS) and send_report_email.get_backend().supports_defer:
            retry_at = timezone.now() + datetime.timedelta(seconds=RETRY_DELAYS[attempt - 1])
            logger.warning("Could not send %s (attempt %s: %s); trying again at %s", where, attempt, error, retry_at)
            send_report_email.using(run_after=retry_at).enqueue(
                report_id=report_id, message=message, attempt=attempt + 1
            )
        else:
            logger.exception("Could not send %s (attempt %s); giving up", where, attempt)
        raise MailNotSentError(where) from error
    return "sent"
