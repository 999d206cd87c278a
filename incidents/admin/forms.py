"""
Forms of the version editor.

The database refuses duplicate citation keys, two primary sources, the same
source cited twice, and so on. Django checks unique constraints across an
inline formset only in part (not those with a condition, and not at all
while the version is being created), so each formset below checks its own
rows and puts a clear message on the offending row: the editor sees an
error on the page, never an IntegrityError.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey
from django.forms import ModelChoiceField
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .. import rules
from ..models import Kind, RecordVersion
from . import form_rendering
from .history import changes_since
from .widgets import PreloadedModelChoiceField, preload


def edit_token(updated_at) -> str:
    return updated_at.isoformat() if updated_at else ""


class RecordVersionForm(forms.ModelForm):
    """The content of a draft.

    ``edit_token`` is the time of the last save when the page was opened: a
    form opened before someone else's save (or before the version changed
    state) is refused instead of silently overwriting it (docs/architecture.md, "Promises", 4).
    """

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    # Its fields written without a template each (form_rendering.py).
    default_renderer = form_rendering.renderer

    class Meta:
        model = RecordVersion
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose the fields shown)

    # Markdown texts: the editor offers a rendered preview of each
    # (static/js/editor.js, RecordVersionAdmin.markdown_preview_view).
    MARKDOWN_FIELDS = ("summary", "narrative", "editorial_assessment", "change_note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["edit_token"] = edit_token(self.instance.updated_at)
        preview_url = reverse("admin:incidents_recordversion_markdown_preview")
        for name, field in self.fields.items():
            if name.rsplit("_", 1)[0] in self.MARKDOWN_FIELDS and isinstance(field.widget, forms.Textarea):
                field.widget.attrs["data-markdown-preview"] = preview_url

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk:
            # Locked until the admin's transaction ends, so two saves of the
            # same page cannot both pass this check.
            current = (
                RecordVersion.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("updated_at", flat=True)
                .first()
            )
            if cleaned_data.get("edit_token") != edit_token(current):
                raise ValidationError(self.stale_messages(cleaned_data.get("edit_token")), code="stale")
        # The rules of a duplicate (no chains, not itself, only a published
        # record of its kind): said here, asked again at submission and publication.
        record = self.instance.record if self.instance.record_id else None
        problems = rules.duplicate_problems(record, cleaned_data.get("duplicate_of"))
        if problems:
            self.add_error("duplicate_of", problems)
        return cleaned_data

    def stale_messages(self, token):
        """Say that someone else saved first, and what they changed."""
        messages = [
            _(
                "Someone else saved this version (or changed its state) after you opened it, so your changes were "
                "not saved. The form below still shows what you wrote: copy what you need, open the version again, "
                "and make your changes there."
            )
        ]
        try:
            since = datetime.datetime.fromisoformat(token)
        except (TypeError, ValueError):
            return messages
        changes = changes_since(self.instance, since)
        if changes:
            messages.append(_("Saved since you opened it:"))
            messages.extend(changes)
        return messages


class RecordVersionAddForm(RecordVersionForm):
    """The first draft of a new record: it also says which kind of record."""

    kind = forms.ChoiceField(
        label=_("Kind of record"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Incident: harm happened. Hazard: harm could plausibly happen. "
            "The kind gives the record its public id (INC-… or HAZ-…) and cannot be changed later."
        ),
    )

    def clean_kind(self):
        kind = self.cleaned_data["kind"]
        # The inline formsets hold this same instance and validate after this
        # form: the "materialized from" formset reads the kind from here.
        self.instance._pending_kind = kind
        return kind


def version_kind(version):
    """The kind of the version's record, or the kind chosen on the add form."""
    if version.record_id:
        return version.record.kind
    return getattr(version, "_pending_kind", None)


class VersionPartForm(forms.ModelForm):
    """A part of a version in the editor, validated without asking the
    database again what it already answered.

    - A row sent back unchanged is the row in the database, which its
      constraints already hold for; its unique and constraint checks (a
      query each) can only pass, so they are skipped. Rows that changed are
      checked as always, against the database as it is before this save.
    - A reference chosen in a model choice field was found in that field's
      queryset (the related model's rows, narrowed by the field's
      ``limit_choices_to``): the model field's own existence check (a query
      per reference) would ask the same, so it is left out of the model's
      field validation, never out of the unique checks.
    """

    _references_found = frozenset()
    default_renderer = form_rendering.renderer

    def _post_clean(self):
        unchanged = self.instance.pk is not None and not self.has_changed()
        if unchanged:
            self._validate_unique = self._validate_constraints = False
        self._references_found = frozenset(
            name
            for name, field in self.fields.items()
            if isinstance(field, ModelChoiceField)
            and isinstance(self.cleaned_data.get(name), field.queryset.model)
            and isinstance(self._meta.model._meta.get_field(name), ForeignKey)
        )
        try:
            super()._post_clean()
        finally:
            self._references_found = frozenset()

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() | self._references_found

    def validate_unique(self):
        self._references_found = frozenset()
        super().validate_unique()

    def validate_constraints(self):
        self._references_found = frozenset()
        super().validate_constraints()


