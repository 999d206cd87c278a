"""
Methodology pages: what Dossier counts as an incident or a hazard, its
verification levels and severity scale, its review process, corrections
policy and licence, in English and French.

Publishers write them in the admin (``incidents.rules.EDIT_METHODOLOGY``,
given to the Publishers group by ``incidents/publishing/roles.py``), and a
saved change is public at once: these pages state the house rules, which
publishers answer for, and describe no incident, so they do not go through
the four-eyes review of records. Every save is kept with its author by
django-simple-history (French columns included), and a page is never
deleted: the footer of every page links to each of them by slug.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.i18n import localized_str


class Page(models.Model):
    # Untranslated and fixed once created: URLs and the footer's links name it
    # (a translated unique field also breaks the history table, simple-history #1299).
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(
        _("summary"), max_length=300, blank=True, help_text=_("One sentence, shown in the list of pages.")
    )
    body = models.TextField(_("text"), help_text=_("Markdown: headings, lists, links and emphasis; no HTML."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    TRANSLATED_FIELDS = ("title", "summary", "body")

    class Meta:
        verbose_name = _("methodology page")
        verbose_name_plural = _("methodology pages")
        ordering = ["order", "slug"]

    def __str__(self):
        return localized_str(self, "title", self.slug)
