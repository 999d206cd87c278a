from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """Reports of incidents from the public (/en/report/, /fr/report/) and
    their triage in the admin. A report promoted by an editor becomes a draft
    record through ``incidents.publishing.workflow``, like an import: intake
    never submits or publishes (docs/architecture.md, "Layout and import rules").

    Nothing of ours imports this app but the URLs and the settings."""

    name = "intake"
    verbose_name = _("Reports from the public")

    def ready(self):
        from django.db.models.signals import post_save

        from incidents.models import RecordVersion

        post_save.connect(tell_reporters_of_publication, sender=RecordVersion, dispatch_uid="intake-publication")


def tell_reporters_of_publication(sender, instance, update_fields=None, **kwargs):
    """A record made from a report (or that a report duplicates) is published
    for the first time: its reporters are told, once the publication commits."""
    from django.db import transaction

    from incidents.status import Status

    from .notifications import record_published

    if instance.status != Status.PUBLISHED or instance.number != 1:
        return
    if update_fields is not None and "status" not in update_fields:
        return
    record = instance.record
    transaction.on_commit(lambda: record_published(record))