class VersionPartFormSet(BaseInlineFormSet):
    """An inline formset that checks the version's rows against each other,
    and reads what its model choices need once for all its rows (``preload``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A formset hands its renderer to its forms (form_rendering.py);
        # formset_factory sets Django's on the class.
        self.renderer = form_rendering.renderer

    @cached_property
    def forms(self):
        forms = super().forms
        preload(forms)
        return forms

    @cached_property
    def empty_form(self):
        # Django builds a new one at each use: the admin uses it four times
        # per formset (its row template, its column headings, its media),
        # each time the same form.
        return super().empty_form

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Django's id field looks its row up once per form; this one can take
        # it from ``preload``.
        name = self._pk_field.name
        field = form.fields.get(name)
        if type(field) is ModelChoiceField:
            form.fields[name] = PreloadedModelChoiceField(
                field.queryset, initial=field.initial, required=False, widget=field.widget
            )

    def kept_forms(self):
        """The forms whose rows will exist after saving."""
        for form in self.forms:
            if not getattr(form, "cleaned_data", None):
                continue  # an untouched extra row
            if self.can_delete and self._should_delete_form(form):
                continue
            yield form

    def flag_duplicates(self, fields, error_field, message):
        """Add ``message`` to every row that repeats an earlier row's ``fields``."""
        seen = set()
        for form in self.kept_forms():
            values = [form.cleaned_data.get(name) for name in fields]
            if any(value in (None, "") for value in values):
                continue
            key = tuple(getattr(value, "pk", value) for value in values)
            if key in seen:
                form.add_error(error_field, message)
            else:
                seen.add(key)

    def check_rows(self):
        """Each formset's own cross-row checks."""

    def clean(self):
        self.check_rows()
        # Django's own duplicate check runs on the rows still valid; the ones
        # flagged above are not, so no row gets the same message twice.
        super().clean()


class RecommendationAuthorityFormSet(VersionPartFormSet):
    def check_rows(self):
        self.flag_duplicates(
            ["recommendation", "entity"], "entity", _("This authority is already credited with this recommendation.")
        )


class CitationFormSet(VersionPartFormSet):
    def check_rows(self):
        self.flag_duplicates(["key"], "key", _("Each citation key may be used once per version."))
        self.flag_duplicates(["source"], "source", _("This source is already cited in this version."))
        primary = [form for form in self.kept_forms() if form.cleaned_data.get("is_primary")]
        for form in primary[1:]:
            form.add_error("is_primary", _("Only one source can be marked primary."))


class EntityRoleFormSet(VersionPartFormSet):
    def check_rows(self):
        self.flag_duplicates(["entity", "role"], "role", _("This entity already has this role in this version."))
        # The entities this save will name: the responses' formset, validated
        # after this one (its inline comes later), accepts only those
        # (EntityResponse.named_entity_ids).
        self.instance._pending_entity_ids = {
            form.cleaned_data["entity"].pk for form in self.kept_forms() if form.cleaned_data.get("entity")
        }


class EntityResponseFormSet(VersionPartFormSet):
    """Responses from the entities the version names."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # The version itself, not only its id: the row's own check reads the
        # entities the roles' formset is about to save from it.
        form.instance.version = self.instance
        return form

    def check_rows(self):
        self.flag_duplicates(
            ["entity", "responded_on"],
            "responded_on",
            _("This entity already has a response of this date in this version."),
        )


class ClassificationFormSet(VersionPartFormSet):
    def check_rows(self):
        self.flag_duplicates(["term"], "term", _("This term is already assigned to this version."))


class HazardLinkFormSet(VersionPartFormSet):
    def check_rows(self):
        self.flag_duplicates(["hazard"], "hazard", _("This hazard is already linked."))
        if version_kind(self.instance) == Kind.HAZARD:
            for form in self.kept_forms():
                form.add_error("hazard", _("Only incidents materialize from hazards."))
