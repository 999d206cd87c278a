"""
The review screen of a version, and the sign-off it posts.

/admin/incidents/recordversion/<id>/review/ shows, for anyone who may view
the version: the English and French previews side by side (the staff
preview, views/preview.py, in two frames), what changed since the version
it would replace, the French texts missing or left stale, what looks like
personal data in its texts (hints, publishing/privacy.py), both checklists
and the sign-offs of every review round.

/admin/incidents/recordversion/<id>/sign-off/ takes one decision on one
check (POST only, CSRF-protected by the admin) and hands it to
``workflow.sign_off``, which alone decides whether it is allowed: a forged
request is refused there exactly like one from this page. When it is
refused, or the form is incomplete, the screen is shown again with the
reason and with what the reviewer wrote, so nothing typed is lost.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from core.i18n import LANGUAGE_CODES, current_language
from incidents import rules
from incidents.publishing import review, workflow

from ..models import Check, Decision, Status
from . import preview
from .display import refusal_logged_as, report_workflow_error


class SignOffForm(forms.Form):
    """One reviewer's decision on one check, with the check's checklist.

    Every item is ticked, or commented on: approving with an unticked item
    needs a comment on that item. The workflow checks the same again.
    """

    round = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("This form is incomplete: open the review screen again."),
            "invalid": _("This form is incomplete: open the review screen again."),
        },
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose: approve, or request changes."),
            "invalid_choice": _("Choose: approve, or request changes."),
        },
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to request changes: say what needs to change."),
    )

    def __init__(self, check, items, *args, **kwargs):
        kwargs.setdefault("prefix", check)
        super().__init__(*args, **kwargs)
        self.check = check
        self.items = items
        for item in items:
            self.fields[self._ticked(item)] = forms.BooleanField(required=False)
            self.fields[self._comment(item)] = forms.CharField(
                label=_("Comment on this item"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    @staticmethod
    def _ticked(item):
        return f"item-{item.pk}-ticked"

    @staticmethod
    def _comment(item):
        return f"item-{item.pk}-comment"

    def item_rows(self):
        """[(item, ticked field, comment field)] for the template."""
        return [(item, self[self._ticked(item)], self[self._comment(item)]) for item in self.items]

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == Decision.REQUEST_CHANGES and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Say what needs to change: a comment is required to request changes."))
        if decision == Decision.APPROVE:
            unexplained = [
                item
                for item in self.items
                if not cleaned.get(self._ticked(item)) and not (cleaned.get(self._comment(item)) or "").strip()
            ]
            for item in unexplained:
                self.add_error(self._comment(item), _("Not ticked: say why here, or request changes."))
            if unexplained:
                self.add_error(
                    None, _("To approve with an item not ticked, write a comment on that item (or request changes).")
                )
        return cleaned

    def answers(self):
        return [
            workflow.ChecklistAnswer(
                item=item,
                ticked=bool(self.cleaned_data.get(self._ticked(item))),
                comment=self.cleaned_data.get(self._comment(item)) or "",
            )
            for item in self.items
        ]


class ReviewMixin:
    """The review screen and the sign-off view of ``RecordVersionAdmin``."""

    review_template = "admin/incidents/recordversion/review.html"

    def review_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/review/", wrap(self.review_view), name=f"{prefix}_review"),
            path("<path:object_id>/sign-off/", wrap(self.sign_off_view), name=f"{prefix}_sign_off"),
            # The staff preview (views/preview.py): only ever under the admin.
            path("<int:version_id>/preview/<str:lang>/", wrap(preview.version_preview), name=f"{prefix}_preview"),
        ]

    @method_decorator(require_safe)
    def review_view(self, request, object_id):
        version = self._version_for_action(request, object_id)
        return self.render_review(request, version)

    @method_decorator(require_POST)
    def sign_off_view(self, request, object_id):
        version = self._version_for_action(request, object_id)
        check = request.POST.get("check", "")
        if check not in Check.values:
            messages.error(request, gettext("Unknown check: sign off the neutrality check or the factuality check."))
            return self.render_review(request, version, status=400)
        form = SignOffForm(check, review.checklist(check), data=request.POST)
        if not form.is_valid():
            messages.error(request, gettext("Your decision was not recorded: see the errors below."))
            return self.render_review(request, version, forms={check: form}, status=400)
        try:
            with refusal_logged_as(request, "sign_off", version):
                workflow.sign_off(
                    version,
                    by=request.user,
                    check=check,
                    decision=form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                    answers=form.answers(),
                    round_id=form.cleaned_data["round"],
                )
        except PermissionDenied as error:
            report_workflow_error(request, error)
            return self.render_review(request, version, forms={check: form}, status=403)
        except workflow.WorkflowError as error:
            report_workflow_error(request, error)
            return self.render_review(request, version, forms={check: form}, status=400)
        version.refresh_from_db()
        messages.success(request, self._decision_message(version, check, form.cleaned_data["decision"]))
        return HttpResponseRedirect(reverse("admin:incidents_recordversion_review", args=[version.pk]))

    @staticmethod
    def _decision_message(version, check, decision):
        public_id = version.record.public_id
        if decision == Decision.REQUEST_CHANGES:
            return gettext("Changes requested: %(record)s goes back to its editors.") % {"record": public_id}
        if version.status == Status.APPROVED:
            return gettext("Both checks are approved: %(record)s is ready to publish.") % {"record": public_id}
        return gettext("Your approval of the %(check)s is recorded.") % {"check": Check(check).label.lower()}

    def render_review(self, request, version, forms=None, status=200):
        context = {
            **self.admin_site.each_context(request),
            **self.review_context(request, version, forms or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.review_template, context, status=status)

    def review_context(self, request, version, forms):
        user = request.user
        lang = current_language()
        record = version.record
        rounds = review.rounds(version)
        signed = review.current_sign_offs(rounds)
        items = review.checklists()
        in_review = version.status == Status.IN_REVIEW
        # Only asked when it decides what the page offers.
        contributors = version.contributor_ids() if in_review and rules.has(user, rules.SIGN_OFF_VERSION) else set()
        latest = rounds[-1]
        # The comparison loads the parts; the personal data hints reuse them.
        comparison = review.compare(version, lang)
        personal_data = review.personal_data(version)
        checks = []
        for value, label in Check.choices:
            sign_off = signed.get(value)
            form = reason = None
            # A version not in review gets one note for the whole page instead.
            if in_review:
                refusal = rules.sign_off_refusal(version, user, value, contributors=contributors)
                if refusal is not None:
                    reason = refusal.message
                else:
                    form = forms.get(value) or SignOffForm(value, items[value], initial={"round": latest.submitted.pk})
            checks.append(
                {
                    "value": value,
                    "label": label,
                    "items": items[value],
                    "sign_off": sign_off,
                    "form": form,
                    "reason": reason,
                }
            )
        return {
            "title": gettext("Review of %(version)s") % {"version": version},
            "opts": self.opts,
            "version": version,
            "record": record,
            "in_review": in_review,
            "submitted": latest.submitted if latest.current else None,
            "previews": [{"lang": code, "url": preview.preview_url(version, code)} for code in LANGUAGE_CODES],
            "comparison": comparison,
            "missing_french": version.missing_french(),
            "personal_data": personal_data,
            "checks": checks,
            "rounds": list(reversed(rounds)),
            "change_url": reverse("admin:incidents_recordversion_change", args=[version.pk]),
            "history_url": reverse("admin:incidents_recordversion_history", args=[version.pk]),
            # Approved: the way on is the publish page, for whoever may publish.
            "publish_url": (
                reverse("admin:incidents_recordversion_publish", args=[version.pk])
                if rules.publish_refusal(version, user) is None
                else ""
            ),
        }
