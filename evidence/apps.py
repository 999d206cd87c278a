from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    """Sources (evidence reports) shared by many records.

    Imports nothing from incidents: the pages that list the records citing a
    source belong to incidents.
    """

    name = "evidence"
    verbose_name = _("Evidence")
