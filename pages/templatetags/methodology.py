"""The footer's links to the methodology pages, on every public page.

Without a query: every page's footer carries them, including the error
pages, and the pages are never deleted and keep their slugs (pages/models.py).
"""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from pages import defaults

register = template.Library()

LINKS = (
    (defaults.WHAT_WE_RECORD, _("What we record")),
    (defaults.VERIFICATION, _("Verification levels")),
    (defaults.SEVERITY, _("Severity scale")),
    (defaults.REVIEW, _("Review process")),
    (defaults.CORRECTIONS, _("Corrections")),
    (defaults.LICENCE, _("Licence")),
)


@register.simple_tag
def methodology_links():
    """[{"url", "label"}] of the methodology pages, in the active language;
    empty where the public URLs are not served."""
    try:
        return [{"url": reverse("incidents:methodology-page", args=[slug]), "label": label} for slug, label in LINKS]
    except NoReverseMatch:
        return []
