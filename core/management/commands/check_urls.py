"""Report stored web addresses that the URL fields would refuse today.

Every URL field validates http/https only (core/validators.py), but a row
written past the model's validation (a shell, raw SQL, data from before the
validator) may still hold "javascript:…" or "ftp://…". Pages never print such
a value as a link (core/links.py); this command finds the rows so that an
editor can correct them. It exits with status 1 when it finds any, for cron.
"""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import models


def url_fields():
    """(model, field) for every URL field of every model."""
    for model in apps.get_models():
        if hasattr(model, "instance_type"):
            # A django-simple-history record keeps what a row once held; an
            # address corrected since is not to be reported again.
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.URLField):
                yield model, field


def bad_urls():
    """(model, pk, field name, value, message) for each refused stored value."""
    for model, field in url_fields():
        rows = model._default_manager.exclude(**{field.attname: ""}).exclude(**{f"{field.attname}__isnull": True})
        for pk, value in rows.order_by("pk").values_list("pk", field.attname).iterator():
            try:
                field.run_validators(value)
            except ValidationError as error:
                yield model, pk, field.name, value, " ".join(error.messages)


class Command(BaseCommand):
    help = "List stored URLs that are not http(s) web addresses (exit status 1 if any)."

    def handle(self, *args, **options):
        found = 0
        for model, pk, name, value, message in bad_urls():
            found += 1
            self.stdout.write(f"{model._meta.label} {pk} {name}: {value!r}: {message}")
        if found:
            raise CommandError(f"{found} stored URL(s) are not web addresses; correct them in the admin.", returncode=1)
        self.stdout.write(self.style.SUCCESS("Every stored URL is a web address."))
