"""Admin widgets and form fields that keep bad input a form error, and
tabular inlines whose fields are named for assistive technology."""

import re

from django.conf import settings
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.utils.translation import get_language_info


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget, minus a crash.

    When a form comes back with errors, the widget looks the submitted value
    up in the database without checking it first: a value that is not an id
    (a forged or mangled POST) raised a ValueError, a 500 instead of the
    form's own "Select a valid choice" error. Such values are left out here.
    """

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.get_field(
            getattr(self.field.remote_field, "field_name", None) or self.field.remote_field.model._meta.pk.name
        )
        valid = []
        for item in value:
            try:
                target.to_python(item)
            except ValidationError:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class SafeAutocompleteMixin:
    """Use SafeAutocompleteSelect for every field in ``autocomplete_fields``."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# The media of every admin with modeltranslation's tabs: jQuery UI, the tabs,
# then our script, which makes them accessible and names the language switch
# (the file says how). Listed in that order so that Django's media merge keeps it.
TRANSLATION_TABS_JS = [
    settings.JQUERY_UI_URL,
    "modeltranslation/js/tabbed_translation_fields.js",
    "js/translation_tabs.js",
]


class LabelledTabularInline:
    """A tabular inline whose fields carry their own accessible name.

    Django's tabular inlines show each field's label once, as its column
    heading, and none beside the fields, which leaves screen readers and axe
    ("label", "select-name") with unnamed inputs. Each field of each row is
    given an ``aria-label``: its label, with the language of a translated
    field in words ("Note (French)"), and "Delete" on the delete box.
    """

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (_LabelledFieldsFormSet, formset), {})


class _LabelledFieldsFormSet:
    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            if field.widget.is_hidden or "aria-label" in field.widget.attrs:
                continue
            field.widget.attrs["aria-label"] = _accessible_label(name, field)


def _accessible_label(name, field):
    label = str(field.label or name)
    language = _TRANSLATED_LABEL.fullmatch(label)
    if language:
        try:
            words = get_language_info(language["code"])["name_translated"]
        except KeyError:
            return label
        return f"{language['label']} ({words})"
    return label


_TRANSLATED_LABEL = re.compile(r"(?P<label>.+) \[(?P<code>[a-z]{2}(?:[-_][a-z]+)?)\]")
