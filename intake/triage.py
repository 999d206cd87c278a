"""
The only code that changes a report's status, mirroring
``incidents/publishing/workflow.py``: each step is a small function in one
transaction that takes the acting user as ``by=``, locks the report, asks
``intake.rules``, does its work and writes a ``ReportEvent``. The admin's
triage screen and the tests call these; a forged request fails here as a
hidden button would.

    submit_report ─▶ new ──mark_duplicate──▶ duplicate ──reopen──▶ new
                      │  ──decline─────────▶ declined  ──reopen──▶ new
                      └────promote─────────▶ promoted (a draft record, through the workflow)

Each step e-mails the submitter, if they gave an address, once the
transaction commits (intake/notifications.py).
"""

from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core.logging import security_event
from evidence.models import Source, SourceType
from incidents.models import Citation, Kind, Record, RecordVersion
from incidents.publishing import workflow
from incidents.publishing.workflow import WorkflowError

from . import notifications, rules
from .models import Report, ReportAction, ReportCounter, ReportEvent, ReportLink, ReportStatus

TITLE_MAX = RecordVersion._meta.get_field("title").max_length


def _enforce(refusal):
    if refusal is None:
        return
    if refusal.forbidden:
        raise PermissionDenied(refusal.message)
    raise WorkflowError(list(refusal.messages))


def _lock(report):
    return Report.objects.select_for_update().get(pk=report.pk)


def _log(report, action, by, from_status, comment=""):
    """The ReportEvent of a step; its line in the security log (ids and
    states, never text) and the submitter's e-mail once the transaction commits."""
    event = ReportEvent.objects.create(
        report=report, action=action, from_status=from_status, to_status=report.status, actor=by, comment=comment
    )
    fields = {
        "event_id": event.pk,
        "action": str(action),
        "actor_id": by.pk if by is not None else None,
        "report": report.reference,
        "from": str(from_status) or None,
        "to": str(report.status),
    }
    transaction.on_commit(lambda: security_event("intake", **fields))
    transaction.on_commit(lambda: notifications.report_event(event))
    return event


def _save(report, fields):
    report.save(update_fields=[*fields, "updated_at"])


def _next_reference():
    year = timezone.localdate().year
    counter, _created = ReportCounter.objects.select_for_update().get_or_create(year=year)
    counter.last_number += 1
    counter.save()
    return f"R-{year}-{counter.last_number:04d}"


@transaction.atomic
def submit_report(*, what_happened, language, where="", when="", links=(), contact_email="", about_record=None):
    """Store a report from the public form (already validated: intake/forms.py)."""
    report = Report(
        reference=_next_reference(),
        language=language,
        what_happened=what_happened,
        where=where,
        when=when,
        about_record=about_record,
        contact_email=contact_email,
        consented=True,
    )
    report.save()
    for order, url in enumerate(links):
        # save(), not bulk_create(): the text cleaning of core/text.py runs.
        ReportLink(report=report, order=order, url=url).save()
    _log(report, ReportAction.RECEIVED, None, "")
    return report


@transaction.atomic
def mark_duplicate(report, *, by, of_report=None, of_record=None, comment=""):
    """Another report, or a record, already tells this."""
    report = _lock(report)
    if (of_report is None) == (of_record is None):
        raise WorkflowError(_("Name either the earlier report or the record this one duplicates."))
    _enforce(rules.duplicate_refusal(report, by, of_report=of_report, of_record=of_record))
    previous = report.status
    report.status = ReportStatus.DUPLICATE
    report.duplicate_of_report = of_report
    report.duplicate_of_record = of_record
    _save(report, ["status", "duplicate_of_report", "duplicate_of_record"])
    _log(report, ReportAction.MARKED_DUPLICATE, by, previous, comment)
    return report


@transaction.atomic
def decline(report, *, by, reason):
    """Decline, with a reason the submitter reads on the status page and in
    the e-mail: written in the report's language (``report.language``)."""
    report = _lock(report)
    _enforce(rules.decline_refusal(report, by))
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Say why the report is declined: the person who sent it will read it."))
    previous = report.status
    report.status = ReportStatus.DECLINED
    report.decline_reason = reason
    _save(report, ["status", "decline_reason"])
    _log(report, ReportAction.DECLINED, by, previous, reason)
    return report


@transaction.atomic
def reopen(report, *, by, comment=""):
    """Undo a decline or a duplicate: the report is new again."""
    report = _lock(report)
    _enforce(rules.reopen_refusal(report, by))
    previous = report.status
    report.status = ReportStatus.NEW
    report.decline_reason = ""
    report.duplicate_of_report = None
    report.duplicate_of_record = None
    _save(report, ["status", "decline_reason", "duplicate_of_report", "duplicate_of_record"])
    _log(report, ReportAction.REOPENED, by, previous, comment)
    return report


def _host(url):
    return (urlsplit(url).hostname or url).removeprefix("www.")


@transaction.atomic
def promote(report, *, by, kind=Kind.INCIDENT, title):
    """Make a draft record of the report through the workflow
    (``workflow.create_record``: drafts only, as the importers do), in the
    report's language, with its links cited as sources; link the report to it.

    Returns the draft version."""
    report = _lock(report)
    _enforce(rules.promote_refusal(report, by))
    title = (title or "").strip()
    if not title:
        raise WorkflowError(_("Give the draft record a title."))
    if len(title) > TITLE_MAX:
        raise WorkflowError(_("The title can be at most %(count)s characters long.") % {"count": TITLE_MAX})
    language = report.language
    with translation.override(language):
        narrative = "\n\n".join(
            [report.what_happened]
            + ([_("Where: %(where)s") % {"where": report.where}] if report.where else [])
            + ([_("When: %(when)s") % {"when": report.when}] if report.when else [])
        )
        corroborates = _("Given with public report %(reference)s.") % {"reference": report.reference}
    draft = RecordVersion(
        **{
            f"title_{language}": title,
            f"summary_{language}": Truncator(report.what_happened).chars(300),
            f"narrative_{language}": narrative,
        }
    )
    version = workflow.create_record(kind=kind, by=by, draft=draft)
    for order, link in enumerate(report.links.all()):
        source = Source.objects.filter(url=link.url).order_by("pk").first()
        if source is None:
            host = _host(link.url)
            source = Source(
                url=link.url,
                title=Truncator(link.url).chars(500),
                publisher_en=host,
                publisher_fr=host,
                source_type=SourceType.OTHER,
                language=language,
            )
            source._history_user = by
            source.save()
        label = Truncator(_host(link.url)).chars(120)
        citation = Citation(
            version=version,
            order=order,
            source=source,
            key=f"report-{order + 1}",
            label_en=label,
            label_fr=label,
            **{f"corroborates_{language}": corroborates},
            is_primary=order == 0,
        )
        citation._history_user = by
        citation.save()
    previous = report.status
    report.status = ReportStatus.PROMOTED
    report.promoted_record = version.record
    _save(report, ["status", "promoted_record"])
    _log(report, ReportAction.PROMOTED, by, previous, version.record.public_id)
    return version


def published_record(report) -> Record | None:
    """The public record the report became or duplicates, read as the public
    reads records (``Record.objects.published()``), or None."""
    pk = report.promoted_record_id or report.duplicate_of_record_id
    if pk is None and report.duplicate_of_report_id is not None:
        original = report.duplicate_of_report
        pk = original.promoted_record_id or original.duplicate_of_record_id
    if pk is None:
        return None
    return Record.objects.published().filter(pk=pk).first()
