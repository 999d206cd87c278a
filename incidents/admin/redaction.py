"""
Redaction in the admin: a publisher requests it from a published version's
page; a second person (a reviewer or another publisher) reads the passage in
its context and applies or declines it.

Both pages call the workflow (``workflow.request_redaction``,
``apply_redaction``, ``decline_redaction``), which asks ``incidents.rules``
again; what the pages offer is asked of the same rules. The passage is shown
to the people deciding, and nowhere else: once decided, the request keeps
only its hash.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.i18n import LANGUAGE_CODES
from incidents import rules
from incidents.models import Redaction, RedactionReason, RedactionStatus
from incidents.publishing import workflow

from .display import refusal_logged_as, report_workflow_error

# Characters of context shown on each side of the passage.
CONTEXT = 160


class RedactionRequestForm(forms.Form):
    field = forms.ChoiceField(label=_("Text"), help_text=_("The text of this version the passage is in."))
    language = forms.ChoiceField(label=_("Language of the passage"), widget=forms.RadioSelect)
    passage = forms.CharField(
        label=_("Passage to redact"),
        widget=forms.Textarea(attrs={"rows": 3}),
        strip=False,
        help_text=_(
            "Copied exactly from the text, as the editor shows it. Every occurrence in the database "
            "is erased, in every version and its history; the other language's text needs a request of its own."
        ),
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=RedactionReason.choices, widget=forms.RadioSelect)
    explanation = forms.CharField(
        label=_("Explanation for the second person"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Not public. Say why this passage must go; do not repeat it."),
    )

    def __init__(self, version, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.fields["field"].choices = [(text.key, text.label) for text in rules.redactable_texts(version)]
        self.fields["language"].choices = settings.LANGUAGES

    def clean(self):
        cleaned = super().clean()
        if {"field", "language", "passage"} <= set(cleaned):
            for problem in rules.redaction_problems(
                self.version, cleaned["field"], cleaned["language"], cleaned["passage"]
            ):
                self.add_error("passage", problem)
        return cleaned


def _page(model_admin, request, obj, template, title, extra):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": obj,
        "title": title,
    }
    return TemplateResponse(request, template, {**context, **extra})


def request_view(model_admin, request, version):
    """The request form, on a published version (RecordVersionAdmin)."""
    refusal = rules.request_redaction_refusal(version, request.user)
    if refusal is not None and refusal.forbidden:
        raise PermissionDenied
    form = RedactionRequestForm(version, request.POST or None)
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            with refusal_logged_as(request, "request_redaction", version):
                redaction = workflow.request_redaction(version, by=request.user, **form.cleaned_data)
        except workflow.WorkflowError as error:
            form.add_error(None, error)
        else:
            messages.success(request, gettext("Your request is recorded: a second person decides whether to apply it."))
            return HttpResponseRedirect(reverse("admin:incidents_redaction_decide", args=[redaction.pk]))
    return _page(
        model_admin,
        request,
        version,
        "admin/incidents/recordversion/redact.html",
        gettext("Request a redaction in %(version)s") % {"version": version},
        {
            "form": form,
            "problems": refusal.messages if refusal else (),
            "change_url": reverse("admin:incidents_recordversion_change", args=[version.pk]),
            "submit_label": gettext("Request the redaction"),
        },
    )


def excerpt(redaction):
    """The passage in its text, with some context on each side: (before, passage, after)."""
    texts = {text.key: text for text in rules.redactable_texts(redaction.version)}
    text = texts[redaction.field].text(redaction.language) if redaction.field in texts else ""
    start = text.find(redaction.passage) if redaction.passage else -1
    if start < 0:
        return None
    end = start + len(redaction.passage)
    before = ("…" if start > CONTEXT else "") + text[max(0, start - CONTEXT) : start]
    after = text[end : end + CONTEXT] + ("…" if len(text) > end + CONTEXT else "")
    return before, redaction.passage, after


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to decline: say why. Not public."),
    )


@admin.register(Redaction)
class RedactionAdmin(admin.ModelAdmin):
    list_display = ["version", "reason", "status", "requested_by", "requested_at", "decided_by", "decided_at"]
    list_filter = ["status", "reason"]
    list_select_related = ["version__record", "requested_by", "decided_by"]
    fields = ["version", "field", "language", "reason", "status", "requested_by", "requested_at"]
    readonly_fields = fields

    # Requests are made from a version's page and decided on their own page.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        decide = self.admin_site.admin_view(self.decide_view)
        return [path("<path:object_id>/decide/", decide, name="incidents_redaction_decide"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A request's page is its decision page: what it asks, and the answer.
        return self.decide_view(request, object_id)

    def decide_view(self, request, object_id):
        redaction = self.get_object(request, unquote(object_id))
        if redaction is None:
            raise Http404
        if not self.has_view_permission(request, redaction):
            raise PermissionDenied
        refusal = rules.decide_redaction_refusal(redaction, request.user)
        form = DecisionForm(request.POST or None)
        if request.method == "POST":
            if refusal is not None and refusal.forbidden:
                raise PermissionDenied
            if form.is_valid():
                try:
                    if "apply" in request.POST:
                        with refusal_logged_as(request, "apply_redaction", redaction):
                            workflow.apply_redaction(redaction, by=request.user)
                        messages.success(
                            request, gettext("The passage is erased; the record's pages say when and why.")
                        )
                    else:
                        with refusal_logged_as(request, "decline_redaction", redaction):
                            workflow.decline_redaction(redaction, by=request.user, comment=form.cleaned_data["comment"])
                        messages.warning(request, gettext("The redaction is declined; the passage stays published."))
                except workflow.WorkflowError as error:
                    report_workflow_error(request, error)
                else:
                    return HttpResponseRedirect(reverse("admin:incidents_redaction_decide", args=[redaction.pk]))
        version = redaction.version
        return _page(
            self,
            request,
            redaction,
            "admin/incidents/redaction/decide.html",
            gettext("Redaction in %(version)s") % {"version": version},
            {
                "redaction": redaction,
                "version": version,
                "field_label": {text.key: text.label for text in rules.redactable_texts(version)}.get(
                    redaction.field, redaction.field
                ),
                "excerpt": excerpt(redaction) if redaction.status == RedactionStatus.REQUESTED else None,
                "rows_holding": workflow.rows_holding(redaction.passage) if redaction.passage else 0,
                "form": form,
                "can_decide": refusal is None,
                "problems": refusal.messages if refusal else (),
                "version_url": reverse("admin:incidents_recordversion_change", args=[version.pk]),
                "preview_urls": [
                    (code, reverse("admin:incidents_recordversion_preview", args=[version.pk, code]))
                    for code in LANGUAGE_CODES
                ],
            },
        )
