"""
Publishing and withdrawing, for publishers.

Each is a page with a small form (GET shows it, POST acts), calling the
workflow, which checks the publisher's permission and the version's state
again. Whether the form is offered at all is asked of ``incidents.rules``,
as the workflow asks it. A user without the permission gets 403 whatever the request looks
like; a refusal because of the state is shown on the page with the text the
publisher typed kept in the form.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.i18n import LANGUAGE_CODES, current_language
from incidents import rules
from incidents.models import Check
from incidents.publishing import review, workflow

from . import preview
from .display import refusal_logged_as


class PublishForm(forms.Form):
    change_note_en = forms.CharField(
        label=_("Change note (English)"),
        widget=forms.Textarea(attrs={"rows": 3, "lang": "en"}),
        help_text=_("What this version changes. The public changelog shows it."),
    )
    change_note_fr = forms.CharField(
        label=_("Change note (French)"),
        widget=forms.Textarea(attrs={"rows": 3, "lang": "fr"}),
        help_text=_("The same note, in French."),
    )


class WithdrawForm(forms.Form):
    reason_en = forms.CharField(
        label=_("Reason for withdrawal (English)"), widget=forms.Textarea(attrs={"rows": 3, "lang": "en"})
    )
    reason_fr = forms.CharField(
        label=_("Reason for withdrawal (French)"), widget=forms.Textarea(attrs={"rows": 3, "lang": "fr"})
    )
    confirm = forms.BooleanField(
        label=_("I understand that every page of this record will show the withdrawal notice instead of its content."),
    )


def _page(model_admin, request, obj, template, title, form, extra=None):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": obj,
        "title": title,
        "form": form,
        **(extra or {}),
    }
    return TemplateResponse(request, template, context)


def publish_view(model_admin, request, version):
    """Publish an approved version with its change note in both languages."""
    if not rules.has(request.user, rules.PUBLISH_VERSION):
        raise PermissionDenied
    change_url = reverse("admin:incidents_recordversion_change", args=[version.pk])
    if request.method == "POST":
        form = PublishForm(request.POST)
        if form.is_valid():
            try:
                with refusal_logged_as(request, "publish", version):
                    workflow.publish(
                        version,
                        by=request.user,
                        change_note_en=form.cleaned_data["change_note_en"],
                        change_note_fr=form.cleaned_data["change_note_fr"],
                    )
            except workflow.WorkflowError as error:
                form.add_error(None, error)
            else:
                version.refresh_from_db()
                messages.success(
                    request,
                    gettext("%(record)s version %(number)s is published.")
                    % {"record": version.record.public_id, "number": version.number},
                )
                return HttpResponseRedirect(change_url)
    else:
        form = PublishForm(initial={"change_note_en": version.change_note_en, "change_note_fr": version.change_note_fr})
    refusal = rules.publish_refusal(version, request.user)
    # What the publisher releases, on the page where they release it: the
    # sign-offs, what changed since the live version, and the previews.
    signed = review.current_sign_offs(review.rounds(version))
    return _page(
        model_admin,
        request,
        version,
        "admin/incidents/recordversion/publish.html",
        gettext("Publish %(record)s") % {"record": version.record.public_id},
        form,
        {
            "next_number": version.record.next_version_number(),
            "live": version.record.live_version,
            "can_publish": refusal is None,
            "problems": refusal.messages if refusal else (),
            "missing_french": version.missing_french(),
            "change_url": change_url,
            "review_url": reverse("admin:incidents_recordversion_review", args=[version.pk]),
            "sign_offs": [signed[check] for check in Check.values if check in signed],
            "comparison": review.compare(version, current_language()),
            "previews": [{"lang": code, "url": preview.preview_url(version, code)} for code in LANGUAGE_CODES],
            "version": version,
            "record": version.record,
        },
    )


def withdraw_view(model_admin, request, record):
    """Replace a published record's pages with a withdrawal notice."""
    if not rules.has(request.user, rules.WITHDRAW_RECORD):
        raise PermissionDenied
    change_url = reverse("admin:incidents_record_change", args=[record.pk])
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                with refusal_logged_as(request, "withdraw", record):
                    workflow.withdraw(
                        record,
                        by=request.user,
                        reason_en=form.cleaned_data["reason_en"],
                        reason_fr=form.cleaned_data["reason_fr"],
                    )
            except workflow.WorkflowError as error:
                form.add_error(None, error)
            else:
                messages.warning(
                    request,
                    gettext("%(record)s is withdrawn: its pages now show the notice.") % {"record": record.public_id},
                )
                return HttpResponseRedirect(change_url)
    else:
        form = WithdrawForm()
    return _page(
        model_admin,
        request,
        record,
        "admin/incidents/record/withdraw.html",
        gettext("Withdraw %(record)s") % {"record": record.public_id},
        form,
        {
            "can_withdraw": (refusal := rules.withdraw_refusal(record, request.user)) is None,
            "problems": refusal.messages if refusal else (),
            "change_url": change_url,
        },
    )
