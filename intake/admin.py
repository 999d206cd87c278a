"""
The triage queue: reports from the public in the admin.

The list is the queue (new reports first, filtered by status); a report's
page shows what was sent, with the contact address (only here), its links
and its history, and offers exactly the triage steps ``intake.rules``
allows, as POST forms to the same page. Each calls ``intake.triage``, which
asks the same rules; a refusal is one line in the security log
(``refusal_logged_as``) and a message, with what was typed kept.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from incidents.admin.display import refusal_logged_as
from incidents.publishing.workflow import WorkflowError

from . import rules, triage
from .forms import DeclineForm, DuplicateForm, PromoteForm
from .models import Report, ReportStatus
from .rules import Triage

FORMS = {Triage.DECLINE: DeclineForm, Triage.DUPLICATE: DuplicateForm, Triage.PROMOTE: PromoteForm}


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["reference", "status", "language", "created_at", "about_record", "promoted_record"]
    list_filter = ["status", "language"]
    search_fields = ["reference"]
    list_select_related = ["about_record", "promoted_record"]
    date_hierarchy = None
    list_per_page = 50

    def get_queryset(self, request):
        # New reports first: the queue.
        first = Case(When(status=ReportStatus.NEW, then=Value(0)), default=Value(1), output_field=IntegerField())
        queryset = (
            super()
            .get_queryset(request)
            .select_related("about_record", "promoted_record", "duplicate_of_report", "duplicate_of_record")
        )
        return queryset.annotate(queue=first).order_by("queue", "-created_at", "-pk")

    def has_add_permission(self, request):
        return False  # reports come from the public form

    def has_delete_permission(self, request, obj=None):
        return False  # the audit trail stays whole

    def has_change_permission(self, request, obj=None):
        return False  # never edited; triage steps only (change_view below)

    def has_view_permission(self, request, obj=None):
        return rules.may_view(request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not rules.may_view(request.user):
            raise PermissionDenied
        # get_object() turns an id that is not a number into None (404), not a 500.
        report = self.get_object(request, unquote(object_id))
        if report is None:
            raise Http404
        offered = rules.available_triage(report, request.user)
        forms = {
            Triage.DECLINE: DeclineForm(prefix="decline"),
            Triage.DUPLICATE: DuplicateForm(prefix="duplicate"),
            Triage.PROMOTE: PromoteForm(
                prefix="promote", initial={"title": Truncator(report.what_happened.splitlines()[0]).chars(120)}
            ),
        }
        status = 200
        if request.method == "POST":
            try:
                action = Triage(request.POST.get("action", ""))
            except ValueError:
                return HttpResponseBadRequest(_("Unknown triage step."))
            if action not in offered:
                refusal = {
                    Triage.DECLINE: rules.decline_refusal,
                    Triage.DUPLICATE: rules.duplicate_refusal,
                    Triage.PROMOTE: rules.promote_refusal,
                    Triage.REOPEN: rules.reopen_refusal,
                }[action](report, request.user)
                if refusal is not None and refusal.forbidden:
                    raise PermissionDenied(refusal.message)
            done = self._triage(request, report, action, forms)
            if done is not None:
                return done
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": report,
            "title": _("Report %(reference)s") % {"reference": report.reference},
            "report": report,
            "links": list(report.links.all()),
            "events": list(report.events.select_related("actor")),
            "forms": {str(key): form for key, form in forms.items()},
            "offered": {str(action) for action in offered},
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/intake/report/triage.html", context, status=status)

    def _triage(self, request, report, action, forms):
        """Run one step; its redirect, or None with the form's errors set."""
        form = None
        if action in FORMS:
            form = FORMS[action](request.POST, prefix=str(action))
            forms[action] = form
            if not form.is_valid():
                return None
        here = reverse("admin:intake_report_change", args=[report.pk])
        try:
            with refusal_logged_as(request, str(action), report):
                if action == Triage.DECLINE:
                    triage.decline(report, by=request.user, reason=form.cleaned_data["reason"])
                    messages.success(request, _("The report was declined; its sender can read why."))
                elif action == Triage.DUPLICATE:
                    of_report, of_record = form.cleaned_data["of"]
                    triage.mark_duplicate(
                        report,
                        by=request.user,
                        of_report=of_report,
                        of_record=of_record,
                        comment=form.cleaned_data["comment"],
                    )
                    messages.success(request, _("The report was marked as a duplicate."))
                elif action == Triage.PROMOTE:
                    draft = triage.promote(
                        report, by=request.user, kind=form.cleaned_data["kind"], title=form.cleaned_data["title"]
                    )
                    messages.success(
                        request,
                        _("Draft record %(id)s was created from the report, with its links as sources.")
                        % {"id": draft.record.public_id},
                    )
                    return HttpResponseRedirect(reverse("admin:incidents_recordversion_change", args=[draft.pk]))
                else:
                    triage.reopen(report, by=request.user)
                    messages.success(request, _("The report was reopened."))
        except WorkflowError as error:
            if form is not None:
                form.add_error(None, error)
            else:
                for message in error.messages:
                    messages.error(request, message)
                return HttpResponseRedirect(here)
            return None
        return HttpResponseRedirect(here)
