"""
The record admin: identity only.

A record's content lives in its versions; its public id, kind, live pointer
and withdrawal are written by the workflow. So this admin only shows: the
record, its versions (links to the version editor) and its workflow events.
New records are made by adding a version; nothing here adds, edits or
deletes a record.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from core.i18n import date_format, localized
from incidents import rules
from incidents.publishing import workflow

from ..models import OPEN_STATUSES, Record, RecordVersion, WorkflowEvent
from . import publishing
from .display import localized_title, public_pages, refusal_logged_as, report_workflow_error
from .history import HistoryAdmin
from .timeline import record_timeline


class WithdrawnFilter(admin.SimpleListFilter):
    title = _("withdrawn")
    parameter_name = "withdrawn"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(withdrawn_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(withdrawn_at__isnull=True)
        return queryset


class OpenVersionFilter(admin.SimpleListFilter):
    title = _("version in progress")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        has_open = Exists(RecordVersion.objects.filter(record=OuterRef("pk"), status__in=OPEN_STATUSES))
        if self.value() == "yes":
            return queryset.filter(has_open)
        if self.value() == "no":
            return queryset.filter(~has_open)
        return queryset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionListInline(ReadOnlyInline):
    model = RecordVersion
    fk_name = "record"
    fields = ["version_link", "status", "title_display", "created_at", "published_at"]
    readonly_fields = fields
    ordering = ["-created_at"]
    verbose_name_plural = _("versions")

    @admin.display(description=_("version"))
    def version_link(self, obj):
        url = reverse("admin:incidents_recordversion_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.label)

    @admin.display(description=_("title"))
    def title_display(self, obj):
        return localized_title(obj)


class WorkflowEventInline(ReadOnlyInline):
    model = WorkflowEvent
    fields = ["created_at", "action", "version", "from_status", "to_status", "actor", "comment"]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]


@admin.register(Record)
class RecordAdmin(HistoryAdmin):
    change_form_template = "admin/incidents/record/change_form.html"
    change_list_template = "admin/incidents/record/change_list.html"
    list_display = ["public_id", "kind", "title_display", "open_status", "withdrawn"]
    list_filter = ["kind", WithdrawnFilter, OpenVersionFilter]
    # Titles live on the versions, in both languages: name both columns
    # (modeltranslation does not rewrite admin search fields).
    search_fields = ["public_id", "versions__title_en", "versions__title_fr"]
    fields = [
        "public_id",
        "kind",
        "title_display",
        "live_version_link",
        "open_version_link",
        "withdrawal",
        "created_at",
    ]
    readonly_fields = fields
    inlines = [VersionListInline, WorkflowEventInline]
    actions = None

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("live_version")
            .prefetch_related(Prefetch("versions", queryset=RecordVersion.objects.open(), to_attr="open_versions"))
        )

    # Nothing here writes a record: see the module docstring.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _open_version(self, obj):
        open_versions = getattr(obj, "open_versions", None)
        if open_versions is None:
            return obj.open_version()
        return open_versions[0] if open_versions else None

    @admin.display(description=_("title"))
    def title_display(self, obj):
        if obj.live_version_id:
            return localized_title(obj.live_version)
        open_version = self._open_version(obj)
        if open_version is None:
            return "–"
        return format_html("{} <em>({})</em>", localized_title(open_version), gettext("not yet published"))

    @admin.display(description=_("version in progress"))
    def open_status(self, obj):
        open_version = self._open_version(obj)
        return open_version.get_status_display() if open_version else "–"

    @admin.display(description=_("withdrawn"), boolean=True, ordering="withdrawn_at")
    def withdrawn(self, obj):
        return obj.is_withdrawn

    @admin.display(description=_("live version"))
    def live_version_link(self, obj):
        if not obj.live_version_id:
            return gettext("Not published yet")
        url = reverse("admin:incidents_recordversion_change", args=[obj.live_version_id])
        return format_html('<a href="{}">{}</a>', url, obj.live_version.label)

    @admin.display(description=_("version in progress"))
    def open_version_link(self, obj):
        open_version = self._open_version(obj)
        if open_version is None:
            return "–"
        url = reverse("admin:incidents_recordversion_change", args=[open_version.pk])
        return format_html('<a href="{}">{}</a>', url, open_version.get_status_display())

    @admin.display(description=_("withdrawal"))
    def withdrawal(self, obj):
        if not obj.is_withdrawn:
            return "–"
        return format_html(
            "{} – {}", date_format(localtime(obj.withdrawn_at), "DATE_FORMAT"), localized(obj, "withdrawal_reason").text
        )

    # Start a revision ---------------------------------------------------------

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/start-revision/",
                self.admin_site.admin_view(self.start_revision_view),
                name=f"{prefix}_start_revision",
            ),
            path(
                "<path:object_id>/timeline/", self.admin_site.admin_view(self.timeline_view), name=f"{prefix}_timeline"
            ),
            path(
                "<path:object_id>/withdraw/", self.admin_site.admin_view(self.withdraw_view), name=f"{prefix}_withdraw"
            ),
            *super().get_urls(),
        ]

    def _record_for_action(self, request, object_id):
        record = self.get_object(request, unquote(object_id))
        if record is None:
            raise Http404
        if not self.has_view_permission(request, record):
            raise PermissionDenied
        return record

    @method_decorator(require_safe)
    def timeline_view(self, request, object_id):
        """Workflow events and field history of the record, read-only."""
        from django.template.response import TemplateResponse

        record = self._record_for_action(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": record,
            "title": gettext("Timeline of %(record)s") % {"record": record.public_id},
            "entries": record_timeline(record),
        }
        return TemplateResponse(request, "admin/incidents/record/timeline.html", context)

    def withdraw_view(self, request, object_id):
        return publishing.withdraw_view(self, request, self._record_for_action(request, object_id))

    @method_decorator(require_POST)
    def start_revision_view(self, request, object_id):
        record = self._record_for_action(request, object_id)
        try:
            with refusal_logged_as(request, "start_revision", record):
                draft = workflow.start_revision(record, by=request.user, comment=request.POST.get("comment", ""))
        except workflow.WorkflowError as error:
            report_workflow_error(request, error)
            return HttpResponseRedirect(reverse("admin:incidents_record_change", args=[record.pk]))
        messages.success(
            request,
            gettext("A new draft of %(record)s was started from its published version.") % {"record": record.public_id},
        )
        return HttpResponseRedirect(reverse("admin:incidents_recordversion_change", args=[draft.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            available = rules.record_transitions(obj, request.user)
            context["can_start_revision"] = rules.Transition.START_REVISION in available
            context["can_withdraw"] = rules.Transition.WITHDRAW in available
            context["public_pages"] = (
                public_pages("record", obj.public_id) if obj.live_version_id and not obj.is_withdrawn else []
            )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
