"""
The list's query string, validated: each parameter is checked on its own, so
that bad input never raises; the page shows the errors in the reader's
language and applies the valid parameters.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_countries import countries as all_countries

from incidents.models import ExternalDatabase, Kind, Severity, VerificationLevel

from . import search
from .choices import public_entity_slugs

# Values one filter accepts at once: more is never a reader's choice.
MAX_VALUES = 20


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "new"
    UPDATED = "updated"
    OCCURRED = "occurred"
    SEVERITY = "severity"
    TITLE = "title"


SORT_CHOICES = [
    (Sort.RELEVANCE, _("Relevance")),
    (Sort.NEWEST, _("Newest first")),
    (Sort.UPDATED, _("Recently updated")),
    (Sort.OCCURRED, _("Date of occurrence")),
    (Sort.SEVERITY, _("Severity")),
    (Sort.TITLE, _("Title (A to Z)")),
]


class FacetField(forms.MultipleChoiceField):
    """Checkboxes of one filter; at most MAX_VALUES values."""

    default_error_messages = {
        "too_many": ngettext_lazy("Choose at most %(limit)d value.", "Choose at most %(limit)d values.", "limit"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(**kwargs)

    def validate(self, value):
        if len(value) > MAX_VALUES:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many", params={"limit": MAX_VALUES})
        super().validate(value)


class TypedFacetField(FacetField, forms.TypedMultipleChoiceField):
    pass


def _iso_date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        # type="date" inputs need ISO dates, whatever the page's language.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class RecordFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search records"),
        required=False,
        max_length=search.MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = FacetField(label=_("Kind"), choices=Kind.choices)
    severity = TypedFacetField(label=_("Severity"), choices=Severity.choices, coerce=int)
    verification = TypedFacetField(label=_("Verification level"), choices=VerificationLevel.choices, coerce=int)
    country = FacetField(label=_("Jurisdiction"))
    entity = FacetField(label=_("Entity"))
    external = FacetField(label=_("In other databases"), choices=ExternalDatabase.choices)
    date_from = _iso_date_field(_("Occurred on or after"))
    date_to = _iso_date_field(_("Occurred on or before"))
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(label=_("Page"), min_value=1, required=False)

    def __init__(self, data, *, taxonomies, countries, **kwargs):
        super().__init__(data, **kwargs)
        self.taxonomies = taxonomies
        self.fields["country"].choices = sorted(
            ((code, all_countries.name(code) or code) for code in countries), key=lambda choice: str(choice[1])
        )
        submitted = data.getlist("entity")[:MAX_VALUES] if data is not None and hasattr(data, "getlist") else []
        self.fields["entity"].choices = [(slug, slug) for slug in sorted(public_entity_slugs(submitted))]
        for taxonomy in taxonomies:
            self.fields[taxonomy.field_name] = FacetField(
                label=taxonomy.taxonomy.name, choices=[(slug, slug) for slug in taxonomy.terms]
            )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the date range cannot be before its start."))
        return cleaned

    def value(self, name, default=None):
        """A parameter's cleaned value; an invalid one counts as not given."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or default
