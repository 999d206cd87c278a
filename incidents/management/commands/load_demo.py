"""``manage.py load_demo``: demo accounts and bilingual demo records.

The content lives in ``incidents/demo/``; this command checks that it may
run, loads it in one transaction and prints what a visitor needs.
"""

import logging
from contextlib import contextmanager
from io import StringIO

from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from core.logging import SECURITY_LOGGER
from incidents.demo.loader import DemoError, DemoLoader
from incidents.models import OPEN_STATUSES, Decision, Status

# Where the visitor finds the site: DOSSIER_SITE_URL, which `make run` sets
# from HOST and PORT (links in e-mails use it too).
PATHS = ["/admin/", "/en/", "/fr/"]


@contextmanager
def quiet(*names):
    """Loggers ``names`` at WARNING for a while: the demo's ~300 lines of task
    and workflow events would bury the table of demo accounts."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class Command(BaseCommand):
    help = "Create demo accounts (one per editorial role) and bilingual demo records. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off. The demo accounts have published passwords: never on a public site.",
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Set the demo accounts' passwords back to the printed ones, if they were changed.",
        )

    def handle(self, *args, force=False, reset_passwords=False, **options):
        if not settings.DEBUG and not force:
            # The demo accounts' passwords are printed here and written in the
            # source: on a production site they would be an open door.
            raise CommandError(
                "Refusing to load demo content with DEBUG off: the demo accounts have publicly known passwords. "
                "Run it on a development site (DEBUG=1), or pass --force if this site is not public."
            )
        try:
            # The demo's workflow sends e-mails (submissions, sign-offs,
            # publications): about a thousand lines on a console mailer.
            # They are kept in memory and counted instead.
            with (
                override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}),
                quiet("django.tasks", SECURITY_LOGGER),
            ):
                mail.outbox = []
                with transaction.atomic():
                    report = DemoLoader(reset_passwords=reset_passwords).run()
                    # The workflow computed them as it published; this also
                    # covers records loaded before related records existed.
                    call_command("compute_related", stdout=StringIO())
                sent = len(mail.outbox)
        except (DemoError, PermissionDenied, ValidationError) as error:
            # Nothing was saved: the transaction rolled back.
            raise CommandError(f"Demo content not loaded, nothing was changed: {error}") from error
        self.print_accounts(report)
        self.print_records(report)
        self.print_summary(report)
        if sent:
            self.stdout.write(f"{sent} workflow e-mails were written while loading; they were not sent or printed.")

    def print_accounts(self, report):
        self.stdout.write(self.style.MIGRATE_HEADING("Demo accounts"))
        rows = [("Username", "Role", "Password", "")]
        for result in report.accounts:
            rows.append(
                (
                    result.account.username,
                    result.account.role,
                    result.password_note,
                    "created" if result.created else "already there",
                )
            )
        self._table(rows)

    def print_records(self, report):
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo records"))
        rows = [("Record", "State", "Title", "")]
        for result in report.records:
            record = result.record
            rows.append(
                (
                    record.public_id,
                    self._state(record),
                    self._shorten(record.versions.order_by("-created_at").first().title_en, 60),
                    "created" if result.created else "already there",
                )
            )
        self._table(rows)

    def print_summary(self, report):
        self.stdout.write("")
        created = sum(result.created for result in report.records)
        present = len(report.records) - created
        if report.created_anything:
            reference = ", ".join(f"{count} {name}" for name, count in report.reference_created.items() if count)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo content loaded: {created} records created, {present} already present"
                    + (f"; {reference} created." if reference else ".")
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS("The demo content is already there: nothing was created or changed."))
        self.stdout.write("Visit:")
        for path in PATHS:
            self.stdout.write(f"  {settings.DOSSIER_SITE_URL.rstrip('/')}{path}")

    @staticmethod
    def _state(record):
        parts = []
        if record.is_withdrawn:
            parts.append("withdrawn")
        elif record.live_version_id:
            parts.append(f"published v{record.live_version.number}")
        open_version = record.versions.filter(status__in=OPEN_STATUSES).first()
        if open_version is not None:
            state = open_version.get_status_display().lower()
            signed = open_version.sign_offs.filter(voided_at__isnull=True, decision=Decision.APPROVE).count()
            if signed and open_version.status == Status.IN_REVIEW:
                state += f", {signed} sign-off"
            parts.append(f"revision {state}" if record.live_version_id else state)
        return "; ".join(parts)

    @staticmethod
    def _shorten(text, width):
        return text if len(text) <= width else text[: width - 1] + "…"

    def _table(self, rows):
        widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
        for index, row in enumerate(rows):
            line = "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            self.stdout.write(line)
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths).rstrip())
