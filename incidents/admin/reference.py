"""
Admins of the shared reference data: sources, entities, taxonomies, terms.

Reference rows are shared by many records, and each version shows them as
its reviewers saw them (incidents/pins.py). So:

- a change to a row goes through ``workflow.change_reference``, which
  restarts the review of every version in review or approved that shows it;
- a row *in public use* (shown by a published or superseded version) may
  only be changed by a publisher (``rules.may_change_reference``); published
  pages keep showing it as reviewed, and the publisher starts new versions of
  the records that show it (``workflow.start_corrections``), reviewed like any
  other change, to carry the correction to readers;
- editors add new rows freely and change rows the public does not see yet.

These admins live in ``incidents`` because knowing "in public use" means
knowing about records; ``evidence`` and ``taxonomy`` import nothing of
``incidents``.
"""

import datetime
import re

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from core.i18n import labelled, localized
from evidence.models import Source
from incidents import rules
from incidents.models import RecordVersion, Status
from incidents.publishing import workflow
from taxonomy.models import Entity, Taxonomy, Term, TermMapping

from .display import refusal_logged_as, report_workflow_error
from .history import HistoryAdmin
from .widgets import TRANSLATION_TABS_JS, LabelledTabularInline, SafeAutocompleteMixin

# The shared rows whose changes go through workflow.change_reference.
REFERENCE_MODELS = (Source, Entity, Term, Taxonomy)
# How many public ids the "used by" line lists before "and N more".
USED_BY_SHOWN = 10


