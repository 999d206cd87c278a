"""The public report form, and the admin's triage forms.

Every refusal is a message in the reader's language on the field it is
about; nothing typed reaches the database unchecked (docs/architecture.md,
"How to add a public surface", 4)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.validators import web_url_validator
from incidents.models import PUBLIC_ID_RE, Kind, Record

from .models import Report, ReportLink

MAX_LINKS = 10
HONEYPOT = "website"
RECORD_ID_MAX = 16


def published_record_by_id(value) -> Record | None:
    """The published record with this public id, or None: an unknown id and
    an unpublished one look the same (nothing leaks)."""
    value = (value or "").strip().upper()
    if not PUBLIC_ID_RE.match(value):
        return None
    return Record.objects.published().filter(public_id=value).first()


class ReportForm(forms.Form):
    what_happened = forms.CharField(
        label=_("What happened?"),
        help_text=_("Describe the incident or the error in your own words: what the AI system did, and to whom."),
        min_length=20,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    where = forms.CharField(
        label=_("Where?"),
        help_text=_("A country, a city, a website or an organization."),
        required=False,
        max_length=Report._meta.get_field("where").max_length,
    )
    when = forms.CharField(
        label=_("When?"),
        help_text=_("A date, or as precise as you can: “March 2025”."),
        required=False,
        max_length=Report._meta.get_field("when").max_length,
    )
    links = forms.CharField(
        label=_("Links"),
        help_text=_("News articles, reports or posts about it: one web address per line, at most 10."),
        required=False,
        max_length=MAX_LINKS * 1010,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    record = forms.CharField(
        label=_("Record"),
        help_text=_("If you are reporting an error in a record, its id, e.g. INC-0042."),
        required=False,
        max_length=RECORD_ID_MAX,
    )
    contact_email = forms.EmailField(
        label=_("Your e-mail address (optional)"),
        help_text=_("To tell you what becomes of your report. It is never published."),
        required=False,
        max_length=Report._meta.get_field("contact_email").max_length,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that Dossier’s editors may use what I wrote to prepare a record, "
            "which is published only after review."
        ),
        error_messages={"required": _("Please tick this box to send the report.")},
    )
    # A field people never see (hidden by the stylesheet, skipped by the
    # keyboard and screen readers): a robot filling every field fills it.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def clean_links(self):
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        urls = list(dict.fromkeys(lines))
        if len(urls) > MAX_LINKS:
            raise ValidationError(
                ngettext_lazy("Give at most %(count)d link.", "Give at most %(count)d links.", MAX_LINKS),
                params={"count": MAX_LINKS},
                code="too_many",
            )
        max_length = ReportLink._meta.get_field("url").max_length
        errors = []
        for url in urls:
            try:
                if len(url) > max_length:
                    raise ValidationError(_("This address is too long."))
                web_url_validator(url)
            except ValidationError:
                errors.append(
                    ValidationError(
                        _("“%(url)s” is not a web address starting with http:// or https://."),
                        params={"url": url[:100]},
                        code="invalid",
                    )
                )
        if errors:
            raise ValidationError(errors)
        return urls

    def clean_record(self):
        value = self.cleaned_data["record"].strip()
        if not value:
            return None
        record = published_record_by_id(value)
        if record is None:
            raise ValidationError(
                _("No published record has the id “%(id)s”. Leave it empty, or copy the id from the record’s page."),
                params={"id": value},
                code="unknown",
            )
        return record

    def robot(self) -> bool:
        """Whether the honeypot was filled (read before is_valid)."""
        return bool((self.data.get(HONEYPOT) or "").strip())


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, for the person who sent the report"),
        help_text=_("Written in the report’s language: it is shown on their status page and e-mailed to them."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DuplicateForm(forms.Form):
    of = forms.CharField(
        label=_("Duplicate of"),
        help_text=_("The reference of an earlier report (R-2026-0042) or the id of a record (INC-0042)."),
        max_length=20,
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)

    def clean_of(self):
        value = self.cleaned_data["of"].strip().upper()
        if PUBLIC_ID_RE.match(value):
            record = Record.objects.filter(public_id=value).first()
            if record is not None:
                return None, record
        else:
            report = Report.objects.filter(reference=value).first()
            if report is not None:
                return report, None
        raise ValidationError(_("No report or record has this reference."), code="unknown")


class PromoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.INCIDENT)
    title = forms.CharField(label=_("Title of the draft record"), max_length=300)
