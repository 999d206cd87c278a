"""manage.py export_records DIR: the bulk export (api/export.py) into DIR."""

from django.core.management.base import BaseCommand, CommandError

from api import export


class Command(BaseCommand):
    help = "Write every published record and version as JSON Lines and CSV, with a manifest, into DIR."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Where to write the files (created if need be).")

    def handle(self, *args, directory, **options):
        try:
            manifest = export.export(directory)
        except OSError as error:
            raise CommandError(f"Cannot write the export into {directory}: {error.strerror or error}") from error
        for name, info in manifest["files"].items():
            self.stdout.write(f"{name:24} {info['rows']:>8} rows  {info['sha256'][:16]}")
        self.stdout.write(self.style.SUCCESS(f"Exported into {directory} (data of {manifest['dataset_date']})."))
