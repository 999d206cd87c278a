from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The read-only JSON API at /api/v1/ and the bulk export.

    Read side only: it reads published content through the published
    querysets and ``incidents.public``, and imports nothing that writes
    (docs/architecture.md, "Layout and import rules").
    """

    name = "api"
    verbose_name = "Dossier API"

    def ready(self):
        from django.db.models.signals import post_save

        from incidents.models import WorkflowEvent

        from .tasks import on_workflow_event

        post_save.connect(on_workflow_event, sender=WorkflowEvent, dispatch_uid="api.regenerate_export")

        # The API's stamp of everything published, kept in a shared cache,
        # follows every save of a record (api/queries.py, ``stamp``).
        from django.db.models.signals import post_delete

        from incidents.models import Record

        from .queries import forget_stamp

        post_save.connect(forget_stamp, sender=Record, dispatch_uid="api.stamp")
        post_delete.connect(forget_stamp, sender=Record, dispatch_uid="api.stamp-delete")
