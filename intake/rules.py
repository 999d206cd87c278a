"""
Who may do what to a report, and when: asked by the triage functions
(intake/triage.py) before every change and by the admin to offer its
buttons, so the admin offers exactly what triage accepts.

The permissions are named in ``incidents.rules`` with the others
(``VIEW_REPORT``, ``TRIAGE_REPORT``; the Editors group holds them); a rule
answers ``None`` or an ``incidents.rules.Refusal``, ``forbidden`` when the
user lacks the role (docs/architecture.md, "Publication model").
"""

from enum import StrEnum

from django.utils.translation import gettext as _

from incidents import rules as incident_rules
from incidents.rules import TRIAGE_REPORT, VIEW_REPORT, Refusal, has

from .models import CLOSED_STATUSES, ReportStatus


class Triage(StrEnum):
    DUPLICATE = "duplicate"
    DECLINE = "decline"
    PROMOTE = "promote"
    REOPEN = "reopen"


def _forbidden() -> Refusal:
    return Refusal((_("You do not have permission to do this."),), forbidden=True)


def _not_now(message) -> Refusal:
    return Refusal((str(message),))


def may_view(user) -> bool:
    return has(user, VIEW_REPORT)


def _decide_refusal(report, user) -> Refusal | None:
    if not has(user, TRIAGE_REPORT):
        return _forbidden()
    if report.status != ReportStatus.NEW:
        return _not_now(
            _("Only a new report can be triaged; this one is “%(status)s”.") % {"status": report.get_status_display()}
        )
    return None


def duplicate_refusal(report, user, *, of_report=None, of_record=None) -> Refusal | None:
    refusal = _decide_refusal(report, user)
    if refusal is not None or (of_report is None and of_record is None):
        return refusal
    if of_report is not None and of_report.pk == report.pk:
        return _not_now(_("A report cannot be a duplicate of itself."))
    if of_report is not None and of_report.duplicate_of_report_id == report.pk:
        return _not_now(_("That report is already a duplicate of this one."))
    return None


def decline_refusal(report, user) -> Refusal | None:
    return _decide_refusal(report, user)


def promote_refusal(report, user) -> Refusal | None:
    """Promoting makes a draft record: the user must also be allowed to
    create records (incidents.rules.create_refusal)."""
    return _decide_refusal(report, user) or incident_rules.create_refusal(user)


def reopen_refusal(report, user) -> Refusal | None:
    if not has(user, TRIAGE_REPORT):
        return _forbidden()
    if report.status not in CLOSED_STATUSES:
        return _not_now(
            _("Only a declined or duplicate report can be reopened; this one is “%(status)s”.")
            % {"status": report.get_status_display()}
        )
    return None


def available_triage(report, user) -> set[Triage]:
    """What the admin offers on the report's page."""
    offers = {
        Triage.DUPLICATE: duplicate_refusal(report, user),
        Triage.DECLINE: decline_refusal(report, user),
        Triage.PROMOTE: promote_refusal(report, user),
        Triage.REOPEN: reopen_refusal(report, user),
    }
    return {action for action, refusal in offers.items() if refusal is None}
