"""The export behind the data page, regenerated in the background after each
publication, withdrawal or redaction (``ApiConfig.ready`` connects it)."""

import logging

from django.conf import settings
from django.db import transaction
from django.tasks import task

from incidents.models import Action

from . import export

logger = logging.getLogger(__name__)

# The workflow events after which the published data differ.
CHANGES_PUBLIC_DATA = frozenset({Action.PUBLISHED, Action.WITHDRAWN, Action.REDACTED})


@task()
def regenerate_export():
    manifest = export.regenerate()
    logger.info("Export regenerated: data of %s", manifest["dataset_date"])


def on_workflow_event(sender, instance, created, **kwargs):
    """A workflow event is written in the transaction of its change: once
    that commits, queue a new export (a rolled-back change queues nothing)."""
    if created and instance.action in CHANGES_PUBLIC_DATA and settings.DOSSIER_EXPORT_AUTOMATIC:
        transaction.on_commit(_enqueue)


def _enqueue():
    try:
        regenerate_export.enqueue()
    except Exception:
        logger.exception("Could not queue the export's regeneration")
