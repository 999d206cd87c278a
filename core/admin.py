from django.contrib import admin

from core.models import Preference


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    """Each staff member's e-mail language. The admin's language switcher
    sets one's own (core/views.py); here a superuser sets anyone's, e.g. for
    an account that has never signed in."""

    list_display = ["user", "language"]
    list_filter = ["language"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    autocomplete_fields = ["user"]
