"""Small display helpers shared by the admin pages."""

import logging
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext

from core.http import client_ip
from core.i18n import LANGUAGE_CODES, fallback_note, labelled, localized
from core.logging import refusal_logged, security_event


def localized_title(version):
    """A version's title in the admin user's language; a title missing in it
    is shown in the other language, marked as such (never silently)."""
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
        messages.error(request, labelled(prefix, text) if prefix else text)


@contextmanager
def refusal_logged_as(request, action, obj):
    """Around a workflow call from an admin view: a refusal (PermissionDenied
    or WorkflowError) is written to the security log as one line, then raised
    on for the view to show; Django does not log the same request's 403 again
    (core.logging.OneLineForbidden), and no traceback is written.

    ``action`` names the step (the workflow function's name), ``obj`` what it
    was asked of (a version, record, redaction or reference row).
    """
    try:
        yield
    except (PermissionDenied, ValidationError) as error:
        forbidden = isinstance(error, PermissionDenied)
        user = request.user
        security_event(
            "workflow.refused",
            logging.WARNING if forbidden else logging.INFO,
            user=user.get_username() or None,
            user_id=user.pk,
            ip=client_ip(request),
            action=action,
            object=f"{obj._meta.label_lower}:{obj.pk}",
            object_repr=str(obj)[:100],
            forbidden=forbidden,
            reason=" ".join(error.messages) if isinstance(error, ValidationError) else (str(error) or "forbidden"),
        )
        refusal_logged(request)
        raise


def public_pages(name, *args) -> list[tuple[str, str]]:
    """[(language code, path)] of the public page ``incidents:<name>`` in
    every language: the admin's links to what readers see."""
    pages = []
    for code in LANGUAGE_CODES:
        with translation.override(code):
            pages.append((code, reverse(f"incidents:{name}", args=args)))
    return pages