class PublicUseGuard:
    """Refuses changes to a row in public use to anyone but a publisher.

    ``has_change_permission(request, obj)`` False makes the change page
    view-only and makes Django answer 403 to a POST to it.
    """

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and rules.may_change_reference(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and rules.may_change_reference(request.user, obj)


class PublicUseGuardInline(PublicUseGuard):
    """The same rule for rows edited inside a parent: ``obj`` is the parent."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and rules.may_change_reference(request.user, obj)


class ReferenceAdmin(PublicUseGuard, SafeAutocompleteMixin, HistoryAdmin, TabbedTranslationAdmin):
    class Media:
        js = TRANSLATION_TABS_JS

    change_form_template = "admin/incidents/reference_change_form.html"

    @admin.display(description=_("public use"))
    def public_use(self, obj):
        records = list(rules.records_in_public_use(obj)[: USED_BY_SHOWN + 1])
        if not records:
            return gettext("Not shown on any published record yet.")
        count = rules.records_in_public_use(obj).count()
        shown = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:incidents_record_change", args=[record.pk]), record.public_id)
                for record in records[:USED_BY_SHOWN]
            ),
        )
        more = count - min(count, USED_BY_SHOWN)
        text = ngettext("Used by %(count)d published record", "Used by %(count)d published records", count) % {
            "count": count
        }
        # The colon as the language writes it (French: a non-breaking space before).
        line = labelled("{}", "{}")
        if more:
            others = ngettext("and %(count)d more", "and %(count)d more", more) % {"count": more}
            return format_html(line + " {}", text, shown, others)
        return format_html(line, text, shown)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and rules.in_public_use(obj):
            context["public_use_notice"] = (
                _(
                    "Published records show this row as their reviewers saw it: a change reaches them only "
                    "through new versions, reviewed and published. After saving, start them from this page."
                )
                if rules.may_change_public_reference(request.user)
                else _(
                    "Published records show this row: only publishers may change it. "
                    "Ask a publisher, or add a new row instead."
                )
            )
        if obj is not None and obj.pk is not None:
            context["under_review"] = list(
                RecordVersion.objects.filter(status__in=(Status.IN_REVIEW, Status.APPROVED))
                .filter(rules.versions_showing(obj))
                .select_related("record")
                .distinct()
                .order_by("record__kind", "record__number")
            )
            context["to_correct"] = list(rules.records_to_correct(obj))
            context["can_start_corrections"] = rules.corrections_refusal(obj, request.user) is None
            context["start_corrections_url"] = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_start_corrections", args=[obj.pk]
            )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    # Saving: through the workflow, which restarts the reviews it affects -------

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        for version in workflow.change_reference(obj, by=request.user):
            messages.warning(
                request,
                gettext("The review of %(version)s starts again: its reviewers had seen this row before your change.")
                % {"version": version},
            )

    def save_formset(self, request, form, formset, change):
        """Inline rows (the terms of a taxonomy) are saved like the page's own row."""
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for instance in instances:
            if instance.pk is not None and type(instance) in REFERENCE_MODELS:
                self.save_model(request, instance, form, change=True)
            else:
                instance._history_user = request.user
                instance.save()
        formset.save_m2m()

    # Carrying a correction to published records --------------------------------

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_start_corrections"
        return [
            path(
                "<path:object_id>/start-corrections/",
                self.admin_site.admin_view(self.start_corrections_view),
                name=name,
            ),
            *super().get_urls(),
        ]

    @method_decorator(require_POST)
    def start_corrections_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        try:
            with refusal_logged_as(request, "start_corrections", obj):
                drafts = workflow.start_corrections(obj, by=request.user)
        except workflow.WorkflowError as error:
            report_workflow_error(request, error)
            return HttpResponseRedirect(change_url)
        messages.success(
            request,
            ngettext(
                "A new version of %(records)s was started; once reviewed and published, it shows the correction.",
                "New versions of %(records)s were started; once reviewed and published, they show the correction.",
                len(drafts),
            )
            % {"records": ", ".join(draft.record.public_id for draft in drafts)},
        )
        return HttpResponseRedirect(change_url)


class PublicationYearFilter(admin.SimpleListFilter):
    title = _("publication year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        dates = Source.objects.dates("published_on", "year", order="DESC")
        return [(str(date.year), str(date.year)) for date in dates]

    def queryset(self, request, queryset):
        value = self.value()
        # An odd value in the query string shows every source, not an error:
        # only a year a date can hold (1 to 9999) filters, as ASCII digits
        # (isdigit() also takes "²", which int() refuses).
        if value and re.fullmatch("[0-9]{1,4}", value) and int(value) >= datetime.MINYEAR:
            return queryset.filter(published_on__year=int(value))
        return queryset


class SourceLanguageFilter(admin.SimpleListFilter):
    """The languages sources are really in, not the ~100 possible ones."""

    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        names = dict(Source._meta.get_field("language").choices)
        used = Source.objects.order_by("language").values_list("language", flat=True).distinct()
        return [(code, names.get(code, code)) for code in used]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(language=self.value())
        return queryset


@admin.register(Source)
class SourceAdmin(ReferenceAdmin):
    fields = [
        "public_use",
        "title",
        "publisher",
        "authors",
        "published_on",
        "url",
        "archived_url",
        "language",
        "source_type",
    ]
    readonly_fields = ["public_use"]
    list_display = ["title", "publisher_display", "published_on", "source_type", "language"]
    list_filter = ["source_type", SourceLanguageFilter, PublicationYearFilter]
    # Translated columns by name: modeltranslation does not rewrite search fields.
    search_fields = ["title", "publisher_en", "publisher_fr", "authors", "url"]

    @admin.display(description=_("publisher"), ordering="publisher_en")
    def publisher_display(self, obj):
        return localized(obj, "publisher").text


@admin.register(Entity)
class EntityAdmin(ReferenceAdmin):
    fields = ["public_use", "name", "slug", "kind", "description", "url"]
    readonly_fields = ["public_use"]
    prepopulated_fields = {"slug": ["name"]}
    list_display = ["name_display", "slug", "kind"]
    list_filter = ["kind"]
    search_fields = ["slug", "name_en", "name_fr"]

    @admin.display(description=_("name"), ordering="name_en")
    def name_display(self, obj):
        return localized(obj, "name").text


class TermInline(LabelledTabularInline, PublicUseGuardInline, SafeAutocompleteMixin, TranslationTabularInline):
    model = Term
    fields = ["slug", "name", "parent", "order"]
    autocomplete_fields = ["parent"]
    extra = 0
    show_change_link = True


@admin.register(Taxonomy)
class TaxonomyAdmin(ReferenceAdmin):
    fields = ["public_use", "slug", "name", "description", "order"]
    readonly_fields = ["public_use"]
    list_display = ["name_display", "slug", "order"]
    search_fields = ["slug", "name_en", "name_fr"]
    inlines = [TermInline]

    @admin.display(description=_("name"), ordering="name_en")
    def name_display(self, obj):
        return localized(obj, "name").text


class TermMappingInline(LabelledTabularInline, PublicUseGuardInline, admin.TabularInline):
    model = TermMapping
    fields = ["scheme", "code", "label"]
    extra = 0


@admin.register(Term)
class TermAdmin(ReferenceAdmin):
    fields = ["public_use", "taxonomy", "parent", "slug", "name", "description", "order"]
    readonly_fields = ["public_use"]
    autocomplete_fields = ["parent"]
    list_display = ["name_display", "taxonomy", "parent", "slug", "order"]
    list_filter = ["taxonomy"]
    list_select_related = ["taxonomy", "parent"]
    search_fields = ["slug", "name_en", "name_fr"]
    inlines = [TermMappingInline]

    @admin.display(description=_("name"), ordering="name_en")
    def name_display(self, obj):
        return localized(obj, "name").text
