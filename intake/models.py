"""
Reports from the public, and what editors decided about them.

A ``Report`` is what someone sent through the form at /en/report/: what
happened, where and when, links, an optional e-mail address, the language
they wrote in. Its ``token`` (random, 256 bits) is the address of its status
page; its ``reference`` (``R-2026-0042``) is what people quote. Triage moves
it from ``new`` to ``duplicate``, ``declined`` or ``promoted`` (intake/triage.py
is the only code that changes its status), each step a ``ReportEvent``.

The contact address is never shown on a public page, in an export or in the
API: only the admin's triage screen reads it, and the e-mails go to it.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import WebURLField


class ReportStatus(models.TextChoices):
    NEW = "new", _("New")
    DUPLICATE = "duplicate", _("Duplicate")
    DECLINED = "declined", _("Declined")
    PROMOTED = "promoted", _("Promoted to a draft record")


# Triage decisions may be undone (reopened) except a promotion: the draft exists.
CLOSED_STATUSES = (ReportStatus.DUPLICATE, ReportStatus.DECLINED)


class ReportAction(models.TextChoices):
    RECEIVED = "received", _("Received")
    MARKED_DUPLICATE = "marked_duplicate", _("Marked as a duplicate")
    DECLINED = "declined", _("Declined")
    PROMOTED = "promoted", _("Promoted to a draft record")
    REOPENED = "reopened", _("Reopened")


def new_token():
    # 43 URL-safe characters: the status page's address cannot be guessed
    # from the reference, which is sequential.
    return secrets.token_urlsafe(32)


class ReportCounter(models.Model):
    """The last reference number handed out in a year (R-2026-0042)."""

    year = models.PositiveIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("report counter")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class Report(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    token = models.CharField(_("status page key"), max_length=64, unique=True, default=new_token, editable=False)
    language = models.CharField(
        _("language of the report"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    what_happened = models.TextField(_("what happened"))
    where = models.CharField(_("where"), max_length=300, blank=True)
    when = models.CharField(_("when"), max_length=200, blank=True)
    # The record a "Report an error" link came from: published when reported.
    about_record = models.ForeignKey(
        "incidents.Record",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about the record"),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    consented = models.BooleanField(_("consented"), default=False)

    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.NEW, editable=False
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True, editable=False)
    duplicate_of_report = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="duplicates",
        verbose_name=_("duplicate of report"),
    )
    duplicate_of_record = models.ForeignKey(
        "incidents.Record",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("duplicate of record"),
    )
    promoted_record = models.OneToOneField(
        "incidents.Record",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="report",
        verbose_name=_("draft record"),
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        permissions = [("triage_report", _("Can triage reports from the public"))]
        constraints = [
            models.CheckConstraint(condition=Q(consented=True), name="report_consented"),
            # Declined always with a reason the submitter can read.
            models.CheckConstraint(
                condition=(Q(status=ReportStatus.DECLINED) & ~Q(decline_reason=""))
                | (~Q(status=ReportStatus.DECLINED) & Q(decline_reason="")),
                name="report_declined_iff_reason",
            ),
            # A duplicate points at exactly one report or record, never itself.
            models.CheckConstraint(
                condition=(
                    Q(status=ReportStatus.DUPLICATE)
                    & (
                        Q(duplicate_of_report__isnull=False, duplicate_of_record__isnull=True)
                        | Q(duplicate_of_report__isnull=True, duplicate_of_record__isnull=False)
                    )
                )
                | (
                    ~Q(status=ReportStatus.DUPLICATE)
                    & Q(duplicate_of_report__isnull=True, duplicate_of_record__isnull=True)
                ),
                name="report_duplicate_iff_target",
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of_report=models.F("pk")), name="report_not_duplicate_of_itself"
            ),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.PROMOTED, promoted_record__isnull=False)
                | (~Q(status=ReportStatus.PROMOTED) & Q(promoted_record__isnull=True)),
                name="report_promoted_iff_record",
            ),
        ]

    def __str__(self):
        return self.reference


class ReportLink(models.Model):
    """A web address the submitter gave; a source of the draft if promoted."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="links", verbose_name=_("report"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    url = WebURLField(_("URL"), max_length=1000)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["report", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["report", "url"], name="unique_link_per_report")]

    def __str__(self):
        return self.url


class ReportEvent(models.Model):
    """The audit trail of triage: who moved which report from what to what,
    when, why. Written by intake/triage.py with the change it records."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="events", verbose_name=_("report"))
    action = models.CharField(_("action"), max_length=30, choices=ReportAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ReportStatus.choices)
    # None: the submitter (reports are anonymous).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.report} {self.get_action_display()}"
