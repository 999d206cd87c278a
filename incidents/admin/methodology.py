"""
The methodology pages (``pages.Page``), in English and French.

Publishers write them (``rules.may_edit_methodology``); a saved change is
public at once, so nobody else may (pages/models.py says why they are not
reviewed like records). Everyone in the admin may read them and their
history. A page is never deleted: the footer of every public page links to
it by its slug, which is fixed once the page exists.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from core.i18n import localized
from pages.models import Page

from .. import rules
from .history import HistoryAdmin
from .widgets import TRANSLATION_TABS_JS


@admin.register(Page)
class PageAdmin(HistoryAdmin, TabbedTranslationAdmin):
    class Media:
        js = TRANSLATION_TABS_JS

    fields = ["slug", "title", "summary", "body", "order"]
    list_display = ["title_display", "slug", "order", "updated_at"]
    search_fields = ["title_en", "title_fr", "body_en", "body_fr"]
    ordering = ["order", "slug"]

    @admin.display(description=_("title"), ordering="title_en")
    def title_display(self, obj):
        return localized(obj, "title").text

    def get_readonly_fields(self, request, obj=None):
        # The footer and every link to the page name its slug.
        return ["slug"] if obj is not None else []

    def has_change_permission(self, request, obj=None):
        return rules.may_edit_methodology(request.user)

    def has_add_permission(self, request):
        return rules.may_add_methodology(request.user)

    def has_delete_permission(self, request, obj=None):
        return False
