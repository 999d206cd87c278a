from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The read-only JSON API at /api/v1/ and the bulk export.

    Read side only: it reads published content through the published
    querysets and ``incidents.public``, and imports nothing that writes
    (docs/architecture.md, "Layout and import rules").
    """

    name = "api"
    verbose_name = "Dossier API"
