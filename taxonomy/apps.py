from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxonomyConfig(AppConfig):
    """Controlled vocabularies (taxonomies and nested terms) and the entity registry.

    Imports nothing from incidents.
    """

    name = "taxonomy"
    verbose_name = _("Taxonomy and entities")
