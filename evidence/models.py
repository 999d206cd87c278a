from django.conf import global_settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import WebURLField
from core.i18n import localized_str

# Django's own catalogue translates these names ("French" -> "français").
LANGUAGE_CHOICES = [(code, _(name)) for code, name in global_settings.LANGUAGES]


class SourceType(models.TextChoices):
    GOVERNMENT_ADVISORY = "government_advisory", _("Government advisory")
    NEWS_REPORT = "news_report", _("News report")
    THREAT_INTELLIGENCE = "threat_intelligence", _("Threat intelligence report")
    COURT_FILING = "court_filing", _("Court filing")
    ACADEMIC_PAPER = "academic_paper", _("Academic paper")
    OTHER = "other", _("Other")


class Source(models.Model):
    """A publication used as evidence (an "evidence report").

    The title is kept as published, in the source's own language (``language``),
    as a bibliography does; the publisher's name is translated, since agencies
    have official names in both languages (RCMP / GRC).
    """

    title = models.CharField(
        _("title"), max_length=500, help_text=_("The title as published, in the source's language.")
    )
    publisher = models.CharField(
        _("publisher"), max_length=300, help_text=_("Organization or outlet that published the source.")
    )
    authors = models.CharField(
        _("authors"), max_length=500, blank=True, help_text=_("Names as credited, separated by semicolons.")
    )
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    url = WebURLField(_("URL"), max_length=1000, blank=True)
    archived_url = WebURLField(
        _("archived URL"),
        max_length=1000,
        blank=True,
        help_text=_("A permanent copy, e.g. in the Internet Archive."),
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES, default="en")
    source_type = models.CharField(_("source type"), max_length=30, choices=SourceType.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-published_on", "title"]
        indexes = [models.Index(fields=["source_type"]), models.Index(fields=["published_on"])]

    def __str__(self):
        year = f", {self.published_on.year}" if self.published_on else ""
        # The publisher in the active language (RCMP / GRC), else the other.
        return f"{self.title} ({localized_str(self, 'publisher')}{year})"
