from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared building blocks: safe rendering and bilingual text helpers.

    Every other app may import core; core imports none of them.
    """

    name = "core"
    verbose_name = "Dossier core"
