"""``manage.py compute_related``: recompute every published record's related
records (incidents/related.py).

The workflow keeps them current as versions are published, withdrawn,
merged or restored; this rebuilds them all, after loading data from before
they existed, or a change of what relates records.
"""

from django.core.management.base import BaseCommand

from incidents.publishing import workflow


class Command(BaseCommand):
    help = "Recompute the related records of every published record."

    def handle(self, *args, **options):
        changed = workflow.recompute_related()
        self.stdout.write(f"Related records recomputed: {len(changed)} record(s) changed.")
