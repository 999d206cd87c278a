"""Admin widgets and form fields that keep bad input a form error, and
tabular inlines whose fields are named for assistive technology."""

import re

from django.conf import settings
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.forms import ModelChoiceField, Select
from django.utils.translation import get_language_info
from django_countries.fields import LazyTypedChoiceField

from . import form_rendering


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget, minus a crash and a query per row.

    When a form comes back with errors, the widget looks the submitted value
    up in the database without checking it first: a value that is not an id
    (a forged or mangled POST) raised a ValueError, a 500 instead of the
    form's own "Select a valid choice" error. Such values are left out here.

    Django's widget also reads its selected row with one query per widget,
    that is per row of an inline: a version of 150 parts cost a query per
    part (and a second for a term's taxonomy). ``preload`` reads the selected
    rows of every form of a formset in one query per field, the same
    queryset and the same labels, and the widget then renders from those.
    """

    # {str(id): row} of the selected rows, set by ``preload``; None: ask the database.
    preloaded = None

    def render(self, name, value, attrs=None, renderer=None):
        # The admin's wrapper (the add and change links) renders this widget
        # without the form's renderer: the editor's is the default here.
        return super().render(name, value, attrs, renderer or form_rendering.renderer)

    def _target(self):
        return self.field.remote_field.model._meta.get_field(
            getattr(self.field.remote_field, "field_name", None) or self.field.remote_field.model._meta.pk.name
        )

    def valid_values(self, values):
        target = self._target()
        valid = []
        for item in values:
            try:
                target.to_python(item)
            except ValidationError:
                continue
            valid.append(item)
        return valid

    def optgroups(self, name, value, attr=None):
        valid = self.valid_values(value)
        if self.preloaded is None:
            return super().optgroups(name, valid, attr)
        # Django's optgroups (AutocompleteSelect), reading the preloaded rows.
        default = (None, [], 0)
        selected_choices = {str(v) for v in valid if str(v) not in self.choices.field.empty_values}
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        has_selected = False
        for key, obj in self.preloaded.items():
            if key not in selected_choices:
                continue
            option_value = getattr(obj, self._target().attname)
            selected = str(option_value) in valid and (has_selected is False or self.allow_multiple_selected)
            has_selected |= selected
            default[1].append(
                self.create_option(
                    name, option_value, self.choices.field.label_from_instance(obj), selected_choices, len(default[1])
                )
            )
        return [default]


# What the labels of an autocomplete's rows read besides the row itself
# (``Term.__str__`` names its taxonomy): loaded with them by ``preload``.
LABEL_RELATIONS = {"taxonomy.term": ["taxonomy"]}


class PreloadedModelChoiceField(ModelChoiceField):
    """A model choice that takes its row from ``preloaded`` when ``preload``
    read it with the rows of the other forms of its formset: the same
    queryset, one query for all the forms instead of one per form. A value
    not found there is looked up as Django does (and refused the same way)."""

    # {str(value): row} set by ``preload``; None: ask the database.
    preloaded = None

    def to_python(self, value):
        if self.preloaded is not None and isinstance(value, str) and value in self.preloaded:
            self.validate_no_null_characters(value)
            return self.preloaded[value]
        return super().to_python(value)


def _unwrapped(widget):
    return getattr(widget, "widget", widget)


def preload(forms):
    """Read what the model choices of ``forms`` (the forms of one formset)
    need once for all of them: the rows selected in their autocompletes
    (to show them) and, on a submitted formset, the rows each submitted id
    names (to validate it), in one query per field; the choices of a plain
    select, and the list of countries, once, instead of once per form."""
    forms = list(forms)
    if not forms:
        return
    bound = forms[0].is_bound
    for name, field in forms[0].fields.items():
        if not isinstance(field, ModelChoiceField):
            continue
        widget = _unwrapped(field.widget)
        if isinstance(field, LazyTypedChoiceField):
            # A country: its choices are the countries' names in the page's
            # language, sorted, computed again at each use (three per form).
            choices = list(field.choices)
            for form in forms:
                form.fields[name].choices = choices
            continue
        if type(widget) is Select:
            # A plain select lists its whole queryset, read again by each form.
            choices = list(field.choices)
            rows = {str(value.value): value.instance for value, _label in choices if value}
            for form in forms:
                form.fields[name].widget.choices = choices
                if bound and isinstance(form.fields[name], PreloadedModelChoiceField):
                    form.fields[name].preloaded = rows
            continue
        autocomplete = isinstance(widget, SafeAutocompleteSelect)
        if not autocomplete and not (bound and isinstance(field, PreloadedModelChoiceField)):
            continue
        rows = _rows(forms, name, field)
        for form in forms:
            form_field = form.fields[name]
            if autocomplete:
                _unwrapped(form_field.widget).preloaded = rows
            if bound and isinstance(form_field, PreloadedModelChoiceField):
                form_field.preloaded = rows


def _rows(forms, name, field):
    """{str(value): row} of the rows the forms' ``name`` values name, in one query."""
    key = field.to_field_name or field.queryset.model._meta.pk.attname
    target = field.queryset.model._meta.get_field(key)
    values = set()
    for form in forms:
        value = form[name].value()
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if item in field.empty_values:
                continue
            try:
                target.to_python(item)
            except ValidationError:
                continue
            values.add(str(item))
    if not values:
        return {}
    queryset = field.queryset
    related = LABEL_RELATIONS.get(queryset.model._meta.label_lower)
    if related:
        queryset = queryset.select_related(*related)
    return {str(getattr(obj, target.attname)): obj for obj in queryset.filter(**{f"{target.attname}__in": values})}


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
