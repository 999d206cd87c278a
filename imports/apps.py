from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Importers of records from other incident databases (``manage.py
    import_records``): they create drafts through
    ``incidents.publishing.workflow`` and never publish.

    Nothing of ours imports this app; it has no models.
    """

    name = "imports"
    verbose_name = _("Imports")
