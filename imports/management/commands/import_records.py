"""``manage.py import_records``: draft records from another incident database.

    manage.py import_records --format aiid INCIDENTS.csv --classifications MIT.csv --as editor1
    manage.py import_records --format csv SHEET.csv --mapping MAPPING.toml --as editor1 --dry-run

Each row is imported in its own transaction, as the user named by ``--as``
(an editor), through ``incidents.publishing.workflow``: drafts only, never
submitted or published. A row whose external id a record already holds is
reported unchanged. Refused rows are reported with their line number, in
the language of ``--language``; the command then exits with status 1.
"""

from contextlib import nullcontext

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evidence.models import Source
from imports.base import RecordWriter, RefusedRow, Result
from imports.formats import FormatError, load_formats
from imports.progress import Progress
from incidents import rules
from taxonomy.models import Entity


def _n(number):
    return number_format(number, force_grouping=True)


class Command(BaseCommand):
    help = "Import draft records from another incident database's file (see README.md, “Importing records”)."

    def add_arguments(self, parser):
        formats = load_formats()
        parser.add_argument("path", help="the file to import")
        parser.add_argument(
            "--format",
            required=True,
            choices=sorted(formats),
            help="; ".join(f"{name}: {formats[name].help}" for name in sorted(formats)),
        )
        parser.add_argument(
            "--as", dest="username", required=True, help="the editor the drafts are created by (a username)"
        )
        parser.add_argument("--classifications", help="aiid: the MIT risk classifications CSV of the same incidents")
        parser.add_argument("--mapping", help="csv: the TOML file mapping the spreadsheet's columns to our fields")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report every row, then roll back: nothing is kept"
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help=f"the language of the report (default {settings.LANGUAGE_CODE})",
        )

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            self.run(options)

    def run(self, options):
        format_class = load_formats()[options["format"]]
        user = self.importing_user(options["username"], format_class)
        try:
            source = format_class.from_options(options["path"], options)
        except FormatError as error:
            raise CommandError(str(error)) from error
        dry_run = options["dry_run"]
        verbosity = options["verbosity"]

        if dry_run:
            self.stdout.write(_("Dry run: every row is checked, then rolled back; nothing is kept."))
        for problem in source.problems:
            self.stdout.write(self.style.WARNING(problem))

        self.created_text = getattr(source, "created_text", None)
        # Formats that make drafts share RecordWriter; a restore has its own.
        writer = source.writer(user, dry_run) if hasattr(source, "writer") else RecordWriter(user, dry_run=dry_run)
        with getattr(writer, "session", nullcontext)():
            counts = self.write_rows(source, writer, dry_run, verbosity)
        self.summary(counts, dry_run, source)
        self.report_refusals(counts, dry_run)

    def write_rows(self, source, writer, dry_run, verbosity):
        progress = Progress(self.stdout, source.total)
        counts = dict.fromkeys(Result, 0)
        for row in source.rows():
            if isinstance(row, RefusedRow):
                result, lines = Result.REFUSED, [self.refused(row.line, row.message)]
            else:
                outcome = writer.write(row)
                result, lines = outcome.result, self.describe(outcome, dry_run, verbosity)
            counts[result] += 1
            if lines:
                progress.clear()
                for line in lines:
                    self.stdout.write(line)
            progress.advance()
        progress.finish()
        return counts

    def report_refusals(self, counts, dry_run):
        if counts[Result.REFUSED]:
            raise CommandError(
                ngettext(
                    "%(count)s row was refused; the other rows were imported.",
                    "%(count)s rows were refused; the other rows were imported.",
                    counts[Result.REFUSED],
                )
                % {"count": _n(counts[Result.REFUSED])}
                if not dry_run
                else ngettext(
                    "%(count)s row would be refused.",
                    "%(count)s rows would be refused.",
                    counts[Result.REFUSED],
                )
                % {"count": _n(counts[Result.REFUSED])},
                returncode=1,
            )

    def importing_user(self, username, format_class):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user is named “%(username)s”.") % {"username": username})
        if hasattr(format_class, "user_refusal"):
            refusal = format_class.user_refusal(user)
            if refusal is not None:
                raise CommandError(refusal.message)
            return user
        for refusal in (
            rules.create_refusal(user),
            rules.add_reference_refusal(Source, user),
            rules.add_reference_refusal(Entity, user),
        ):
            if refusal is not None:
                raise CommandError(
                    _(
                        "“%(username)s” may not create records, sources and entities: "
                        "imports are made by an active editor."
                    )
                    % {"username": username}
                )
        return user

    def refused(self, line, message):
        return self.style.ERROR(
            _("line %(line)d: refused: %(reason)s") % {"line": line, "reason": message.rstrip(".") + "."}
        )

    def describe(self, outcome, dry_run, verbosity):
        """The report lines of a row that a format could read."""
        if outcome.result == Result.REFUSED:
            return [self.refused(outcome.line, outcome.message)]
        if verbosity < 2:
            return []
        if outcome.result == Result.UNCHANGED:
            text = _("line %(line)d: unchanged: already imported as %(record)s.")
        elif dry_run:
            text = _("line %(line)d: would be created.")
        else:
            text = getattr(self, "created_text", None) or _("line %(line)d: created %(record)s (a draft).")
        lines = [text % {"line": outcome.line, "record": outcome.public_id}]
        lines += [_("line %(line)d: %(note)s") % {"line": outcome.line, "note": note} for note in outcome.notes]
        return lines

    def summary(self, counts, dry_run, source):
        total = sum(counts.values())
        if dry_run:
            text = ngettext(
                "%(total)s row: %(created)s would be created, %(unchanged)s unchanged, %(refused)s refused.",
                "%(total)s rows: %(created)s would be created, %(unchanged)s unchanged, %(refused)s refused.",
                total,
            )
        else:
            text = ngettext(
                "%(total)s row: %(created)s created, %(unchanged)s unchanged, %(refused)s refused.",
                "%(total)s rows: %(created)s created, %(unchanged)s unchanged, %(refused)s refused.",
                total,
            )
        self.stdout.write(
            text
            % {
                "total": _n(total),
                "created": _n(counts[Result.CREATED]),
                "unchanged": _n(counts[Result.UNCHANGED]),
                "refused": _n(counts[Result.REFUSED]),
            }
        )
        for line in source.summary_lines():
            self.stdout.write(self.style.WARNING(line))
