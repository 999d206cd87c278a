from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import WebURLField
from core.i18n import localized_str

# Slugs of the taxonomies the record model relies on by name.
HARM_TYPE = "harm-type"
SECTOR = "sector"
AI_CAPABILITY = "ai-capability"
LIFECYCLE_STAGE = "lifecycle-stage"


class Taxonomy(models.Model):
    """A controlled vocabulary: harm type, sector, AI capability, lifecycle stage…"""

    # Slugs are untranslated: a translated unique field breaks the history
    # table (simple-history #1299), and URLs must not change with language.
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")
        ordering = ["order", "slug"]

    def __str__(self):
        # In the active language: the admin's selects, lists and history name
        # rows this way, and a French page must not show English names.
        return localized_str(self, "name", self.slug)


class Term(models.Model):
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.PROTECT, related_name="terms", verbose_name=_("taxonomy"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent term"),
        help_text=_("Leave empty for a top-level term. The parent must be in the same taxonomy."),
    )
    slug = models.SlugField(_("slug"), max_length=120)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["taxonomy__order", "order", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "slug"], name="unique_term_slug_per_taxonomy"),
            models.CheckConstraint(condition=~models.Q(parent=models.F("id")), name="term_not_its_own_parent"),
        ]

    def __str__(self):
        return f"{self.taxonomy} › {localized_str(self, 'name', self.slug)}"

    def ancestors(self):
        """Parents from the top down (a cycle stops the walk)."""
        chain, seen, node = [], {self.pk}, self.parent
        while node is not None and node.pk not in seen:
            chain.insert(0, node)
            seen.add(node.pk)
            node = node.parent
        return chain

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent.taxonomy_id != self.taxonomy_id:
            raise ValidationError({"parent": _("The parent term must belong to the same taxonomy.")})
        node, seen = self.parent, set()
        while node is not None:
            if node.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A term cannot be nested under itself or one of its own children.")})
            if node.pk in seen:
                break
            seen.add(node.pk)
            node = node.parent


class MappingScheme(models.TextChoices):
    OECD = "oecd", _("OECD AI Incidents Monitor")
    AIID = "aiid", _("AI Incident Database (CSET)")
    MIT = "mit", _("MIT AI Risk Repository")
    OTHER = "other", _("Other")


class TermMapping(models.Model):
    """The code of an equivalent category in an external classification."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="mappings", verbose_name=_("term"))
    scheme = models.CharField(_("scheme"), max_length=20, choices=MappingScheme.choices)
    code = models.CharField(
        _("code"),
        max_length=120,
        help_text=_("e.g. 4.3 for the MIT subdomain “Fraud, scams, and targeted manipulation”."),
    )
    label = models.CharField(_("label"), max_length=300, blank=True, help_text=_("The external category's own name."))

    class Meta:
        verbose_name = _("external mapping")
        verbose_name_plural = _("external mappings")
        ordering = ["scheme", "code"]
        constraints = [
            models.UniqueConstraint(fields=["term", "scheme", "code"], name="unique_mapping_per_term"),
        ]

    def __str__(self):
        return f"{self.get_scheme_display()} {self.code}"


class EntityKind(models.TextChoices):
    ORGANIZATION = "organization", _("Organization")
    GOVERNMENT = "government", _("Government body")
    GROUP = "group", _("Group")
    PERSON = "person", _("Person")
    OTHER = "other", _("Other")


class Entity(models.Model):
    """An organization, agency, group or person involved in records."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=EntityKind.choices, default=EntityKind.ORGANIZATION)
    description = models.TextField(_("description"), blank=True)
    url = WebURLField(_("website"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        ordering = ["slug"]

    def __str__(self):
        return localized_str(self, "name", self.slug)
