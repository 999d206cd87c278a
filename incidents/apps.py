from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    """Records, their versions and parts, the workflow, and the public record pages."""

    name = "incidents"
    verbose_name = _("Records")

    def ready(self):
        post_migrate.connect(create_role_groups, sender=self)


def create_role_groups(sender, using="default", **kwargs):
    from .publishing.roles import ensure_role_groups

    ensure_role_groups(using=using)
