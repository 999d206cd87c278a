"""
The reviewers' checklists: the items asked at each neutrality and
factuality sign-off, in English and French.

Publishers (and superusers) add and change them (roles.py); everyone else
in the admin reads them. Items are never deleted, because past sign-offs
answered them: an item no longer wanted is made inactive. Every change is
in the history.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from core.i18n import localized

from ..models import ChecklistItem
from .history import HistoryAdmin
from .widgets import TRANSLATION_TABS_JS


@admin.register(ChecklistItem)
class ChecklistItemAdmin(HistoryAdmin, TabbedTranslationAdmin):
    class Media:
        js = TRANSLATION_TABS_JS

    fields = ["check_type", "text", "order", "active"]
    list_display = ["text_display", "check_type", "order", "active"]
    list_filter = ["check_type", "active"]
    search_fields = ["text_en", "text_fr"]
    ordering = ["check_type", "order", "id"]

    @admin.display(description=_("text"), ordering="text_en")
    def text_display(self, obj):
        return localized(obj, "text").text

    def has_delete_permission(self, request, obj=None):
        # Past sign-offs answered this item: make it inactive instead.
        return False
