"""
The version editor: one page with the whole content of a version.

What the page may do depends on the version's state, never on which buttons
are shown; which buttons are shown is asked of ``incidents.rules``, the same
rules the workflow enforces:
- only drafts (and versions with changes requested) can be edited; every
  other version opens read-only and a forged POST to it answers 403;
- adding a version creates a new record, through ``workflow.create_record``;
- submit, return to draft and start a revision are POST-only views that call
  the workflow, which checks the user's permission and the state again; a
  user without the permission gets 403, a refusal because of the state is
  shown as a message;
- publishing is a page of its own (publishing.py), for publishers.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline, TranslationTabularInline

from core.rendering import render_markdown
from incidents import rules
from incidents.publishing import review, workflow

from ..models import (
    EDITABLE_STATUSES,
    PUBLIC_STATUSES,
    VERSION_PART_MODELS,
    Action,
    Citation,
    Classification,
    EntityResponse,
    EntityRole,
    ExternalId,
    Harm,
    HazardLink,
    Jurisdiction,
    Kind,
    PolicyRecommendation,
    RecommendationAuthority,
    RecordVersion,
    Status,
)
from . import publishing, redaction
from .display import localized_title, public_pages, refusal_logged_as, report_workflow_error
from .forms import (
    CitationFormSet,
    ClassificationFormSet,
    EntityResponseFormSet,
    EntityRoleFormSet,
    HazardLinkFormSet,
    RecommendationAuthorityFormSet,
    RecordVersionAddForm,
    RecordVersionForm,
    VersionPartForm,
    VersionPartFormSet,
)
from .history import HistoryAdmin, real_changes
from .review import ReviewMixin
from .widgets import TRANSLATION_TABS_JS, LabelledTabularInline, PreloadedModelChoiceField, SafeAutocompleteMixin

# Fields only the workflow writes: an admin save never touches them, so a
# page opened before a status change cannot put the old status back.
WORKFLOW_FIELDS = {"id", "record", "number", "status", "created_by", "created_at", "published_at", "published_by"}
CONTENT_FIELDS = [field.name for field in RecordVersion._meta.concrete_fields if field.name not in WORKFLOW_FIELDS]


def read_only_reason(version):
    """Why a version cannot be edited and what to do instead (None if it can)."""
    if version.status == Status.IN_REVIEW:
        return _(
            "This version is in review, so it is read-only. To edit it, return it to draft: its sign-offs will be void."
        )
    if version.status == Status.APPROVED:
        return _(
            "This version is approved and waits for publication, so it is read-only. To edit it, return it to draft: "
            "its sign-offs will be void and it will need a new review."
        )
    if version.status == Status.PUBLISHED:
        return _(
            "This version is published and is never edited. To change the record, start a revision: "
            "a new draft copied from this version."
        )
    if version.status == Status.SUPERSEDED:
        return _(
            "This version was replaced by a later one and is never edited. To change the record, revise its live version."
        )
    return None


# Inlines ---------------------------------------------------------------------

# Django's stacked and tabular inlines, each form's fieldsets, or each row's
# cells, written in Python (form_rendering.py: a page of 150 parts).
STACKED_TEMPLATE = "admin/incidents/recordversion/stacked.html"
TABULAR_TEMPLATE = "admin/incidents/recordversion/tabular.html"


class VersionPartInline(SafeAutocompleteMixin):
    """An inline of a version's parts: editable only while the version is."""

    form = VersionPartForm
    formset = VersionPartFormSet
    extra = 0
    ordering = ["order", "id"]
    # What the part's name (``__str__``, shown above each row) reads besides
    # the part: loaded with the rows, not once per row.
    name_related = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.select_related(*self.name_related) if self.name_related else queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Read once for the whole formset when it is submitted (forms.py).
        kwargs.setdefault("form_class", PreloadedModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # ``obj`` is the version: its parts are edited exactly when it is.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and rules.may_edit(obj, request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and rules.may_edit(obj, request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and rules.may_edit(obj, request.user)


class HazardLinkInline(LabelledTabularInline, VersionPartInline, admin.TabularInline):
    model = HazardLink
    template = TABULAR_TEMPLATE
    formset = HazardLinkFormSet
    fields = ["hazard", "order"]
    autocomplete_fields = ["hazard"]
    name_related = ["hazard"]
    verbose_name_plural = _("Materialized from (incidents only)")


class HarmInline(VersionPartInline, TranslationStackedInline):
    model = Harm
    template = STACKED_TEMPLATE
    fields = ["description", ("harm_type", "severity"), "affected_group", "order"]
    autocomplete_fields = ["harm_type"]


class CitationInline(VersionPartInline, TranslationStackedInline):
    model = Citation
    template = STACKED_TEMPLATE
    formset = CitationFormSet
    fields = ["source", ("key", "is_primary"), "label", "corroborates", "order"]
    autocomplete_fields = ["source"]


class PolicyRecommendationInline(VersionPartInline, TranslationStackedInline):
    model = PolicyRecommendation
    template = STACKED_TEMPLATE
    fields = ["text", ("authority", "source"), "attribution", "status", "order"]
    autocomplete_fields = ["authority", "source"]


class RecommendationAuthorityInline(LabelledTabularInline, VersionPartInline, admin.TabularInline):
    """Further authorities of a recommendation made jointly: a row per
    authority after the one the recommendation names first."""

    model = RecommendationAuthority
    template = TABULAR_TEMPLATE
    formset = RecommendationAuthorityFormSet
    fields = ["recommendation", "entity", "order"]
    autocomplete_fields = ["entity"]
    name_related = ["entity"]
    verbose_name = _("further authority")
    verbose_name_plural = _("Recommendations made jointly: further authorities")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only this version's recommendations; a new one is offered once saved.
        field = formset.form.base_fields["recommendation"]
        field.queryset = PolicyRecommendation.objects.filter(version=obj).order_by("order", "id")
        field.help_text = _("A recommendation added above can be chosen here once the version is saved.")
        return formset


class EntityRoleInline(LabelledTabularInline, VersionPartInline, TranslationTabularInline):
    model = EntityRole
    template = TABULAR_TEMPLATE
    formset = EntityRoleFormSet
    fields = ["entity", "role", "note", "order"]
    autocomplete_fields = ["entity"]
    name_related = ["entity"]


class EntityResponseInline(VersionPartInline, TranslationStackedInline):
    """Right of reply: what an entity named above answered, in its own words."""

    model = EntityResponse
    template = STACKED_TEMPLATE
    formset = EntityResponseFormSet
    fields = [("entity", "responded_on"), "text", "url", "order"]
    autocomplete_fields = ["entity"]
    verbose_name_plural = _("Responses from entities involved")


class ClassificationInline(LabelledTabularInline, VersionPartInline, admin.TabularInline):
    model = Classification
    template = TABULAR_TEMPLATE
    formset = ClassificationFormSet
    fields = ["term", "order"]
    autocomplete_fields = ["term"]
    name_related = ["term__taxonomy"]


class JurisdictionInline(LabelledTabularInline, VersionPartInline, TranslationTabularInline):
    model = Jurisdiction
    template = TABULAR_TEMPLATE
    fields = ["country", "region", "order"]


class ExternalIdInline(LabelledTabularInline, VersionPartInline, admin.TabularInline):
    model = ExternalId
    template = TABULAR_TEMPLATE
    fields = ["database", "value", "url", "order"]


# The admin -------------------------------------------------------------------


@admin.register(RecordVersion)
class RecordVersionAdmin(ReviewMixin, HistoryAdmin, TabbedTranslationAdmin):
    class Media:
        js = [*TRANSLATION_TABS_JS, "js/editor.js"]

    form = RecordVersionForm
    add_form = RecordVersionAddForm
    change_form_template = "admin/incidents/recordversion/change_form.html"
    object_history_template = "admin/incidents/recordversion/object_history.html"
    inlines = [
        HazardLinkInline,
        HarmInline,
        CitationInline,
        PolicyRecommendationInline,
        RecommendationAuthorityInline,
        EntityRoleInline,
        EntityResponseInline,
        ClassificationInline,
        JurisdictionInline,
        ExternalIdInline,
    ]
    save_on_top = True

    # In the order of the published record page (the seed record).
    fieldsets = [
        (_("Text"), {"fields": ["title", "summary", "narrative"]}),
        (
            _("Record details"),
            {
                "fields": [
                    ("occurred_on", "occurrence_precision", "occurred_until"),
                    "first_reported_on",
                    ("verification_level", "severity"),
                    "ai_system",
                ],
                "description": _(
                    "The key-facts box of the record page. A date range needs the precision “Date range” and an end date."
                ),
            },
        ),
        (
            _("Editorial assessment"),
            {
                "fields": ["editorial_assessment", "assessment_status"],
                "description": _(
                    "Our own analysis, kept apart from reported facts. Its status is shown beside the heading."
                ),
            },
        ),
        (
            _("Section statuses"),
            {
                "fields": [("recommendations_status", "taxonomy_status")],
                "description": _("Whether the policy recommendations and the taxonomy sections have been assessed."),
            },
        ),
        (_("Change note"), {"fields": ["change_note", "published_elsewhere_on"]}),
        (
            _("Duplicate"),
            {
                "fields": ["duplicate_of"],
                "description": _(
                    "Say here that this record is the same incident or hazard as another published record. "
                    "Once this version is reviewed and published, every address of this record leads to that one."
                ),
            },
        ),
    ]
    readonly_fields = ["record_link", "status", "missing_french"]
    autocomplete_fields = ["duplicate_of"]

    list_display = ["version_label", "record_link", "title_display", "record_kind", "status", "updated_at"]
    list_display_links = ["version_label"]
    list_filter = ["status", "record__kind"]
    list_select_related = ["record"]
    search_fields = ["record__public_id", "title_en", "title_fr"]
    actions = ["submit_selected", "return_selected_to_draft"]

    # Form and fields ---------------------------------------------------------

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None:
            return [(_("New record"), {"fields": ["kind"]}), *fieldsets]
        if getattr(request, "_dossier_history_item", False):
            # An old state of the version: its French status today says nothing.
            return [(_("Version"), {"fields": ["record_link", "status"]}), *fieldsets]
        header = ["record_link", "status", "missing_french"]
        if self.has_change_permission(request, obj):
            header.append("edit_token")
        return [(_("Version"), {"fields": header}), *fieldsets]

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is not None and obj.record.kind != Kind.INCIDENT:
            # Only incidents materialize from hazards.
            inlines = [inline for inline in inlines if not isinstance(inline, HazardLinkInline)]
        return inlines

    @admin.display(description=_("record"))
    def record_link(self, obj):
        if not obj.record_id:
            return "–"
        url = reverse("admin:incidents_record_change", args=[obj.record_id])
        return format_html('<a href="{}">{}</a>', url, obj.record.public_id)

    @admin.display(description=_("version"), ordering="number")
    def version_label(self, obj):
        return obj.label

    @admin.display(description=_("title"), ordering="title_en")
    def title_display(self, obj):
        return localized_title(obj)

    @admin.display(description=_("kind"), ordering="record__kind")
    def record_kind(self, obj):
        return obj.record.get_kind_display()

    @admin.display(description=_("French translation"))
    def missing_french(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        missing = obj.missing_french()
        # French that exists but was left behind by an English change is not
        # "complete" either: the editor must see it before submitting.
        stale = review.stale_french(obj)
        if not missing and not stale:
            return gettext("Complete: every text with English has its French.")
        stale_html = render_to_string("admin/incidents/recordversion/_stale_french.html", {"stale": stale})
        if not missing:
            return stale_html
        count = ngettext(
            "%(count)d French text missing:",
            "%(count)d French texts missing:",
            len(missing),
        ) % {"count": len(missing)}
        return format_html(
            '<strong class="missing-french-count">{}</strong><ul class="missing-french">{}</ul>{}',
            count,
            format_html_join("", "<li>{}</li>", ((capfirst(name),) for name in missing)),
            stale_html,
        )

    # Permissions -------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        # In review, approved, published and superseded versions are read-only
        # for everyone: what reviewers signed off is what gets published.
        return rules.may_edit(obj, request.user)

    def has_delete_permission(self, request, obj=None):
        # Versions are never deleted through the admin: published ones must
        # stay citable, and every version is referenced by its workflow events.
        return False

    def has_submit_permission(self, request):
        return rules.has(request.user, rules.SUBMIT_VERSION)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Django turns a POST with "_saveasnew" into an add, whatever the page;
        # this admin has no "save as new", so such a POST is refused.
        if request.method == "POST" and "_saveasnew" in request.POST:
            raise PermissionDenied
        return super().changeform_view(request, object_id, form_url, extra_context)

    # Saving --------------------------------------------------------------------

    def response_change(self, request, obj):
        """ "Save and submit for review": the form is saved first (above), so
        nothing typed is lost, then the workflow decides; a refusal is a
        message on the saved version's page."""
        if "_submit" not in request.POST:
            return super().response_change(request, obj)
        try:
            with refusal_logged_as(request, "submit", obj):
                workflow.submit(obj, by=request.user)
        except workflow.WorkflowError as error:
            messages.success(request, gettext("Your changes are saved."))
            report_workflow_error(request, error)
        else:
            messages.success(
                request,
                gettext("Your changes are saved and %(version)s was submitted for review.")
                % {"version": obj.record.public_id},
            )
        return HttpResponseRedirect(self._change_url(obj))

    def save_model(self, request, obj, form, change):
        if not change:
            # A new version is a new record: the workflow hands out the public
            # id and writes the "created" event. Never create a Record here.
            workflow.create_record(kind=form.cleaned_data["kind"], by=request.user, draft=obj)
            return
        obj._history_user = request.user
        obj.save(update_fields=CONTENT_FIELDS)

    # History -------------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        """The version's own history, then that of its parts (harms, citations…)."""
        version = self.get_object(request, unquote(object_id))
        parts = []
        if version is not None and self.has_view_permission(request, version):
            for model in VERSION_PART_MODELS:
                rows = (
                    model.history.filter(version_id=version.pk).select_related("history_user").order_by("-history_date")
                )
                changes = []
                previous_by_id = {}
                for row in reversed(list(rows)):
                    earlier = previous_by_id.get(row.id)
                    delta = row.diff_against(earlier) if earlier is not None else None
                    changes.append(
                        {
                            "row": row,
                            "changes": [
                                {
                                    "field": model._meta.get_field(change.field).verbose_name,
                                    "old": change.old,
                                    "new": change.new,
                                }
                                for change in (real_changes(delta) if delta else [])
                            ],
                        }
                    )
                    previous_by_id[row.id] = row
                if changes:
                    parts.append({"name": model._meta.verbose_name_plural, "changes": list(reversed(changes))})
        context = {"part_histories": parts, **(extra_context or {})}
        return super().history_view(request, object_id, extra_context=context)

    # Workflow buttons ---------------------------------------------------------

    # The most a preview renders: longer than any text a version holds.
    MARKDOWN_PREVIEW_LIMIT = 100_000

    @method_decorator(require_POST)
    def markdown_preview_view(self, request):
        """A Markdown text as the public page renders it (sanitized HTML), for
        the editor's Preview buttons. Anyone who may see versions in the admin
        may ask; nothing is saved."""
        if not rules.has(request.user, rules.VIEW_VERSION):
            raise PermissionDenied
        text = request.POST.get("text", "")
        if len(text) > self.MARKDOWN_PREVIEW_LIMIT:
            return JsonResponse({"error": gettext("This text is too long to preview.")}, status=400)
        return JsonResponse({"html": str(render_markdown(text))})

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("markdown-preview/", wrap(self.markdown_preview_view), name=f"{prefix}_markdown_preview"),
            path("<path:object_id>/submit/", wrap(self.submit_view), name=f"{prefix}_submit"),
            path(
                "<path:object_id>/return-to-draft/", wrap(self.return_to_draft_view), name=f"{prefix}_return_to_draft"
            ),
            path("<path:object_id>/start-revision/", wrap(self.start_revision_view), name=f"{prefix}_start_revision"),
            path("<path:object_id>/publish/", wrap(self.publish_view), name=f"{prefix}_publish"),
            path("<path:object_id>/redact/", wrap(self.redact_view), name=f"{prefix}_redact"),
            *self.review_urls(),
            *super().get_urls(),
        ]

    def _version_for_action(self, request, object_id):
        version = self.get_object(request, unquote(object_id))
        if version is None:
            raise Http404
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        return version

    def _change_url(self, version):
        return reverse("admin:incidents_recordversion_change", args=[version.pk])

    @method_decorator(require_POST)
    def submit_view(self, request, object_id):
        version = self._version_for_action(request, object_id)
        try:
            with refusal_logged_as(request, "submit", version):
                workflow.submit(version, by=request.user, comment=request.POST.get("comment", ""))
        except workflow.WorkflowError as error:
            report_workflow_error(request, error)
        else:
            messages.success(
                request, gettext("%(version)s was submitted for review.") % {"version": version.record.public_id}
            )
        return HttpResponseRedirect(self._change_url(version))

    @method_decorator(require_POST)
    def return_to_draft_view(self, request, object_id):
        version = self._version_for_action(request, object_id)
        try:
            with refusal_logged_as(request, "return_to_draft", version):
                workflow.return_to_draft(version, by=request.user, comment=request.POST.get("comment", ""))
        except workflow.WorkflowError as error:
            report_workflow_error(request, error)
        else:
            messages.warning(
                request,
                gettext("%(version)s is a draft again; its sign-offs are void and it needs a new review.")
                % {"version": version.record.public_id},
            )
        return HttpResponseRedirect(self._change_url(version))

    @method_decorator(require_POST)
    def start_revision_view(self, request, object_id):
        version = self._version_for_action(request, object_id)
        try:
            with refusal_logged_as(request, "start_revision", version.record):
                draft = workflow.start_revision(
                    version.record, by=request.user, comment=request.POST.get("comment", "")
                )
        except workflow.WorkflowError as error:
            report_workflow_error(request, error)
            return HttpResponseRedirect(self._change_url(version))
        messages.success(
            request,
            gettext("A new draft of %(record)s was started from its published version.")
            % {"record": version.record.public_id},
        )
        return HttpResponseRedirect(self._change_url(draft))

    def publish_view(self, request, object_id):
        return publishing.publish_view(self, request, self._version_for_action(request, object_id))

    def redact_view(self, request, object_id):
        return redaction.request_view(self, request, self._version_for_action(request, object_id))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The words of static/js/editor.js, in the editor's language.
        context["editor_labels"] = {
            "sideBySide": gettext("Show English and French side by side"),
            "preview": gettext("Preview"),
            "empty": gettext("Nothing to preview."),
            "failed": gettext("The preview could not be shown. Try again."),
        }
        if obj is not None:
            context.update(self.workflow_context(request, obj))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def workflow_context(self, request, version):
        """What the page says about the version's state and which buttons it
        shows: exactly the transitions ``incidents.rules`` allows."""
        record = version.record
        open_version = record.open_version() if version.status not in EDITABLE_STATUSES else None
        available = rules.available_transitions(version, request.user)
        # What the reviewer asked for, so the editor sees it where they edit.
        changes_requested = (
            version.events.filter(action=Action.CHANGES_REQUESTED).select_related("actor").first()
            if version.status == Status.CHANGES_REQUESTED
            else None
        )
        return {
            "read_only_reason": read_only_reason(version),
            "changes_requested": changes_requested,
            "open_version": open_version if open_version and open_version.pk != version.pk else None,
            "submission_problems": rules.submission_problems(version) if version.is_editable else [],
            "can_submit": rules.Transition.SUBMIT in available,
            "can_return_to_draft": rules.Transition.RETURN_TO_DRAFT in available,
            "can_publish": rules.Transition.PUBLISH in available,
            "can_start_revision": rules.Transition.START_REVISION in available,
            "can_review": bool(available & set(rules.SIGN_OFF_TRANSITIONS.values())),
            "can_request_redaction": rules.request_redaction_refusal(version, request.user) is None,
            # A published version's permanent pages, where readers see it.
            "public_pages": (
                public_pages("version", record.public_id, version.number)
                if version.status in PUBLIC_STATUSES and not record.is_withdrawn
                else []
            ),
        }

    # Changelist actions ----------------------------------------------------------

    def _run_for_each(self, request, queryset, transition, done_message):
        done = 0
        for version in queryset.select_related("record"):
            # Each transition is its own transaction: one refusal does not
            # undo the others.
            try:
                with refusal_logged_as(request, transition.__name__, version):
                    transition(version, by=request.user)
            except (workflow.WorkflowError, PermissionDenied) as error:
                report_workflow_error(request, error, prefix=str(version))
            else:
                done += 1
        if done:
            messages.success(request, done_message(done))

    @admin.action(description=_("Submit the selected versions for review"), permissions=["submit"])
    def submit_selected(self, request, queryset):
        self._run_for_each(
            request,
            queryset,
            workflow.submit,
            lambda n: (
                ngettext("%(count)d version submitted for review.", "%(count)d versions submitted for review.", n)
                % {"count": n}
            ),
        )

    @admin.action(
        description=_("Return the selected versions to draft (their sign-offs become void)"), permissions=["change"]
    )
    def return_selected_to_draft(self, request, queryset):
        self._run_for_each(
            request,
            queryset,
            workflow.return_to_draft,
            lambda n: (
                ngettext("%(count)d version returned to draft.", "%(count)d versions returned to draft.", n)
                % {"count": n}
            ),
        )
