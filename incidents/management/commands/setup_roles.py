from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from incidents.publishing.roles import ROLE_PERMISSIONS, ensure_role_groups


class Command(BaseCommand):
    help = (
        "Create or reset the Editors, Reviewers and Publishers groups with exactly "
        "the permissions of incidents.publishing.roles.ROLE_PERMISSIONS. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: %(default)s).")

    def handle(self, *args, **options):
        ensure_role_groups(using=options["database"])
        for name, permissions in ROLE_PERMISSIONS.items():
            self.stdout.write(f"{name}: {len(permissions)} permissions")
