"""Model fields shared by the apps."""

from django import forms
from django.db import models

from core.validators import web_url_validator


class WebURLFormField(forms.URLField):
    """The form side of ``WebURLField``: the same single message as the
    model's validator for "javascript:…", "ftp://…" or a malformed address."""

    default_validators = [web_url_validator]
    default_error_messages = {"invalid": web_url_validator.message}


class WebURLField(models.URLField):
    """A web address (http or https) and nothing else, checked at the model
    level so that ``full_clean``, the admin's forms and importers refuse the
    same values with the same message. Django's own URLField accepts
    ``ftp://`` and puts its generic "Enter a valid URL." beside ours.

    Pages still print stored addresses only through ``core.links.safe_url``:
    a row written past ``full_clean`` is shown as text, not as a link."""

    default_validators = [web_url_validator]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": WebURLFormField, **kwargs})
