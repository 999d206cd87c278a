from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    """Records, their versions and parts, the workflow, and the public record pages."""

    name = "incidents"
    # Not "Records": the breadcrumbs would read "Records › Records".
    verbose_name = _("Incidents and hazards")

    def ready(self):
        from .public.browse.folding import register_functions

        post_migrate.connect(create_role_groups, sender=self)
        # The simple search's dossier_fold() on SQLite (incidents/public/browse/folding.py).
        connection_created.connect(register_functions)
        hide_the_task_queue_from_the_admin()
        # A record's pages' stamp, kept in a shared cache, follows every save
        # of the record (docs/architecture.md, "Reading and caching").
        from .models import Record
        from .public.record_page import forget_stamp

        post_save.connect(forget_stamp, sender=Record, dispatch_uid="dossier-record-stamp")
        post_delete.connect(forget_stamp, sender=Record, dispatch_uid="dossier-record-stamp-delete")


def hide_the_task_queue_from_the_admin():
    """django-tasks-db registers its queue in the admin, in English only
    (the admin is bilingual); the e-mails' failures are in the logs
    (README.md, "Production"). Its admin module was imported by the admin's
    own ready(), which runs before this one."""
    from django.contrib import admin
    from django_tasks_db.models import DBTaskResult

    if admin.site.is_registered(DBTaskResult):
        admin.site.unregister(DBTaskResult)


def create_role_groups(sender, using="default", **kwargs):
    from .publishing.roles import ensure_role_groups

    ensure_role_groups(using=using)
