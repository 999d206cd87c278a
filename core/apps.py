from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared building blocks: safe rendering, bilingual text helpers, the
    security log, text cleaned on save.

    Every other app may import core; core imports none of them.
    """

    name = "core"
    verbose_name = "Dossier core"

    def ready(self):
        # After django-axes' receivers (connected when axes.signals is first
        # imported, here at the latest): ours read what axes decided.
        from . import auth_names, security, text

        security.connect()
        text.connect()
        auth_names.install()
