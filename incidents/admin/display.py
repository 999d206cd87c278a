"""Small display helpers shared by the admin pages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext

from core.i18n import fallback_note, localized


def localized_title(version):
    """A version's title in the admin user's language; a missing French title
    is shown in English, marked as such (never silently)."""
    if version is None:
        return "–"
    value = localized(version, "title")
    if not value.is_fallback:
        return value.text
    return format_html(
        '<span lang="{}">{}</span> <span class="untranslated-note">({})</span>',
        value.lang,
        value.text,
        fallback_note(),
    )


def report_workflow_error(request, error, prefix=""):
    """Show a refused workflow step to the user as admin error messages."""
    if isinstance(error, ValidationError):
        texts = error.messages
    elif isinstance(error, PermissionDenied) and error.args:
        texts = [str(error)]
    else:
        texts = [gettext("You do not have permission to do this.")]
    for text in texts:
        messages.error(request, f"{prefix}: {text}" if prefix else text)
