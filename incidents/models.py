"""
Records and their versions.

Identity lives apart from content (the grouper/content split of kitsune's
Document/Revision): ``Record`` is the stable public identity (INC-0001) and
points to its live version; ``RecordVersion`` is one reviewed-or-not state of
the content, with its harms, citations, recommendations, entity roles,
classifications and jurisdictions as child rows.

Nothing here changes a version's status or a record's live pointer: that is
``incidents.publishing.workflow``'s job, and only its.
"""

import datetime
import re
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.fields import WebURLField
from core.i18n import labelled, localized, localized_str, missing_translations
from evidence.models import Source
from taxonomy.models import HARM_TYPE, Entity, Term

from .querysets import RecordQuerySet, RecordVersionQuerySet
from .status import EDITABLE_STATUSES, OPEN_STATUSES, PUBLIC_STATUSES, WORKFLOW_CHANGE_REASON, Status


class Kind(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    HAZARD = "hazard", _("Hazard")


PUBLIC_ID_PREFIX = {Kind.INCIDENT: "INC", Kind.HAZARD: "HAZ"}
PUBLIC_ID_RE = re.compile(r"^(INC|HAZ)-(\d{4,})$")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
    RANGE = "range", _("Date range")


class VerificationLevel(models.IntegerChoices):
    UNVERIFIED = 1, _("Unverified claim")
    SINGLE_SOURCE = 2, _("Reported by one credible source")
    CORROBORATED = 3, _("Corroborated by independent sources")
    PRIMARY_CONFIRMED = 4, _("Confirmed by a primary source")
    OFFICIALLY_CONFIRMED = 5, _("Officially confirmed or adjudicated")


class Severity(models.IntegerChoices):
    LOW = 1, _("Low")
    MODERATE = 2, _("Moderate")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class AssessmentStatus(models.TextChoices):
    ASSESSED = "assessed", _("Assessed")
    NOT_ASSESSED = "not_assessed", _("Not assessed")


class Role(models.TextChoices):
    DEVELOPER = "developer", _("Developer")
    DEPLOYER = "deployer", _("Deployer")
    HARMED_PARTY = "harmed_party", _("Harmed party")
    THREAT_ACTOR = "threat_actor", _("Threat actor")
    REPORTING_AUTHORITY = "reporting_authority", _("Reporting authority")
    OTHER = "other", _("Other")


class Check(models.TextChoices):
    NEUTRALITY = "neutrality", _("Neutrality check")
    FACTUALITY = "factuality", _("Factuality check")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REQUEST_CHANGES = "request_changes", _("Request changes")


class PublicIdCounter(models.Model):
    """The last number handed out for each kind of record.

    Public ids are cited by readers: a number is handed out once and never
    again, even if the record that got it is later deleted.
    """

    kind = models.CharField(max_length=20, choices=Kind.choices, primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("public id counter")

    def __str__(self):
        return f"{self.kind}: {self.last_number}"


class Record(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.PositiveIntegerField(_("number"), editable=False)
    public_id = models.CharField(_("public id"), max_length=16, unique=True, editable=False)
    # The version the public sees. Set by workflow.set_live_version() only.
    live_version = models.OneToOneField(
        "RecordVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("live version"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True, editable=False)
    # A duplicate: the record its live version says it duplicates
    # (``RecordVersion.duplicate_of``, reviewed like any change), copied here
    # by workflow.publish() only, with the time of that publication. Its
    # pages answer 301 to the original's
    # (docs/architecture.md, "Duplicates and related records").
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_records",
        verbose_name=_("merged into"),
    )
    merged_at = models.DateTimeField(_("merged on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("record")
        verbose_name_plural = _("records")
        ordering = ["kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="unique_record_number_per_kind"),
            # A withdrawal notice only makes sense for a record the public saw.
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(live_version__isnull=False),
                name="withdrawn_record_was_published",
            ),
            # Merged by a publication, with its date; never into itself;
            # never both merged and withdrawn (rules refuse either on the other).
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True, merged_at__isnull=True)
                | Q(merged_into__isnull=False, merged_at__isnull=False, live_version__isnull=False),
                name="merged_record_has_date_and_was_published",
            ),
            models.CheckConstraint(condition=~Q(merged_into=F("pk")), name="record_not_merged_into_itself"),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(withdrawn_at__isnull=True),
                name="record_not_both_merged_and_withdrawn",
            ),
        ]
        permissions = [("withdraw_record", _("Can withdraw a published record"))]

    def __str__(self):
        return self.public_id

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    @property
    def is_merged(self):
        return self.merged_into_id is not None

    def open_version(self):
        return self.versions.filter(status__in=OPEN_STATUSES).first()

    def next_version_number(self) -> int:
        """The number the record's next published version gets: numbers are
        handed out 1, 2, 3… at publication and never reused."""
        return (self.versions.aggregate(top=Max("number"))["top"] or 0) + 1


citation_key_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    _("Use letters, digits, dots, hyphens and underscores only, e.g. rcmp-2025."),
)


class RecordVersion(models.Model):
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="versions", verbose_name=_("record"))
    number = models.PositiveIntegerField(
        _("version number"), null=True, blank=True, editable=False, help_text=_("Given at publication: v1, v2…")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)

    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(
        _("summary"), help_text=_("One or two sentences: what happened, to whom, by what means.")
    )
    narrative = models.TextField(
        _("narrative"),
        help_text=_("Markdown. Cite sources inline with their key: [@rcmp-2025] or [@rcmp-2025; @bnn-2025]."),
    )
    editorial_assessment = models.TextField(
        _("editorial assessment"),
        blank=True,
        help_text=_("Markdown. Our own analysis, kept apart from reported facts; cite sources as in the narrative."),
    )
    assessment_status = models.CharField(
        _("editorial assessment status"),
        max_length=20,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.NOT_ASSESSED,
    )
    recommendations_status = models.CharField(
        _("policy recommendations status"),
        max_length=20,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.NOT_ASSESSED,
    )
    taxonomy_status = models.CharField(
        _("taxonomy status"), max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.NOT_ASSESSED
    )
    change_note = models.TextField(
        _("change note"),
        blank=True,
        help_text=_("What this version changes, for the public changelog. Required to publish."),
    )
    # A version brought in from another monitor keeps its history there: the
    # changelog shows this date, marked as such, beside the date we published
    # it (``published_at``, always the true time of publication here).
    published_elsewhere_on = models.DateField(
        _("first published elsewhere on"),
        null=True,
        blank=True,
        help_text=_(
            "Only for a version first published by another monitor or database (give it under “In other "
            "databases”): the date it was published there. The changelog shows it, marked as such."
        ),
    )

    # "This record duplicates INC-0001": part of the reviewed content, so
    # marking a duplicate goes through review like any change; publishing
    # the version merges the record into that one (workflow.publish), and
    # publishing a later version without it undoes the merge.
    duplicate_of = models.ForeignKey(
        Record,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicate_versions",
        limit_choices_to=Q(live_version__isnull=False, withdrawn_at__isnull=True, merged_into__isnull=True),
        verbose_name=_("duplicate of"),
        help_text=_(
            "Only when this record is the same incident or hazard as another published record: once this "
            "version is published, its pages lead to that record, which says it was merged."
        ),
    )

    # Record details (the key-facts box).
    occurred_on = models.DateField(_("occurred on"), null=True, blank=True, help_text=_("For a range, its first day."))
    occurred_until = models.DateField(
        _("occurred until"), null=True, blank=True, help_text=_("Last day of a date range.")
    )
    occurrence_precision = models.CharField(
        _("date precision"),
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("How precisely the date of occurrence is known."),
    )
    first_reported_on = models.DateField(_("first reported"), null=True, blank=True)
    verification_level = models.PositiveSmallIntegerField(
        _("verification level"), choices=VerificationLevel.choices, default=VerificationLevel.UNVERIFIED
    )
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices, default=Severity.MODERATE)
    ai_system = models.CharField(
        _("AI system or capability"), max_length=300, blank=True, help_text=_("e.g. “AI-generated video deepfakes”.")
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True, editable=False)
    # The one change a published version may undergo (Redaction): its time
    # is part of the rendered text's cache key and of its pages' validators.
    redacted_at = models.DateTimeField(_("last redacted on"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("published by"),
    )
    # For a version restored from an export (workflow.restore_record): the
    # sign-offs it carried where it was reviewed, [{"check", "signed_at"}].
    # Its reviewers' accounts are not in the export, so no SignOff row can
    # name them; this keeps the fact and the dates of the two checks.
    restored_reviews = models.JSONField(_("sign-offs before restoration"), null=True, blank=True, editable=False)

    objects = RecordVersionQuerySet.as_manager()

    # Translated text fields of the version itself (see translation.py).
    TRANSLATED_FIELDS = ("title", "summary", "narrative", "editorial_assessment", "change_note", "ai_system")

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["record", "-number", "-created_at"]
        get_latest_by = "created_at"
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["published_at"]),
            models.Index(fields=["severity"]),
            models.Index(fields=["verification_level"]),
            models.Index(fields=["occurred_on"]),
            # The latest redactions, for the feeds' entries (bench/README.md).
            models.Index(
                fields=["-redacted_at"], name="incidents_version_redacted", condition=Q(redacted_at__isnull=False)
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=Q(status=Status.PUBLISHED), name="one_published_version_per_record"
            ),
            models.UniqueConstraint(
                fields=["record"], condition=Q(status__in=OPEN_STATUSES), name="one_open_version_per_record"
            ),
            models.UniqueConstraint(fields=["record", "number"], name="unique_version_number_per_record"),
            # Numbers and publication dates belong to published versions only.
            models.CheckConstraint(
                condition=(
                    Q(status__in=PUBLIC_STATUSES, number__isnull=False, published_at__isnull=False)
                    | (~Q(status__in=PUBLIC_STATUSES) & Q(number__isnull=True, published_at__isnull=True))
                ),
                name="version_number_iff_published",
            ),
            models.CheckConstraint(
                condition=Q(occurred_until__isnull=True)
                | Q(occurred_on__isnull=False, occurred_until__gte=F("occurred_on")),
                name="occurrence_range_ends_after_it_starts",
                violation_error_message=_("The end of the date range cannot be before its start."),
            ),
            models.CheckConstraint(
                condition=Q(occurrence_precision=DatePrecision.RANGE, occurred_until__isnull=False)
                | (~Q(occurrence_precision=DatePrecision.RANGE) & Q(occurred_until__isnull=True)),
                name="occurrence_range_iff_range_precision",
                violation_error_message=_("Give an end date exactly when the precision is “Date range”."),
            ),
        ]
        permissions = [
            ("submit_version", _("Can submit a version for review")),
            ("sign_off_version", _("Can sign off a version (neutrality or factuality)")),
            ("publish_version", _("Can publish an approved version")),
        ]

    def __str__(self):
        if self.number:
            return f"{self.record.public_id} v{self.number}"
        return f"{self.record.public_id} ({self.get_status_display().lower()})"

    @property
    def is_editable(self):
        return self.status in EDITABLE_STATUSES

    @property
    def label(self):
        return f"v{self.number}" if self.number else self.get_status_display()

    def localized(self, field, lang=None):
        return localized(self, field, lang)

    def clean(self):
        errors = {}
        if self.occurrence_precision == DatePrecision.RANGE:
            if not self.occurred_on:
                errors["occurred_on"] = _("A date range needs a start date.")
            if not self.occurred_until:
                errors["occurred_until"] = _("A date range needs an end date.")
        elif self.occurred_until:
            errors["occurrence_precision"] = _("Choose “Date range” as the precision to give an end date.")
        if self.occurred_on and self.occurred_until and self.occurred_until < self.occurred_on:
            errors["occurred_until"] = _("The end of the date range cannot be before its start.")
        # A report is a past event (a hazard's dates may lie ahead; its first
        # report cannot). Tomorrow is allowed: a report dated in a time zone
        # ahead of ours may already carry tomorrow's date.
        if self.first_reported_on and self.first_reported_on > timezone.localdate() + datetime.timedelta(days=1):
            errors["first_reported_on"] = _("The first report cannot be dated in the future.")
        if self.published_elsewhere_on and self.published_elsewhere_on > timezone.localdate() + datetime.timedelta(
            days=1
        ):
            errors["published_elsewhere_on"] = _("A publication elsewhere cannot be dated in the future.")
        if errors:
            raise ValidationError(errors)

    # Who may not review this version -------------------------------------

    def contributor_ids(self) -> set[int]:
        """Everyone who created or edited this version or any of its parts,
        or changed, since the version was created, a reference row it shows
        (a source's URL, an entity's name).

        Read from the edit history, which every save writes, so no code path
        can edit a version without its author being known here.
        """
        # Status changes and pins by the workflow are not edits: a reviewer
        # whose decision moved the version is not thereby its author.
        edits = [self.history.filter(id=self.pk).exclude(history_change_reason=WORKFLOW_CHANGE_REASON)]
        for model in VERSION_PART_MODELS:
            edits.append(model.history.filter(version_id=self.pk).exclude(history_change_reason=WORKFLOW_CHANGE_REASON))
        for reference_model, shown in reference_rows_shown(self.pk).items():
            edits.append(reference_model.history.filter(shown, history_date__gte=self.created_at))
        # One query for every history table (a publication asks twice:
        # bench/README.md, "Publishing after related records").
        editors = [found.values_list("history_user_id", flat=True).order_by() for found in edits]
        ids = {self.created_by_id, *editors[0].union(*editors[1:], all=True).order_by()}
        ids.discard(None)
        return ids

    # French completeness -------------------------------------------------

    def missing_french(self) -> list[str]:
        """Human-readable names of the fields, here and in the parts, whose
        English text has no French counterpart yet."""
        missing = [
            str(self._meta.get_field(name).verbose_name) for name in missing_translations(self, self.TRANSLATED_FIELDS)
        ]
        for model in VERSION_PART_MODELS:
            fields = getattr(model, "TRANSLATED_FIELDS", ())
            if not fields:
                continue
            for position, part in enumerate(model.objects.filter(version=self), start=1):
                for name in missing_translations(part, fields):
                    missing.append(
                        labelled(f"{model._meta.verbose_name} {position}", model._meta.get_field(name).verbose_name)
                    )
        return missing


def reviewed_state(model, verbose_name):
    """A part's pin of the shared reference row it shows: the row's history
    record as the version's reviewers saw it (docs/architecture.md,
    "Reviewed means pinned"). Set by the workflow when the version is
    submitted; pages of a version out of draft show the row in that state."""
    return models.ForeignKey(
        model,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=verbose_name,
    )


class VersionPart(models.Model):
    """A child row of a version: copied with it when a revision starts."""

    version = models.ForeignKey(RecordVersion, on_delete=models.CASCADE, verbose_name=_("version"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    TRANSLATED_FIELDS: tuple[str, ...] = ()
    # (the reference row it shows, as a path from the part; the field pinning
    # that row's reviewed state), in the order they are applied.
    PINS: tuple[tuple[str, str], ...] = ()

    class Meta:
        abstract = True
        ordering = ["order", "id"]


class Harm(VersionPart):
    version = models.ForeignKey(
        RecordVersion, on_delete=models.CASCADE, related_name="harms", verbose_name=_("version")
    )
    description = models.TextField(_("description"))
    harm_type = models.ForeignKey(
        Term,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="harms",
        limit_choices_to={"taxonomy__slug": HARM_TYPE},
        verbose_name=_("harm type"),
    )
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices, default=Severity.MODERATE)
    affected_group = models.CharField(_("affected group"), max_length=300, blank=True)
    harm_type_state = reviewed_state("taxonomy.HistoricalTerm", _("harm type as reviewed"))
    harm_type_taxonomy_state = reviewed_state("taxonomy.HistoricalTaxonomy", _("harm type's taxonomy as reviewed"))

    TRANSLATED_FIELDS = ("description", "affected_group")
    PINS = (("harm_type", "harm_type_state"), ("harm_type.taxonomy", "harm_type_taxonomy_state"))

    class Meta(VersionPart.Meta):
        verbose_name = _("harm")
        verbose_name_plural = _("harms")
        # Related records read the harm types of the most recently published
        # versions from this index alone, never the harms' wide rows
        # (incidents/related.py; bench/README.md, "Publishing after related records").
        indexes = [models.Index(fields=["version", "harm_type"], name="incidents_harm_version_type")]

    def __str__(self):
        # The active language's, as every name the admin shows (core.i18n).
        return localized_str(self, "description")[:80]


class Citation(VersionPart):
    version = models.ForeignKey(
        RecordVersion, on_delete=models.CASCADE, related_name="citations", verbose_name=_("version")
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations", verbose_name=_("source"))
    key = models.CharField(
        _("citation key"),
        max_length=60,
        validators=[citation_key_validator],
        help_text=_("Short key used in the text: [@rcmp-2025]."),
    )
    label = models.CharField(
        _("inline label"), max_length=120, help_text=_("What readers see inline, e.g. “RCMP, 2025”.")
    )
    corroborates = models.TextField(
        _("what it corroborates"), help_text=_("Which facts of this record the source supports.")
    )
    is_primary = models.BooleanField(_("primary source"), default=False)
    source_state = reviewed_state("evidence.HistoricalSource", _("source as reviewed"))

    TRANSLATED_FIELDS = ("label", "corroborates")
    PINS = (("source", "source_state"),)

    class Meta(VersionPart.Meta):
        verbose_name = _("citation")
        verbose_name_plural = _("evidence")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "key"],
                name="unique_citation_key_per_version",
                violation_error_message=_("Each citation key may be used once per version."),
            ),
            models.UniqueConstraint(
                fields=["version", "source"],
                name="unique_source_per_version",
                violation_error_message=_("This source is already cited in this version."),
            ),
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(is_primary=True),
                name="one_primary_source_per_version",
                violation_error_message=_("Only one source can be marked primary."),
            ),
        ]

    def __str__(self):
        return f"[@{self.key}]"


class PolicyRecommendation(VersionPart):
    version = models.ForeignKey(
        RecordVersion, on_delete=models.CASCADE, related_name="recommendations", verbose_name=_("version")
    )
    text = models.TextField(_("recommendation"))
    authority = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("recommended by"),
        help_text=_("The authority that makes the recommendation."),
    )
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("source of the recommendation"),
    )
    attribution = models.CharField(
        _("attribution"),
        max_length=300,
        blank=True,
        help_text=_("As shown to readers, e.g. “Joint advisory (July 16, 2025)”."),
    )
    status = models.CharField(
        _("assessment status"), max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.NOT_ASSESSED
    )

    authority_state = reviewed_state("taxonomy.HistoricalEntity", _("authority as reviewed"))
    source_state = reviewed_state("evidence.HistoricalSource", _("source as reviewed"))

    TRANSLATED_FIELDS = ("text", "attribution")
    PINS = (("authority", "authority_state"), ("source", "source_state"))

    class Meta(VersionPart.Meta):
        verbose_name = _("policy recommendation")
        verbose_name_plural = _("policy recommendations")
        constraints = [
            # A recommendation is always someone's: never ours, never anonymous.
            models.CheckConstraint(
                condition=Q(authority__isnull=False) | Q(source__isnull=False),
                name="recommendation_is_attributed",
                violation_error_message=_("Attribute the recommendation to an authority, a source, or both."),
            ),
        ]

    def __str__(self):
        return localized_str(self, "text")[:80]

    def authorities(self) -> list:
        """Every authority the recommendation is attributed to, the first-named
        first. Read from the version's parts: prefetch ``recommendation_authorities``
        with the version's recommendations (``record_page.prefetch_parts``)."""
        further = [
            row.entity for row in self.version.recommendation_authorities.all() if row.recommendation_id == self.pk
        ]
        return ([self.authority] if self.authority_id else []) + further


class RecommendationAuthority(VersionPart):
    """A further authority a policy recommendation is attributed to, after
    the one it names first (``PolicyRecommendation.authority``): a joint
    advisory of five agencies reads "Recommended by the RCMP, Public Safety
    Canada, …" (docs/architecture.md, "Domain").

    A part of the version in its own right (``version``), so that it is
    copied with a revision, pinned at submission, kept in the edit history
    and read by every check of "who edited this version" like the others;
    ``recommendation`` says which of the version's recommendations it
    credits, and must belong to the same version (``clean``; the revision
    copy remaps it, ``workflow._copy_into_draft``)."""

    version = models.ForeignKey(
        RecordVersion, on_delete=models.CASCADE, related_name="recommendation_authorities", verbose_name=_("version")
    )
    recommendation = models.ForeignKey(
        PolicyRecommendation,
        on_delete=models.CASCADE,
        related_name="further_authorities",
        verbose_name=_("recommendation"),
    )
    entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="joint_recommendations", verbose_name=_("authority")
    )
    entity_state = reviewed_state("taxonomy.HistoricalEntity", _("authority as reviewed"))

    PINS = (("entity", "entity_state"),)

    class Meta(VersionPart.Meta):
        verbose_name = _("further authority of a recommendation")
        verbose_name_plural = _("further authorities of recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "entity"],
                name="unique_authority_per_recommendation",
                violation_error_message=_("This authority is already credited with this recommendation."),
            ),
        ]

    def __str__(self):
        return str(self.entity)

    def clean(self):
        super().clean()
        recommendation = self.recommendation if self.recommendation_id else None
        if recommendation is None:
            return
        if self.version_id and recommendation.version_id != self.version_id:
            raise ValidationError({"recommendation": _("Choose a recommendation of this version.")})
        if self.entity_id and recommendation.authority_id == self.entity_id:
            raise ValidationError({"entity": _("This authority is already the recommendation’s first authority.")})


class EntityRole(VersionPart):
    version = models.ForeignKey(
        RecordVersion, on_delete=models.CASCADE, related_name="entity_roles", verbose_name=_("version")
    )
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="roles", verbose_name=_("entity"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    entity_state = reviewed_state("taxonomy.HistoricalEntity", _("entity as reviewed"))

    TRANSLATED_FIELDS = ("note",)
    PINS = (("entity", "entity_state"),)

    class Meta(VersionPart.Meta):
        verbose_name = _("entity involved")
        verbose_name_plural = _("entities involved")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "entity", "role"],
                name="unique_entity_role_per_version",
                violation_error_message=_("This entity already has this role in this version."),
            ),
        ]

    def __str__(self):
        return f"{self.entity} ({self.get_role_display()})"


class EntityResponse(VersionPart):
    """Right of reply: an entity named in the record answers it.

    An editor records the response as the entity gave it (its text in both
    languages, its date, the link to the official statement), on a version,
    so that it is reviewed like any change before readers see it. Reviewers
    check that it is recorded faithfully, not that what it says is true: the
    record page shows it in its own section as the entity's own words.

    Only an entity the version names (an ``EntityRole`` of the same version)
    may answer it: ``clean`` checks it, the version editor checks it against
    the roles submitted with it (``EntityRoleFormSet``), and a version whose
    responses name an entity it does not cannot be submitted
    (``rules.submission_problems``).
    """

    version = models.ForeignKey(
        RecordVersion, on_delete=models.CASCADE, related_name="responses", verbose_name=_("version")
    )
    entity = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("responding entity"),
        help_text=_("One of the entities involved named in this version."),
    )
    # Markdown, rendered through core.rendering; the entity's words, so no
    # inline citation of our evidence in it.
    text = models.TextField(
        _("response"),
        help_text=_("The entity’s own words, as it gave them (Markdown). Quote it; do not summarize or correct it."),
    )
    responded_on = models.DateField(_("date of the response"))
    url = WebURLField(
        _("official statement"),
        max_length=1000,
        blank=True,
        help_text=_("The address where the entity published its response, if it did."),
    )
    entity_state = reviewed_state("taxonomy.HistoricalEntity", _("responding entity as reviewed"))

    TRANSLATED_FIELDS = ("text",)
    PINS = (("entity", "entity_state"),)

    class Meta(VersionPart.Meta):
        verbose_name = _("response from an entity")
        verbose_name_plural = _("responses from entities")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "entity", "responded_on"],
                name="unique_entity_response_per_day",
                violation_error_message=_("This entity already has a response of this date in this version."),
            ),
        ]

    def __str__(self):
        return f"{self.entity} ({self.responded_on.isoformat() if self.responded_on else '–'})"

    def named_entity_ids(self) -> set[int] | None:
        """The entities the version names, as the version editor is about to
        save them (``EntityRoleFormSet`` leaves them on the version) or as
        stored; None while the version does not exist yet and no form said."""
        version = self.version if _has_version(self) else None
        pending = getattr(version, "_pending_entity_ids", None)
        if pending is not None:
            return pending
        if not self.version_id:
            return None
        return set(EntityRole.objects.filter(version_id=self.version_id).values_list("entity_id", flat=True))

    def clean(self):
        super().clean()
        errors = {}
        named = self.named_entity_ids() if self.entity_id else None
        if named is not None and self.entity_id not in named:
            errors["entity"] = _(
                "Only an entity named in this version can respond: add it under “Entities involved” first."
            )
        # The date a response was given; an entity's statement a day ahead
        # of ours (time zones) may carry tomorrow's date.
        if self.responded_on and self.responded_on > timezone.localdate() + datetime.timedelta(days=1):
            errors["responded_on"] = _("A response cannot be dated in the future.")
        if errors:
            raise ValidationError(errors)


def _has_version(part) -> bool:
    # Whether the part holds its version object (the version editor gives
    # it, saved or not), rather than only its id.
    return part._meta.get_field("version").is_cached(part)


class Classification(VersionPart):
    version = models.ForeignKey(
        RecordVersion, on_delete=models.CASCADE, related_name="classifications", verbose_name=_("version")
    )
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="classifications", verbose_name=_("term"))
    term_state = reviewed_state("taxonomy.HistoricalTerm", _("term as reviewed"))
    # The record page groups terms under their taxonomy's name: pinned too.
    taxonomy_state = reviewed_state("taxonomy.HistoricalTaxonomy", _("taxonomy as reviewed"))

    PINS = (("term", "term_state"), ("term.taxonomy", "taxonomy_state"))

    class Meta(VersionPart.Meta):
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "term"],
                name="unique_term_per_version",
                violation_error_message=_("This term is already assigned to this version."),
            ),
        ]

    def __str__(self):
        return str(self.term)


class Jurisdiction(VersionPart):
    version = models.ForeignKey(
        RecordVersion, on_delete=models.CASCADE, related_name="jurisdictions", verbose_name=_("version")
    )
    country = CountryField(_("country"))
    region = models.CharField(
        _("region"),
        max_length=200,
        blank=True,
        help_text=_("Province, state or region, if the record concerns only part of the country."),
    )

    TRANSLATED_FIELDS = ("region",)

    class Meta(VersionPart.Meta):
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        # The public list filters records by country.
        indexes = [models.Index(fields=["country"], name="incidents_jurisdiction_country")]

    def __str__(self):
        region = localized_str(self, "region")
        return f"{self.country.name} – {region}" if region else str(self.country.name)


class HazardLink(VersionPart):
    """ "Materialized from": an incident's link to a hazard it realised.

    Part of the version, not of the record's identity, so that adding or
    removing a link is reviewed like any other change before readers see it.
    """

    version = models.ForeignKey(
        RecordVersion, on_delete=models.CASCADE, related_name="hazard_links", verbose_name=_("version")
    )
    hazard = models.ForeignKey(
        Record,
        on_delete=models.PROTECT,
        related_name="materializations",
        limit_choices_to={"kind": Kind.HAZARD},
        verbose_name=_("hazard"),
    )

    class Meta(VersionPart.Meta):
        verbose_name = _("materialized from")
        verbose_name_plural = _("materialized from")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "hazard"],
                name="unique_hazard_link_per_version",
                violation_error_message=_("This hazard is already linked."),
            ),
        ]

    def __str__(self):
        return str(self.hazard)

    def clean(self):
        if self.hazard_id and self.hazard.kind != Kind.HAZARD:
            raise ValidationError({"hazard": _("An incident can only materialize from a hazard.")})
        if self.version_id and self.version.record.kind != Kind.INCIDENT:
            raise ValidationError({"hazard": _("Only incidents materialize from hazards.")})


class ExternalDatabase(models.TextChoices):
    """Other incident databases a record can be the same incident as."""

    AIID = "aiid", _("AI Incident Database")
    OECD_AIM = "oecd_aim", _("OECD AI Incidents Monitor")
    AIAAIC = "aiaaic", _("AIAAIC Repository")
    CAIM = "caim", _("Canadian AI Incident Monitor")


# Where an id's page is when the database has a stable address for it; the
# others (AIAAIC and CAIM pages carry a slug) need the link given.
EXTERNAL_ID_URLS = {
    ExternalDatabase.AIID: "https://incidentdatabase.ai/cite/{value}/",
    ExternalDatabase.OECD_AIM: "https://oecd.ai/en/incidents/{value}",
}


class ExternalId(VersionPart):
    """The same incident in another database ("AIID 1234"), with its link.

    Part of the version, like "materialized from": saying that a record is
    the same incident as another database's is a claim reviewed before
    readers see it, and the importers find a record again by it.
    """

    version = models.ForeignKey(
        RecordVersion, on_delete=models.CASCADE, related_name="external_ids", verbose_name=_("version")
    )
    database = models.CharField(_("database"), max_length=20, choices=ExternalDatabase.choices)
    value = models.CharField(
        _("identifier"),
        max_length=100,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9._:-]*$",
                _("Enter the identifier as the other database writes it: letters, digits, and . _ : -"),
            )
        ],
    )
    url = WebURLField(
        _("link"),
        max_length=1000,
        blank=True,
        help_text=_("Filled in for the AI Incident Database and the OECD monitor when left empty."),
    )

    class Meta(VersionPart.Meta):
        verbose_name = _("external identifier")
        verbose_name_plural = _("external identifiers")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "database", "value"],
                name="unique_external_id_per_version",
                violation_error_message=_("This identifier is already given."),
            ),
        ]
        # The importers find a record by (database, value); the list filters by database.
        indexes = [models.Index(fields=["database", "value"], name="incidents_external_id_lookup")]

    def __str__(self):
        return f"{self.get_database_display()} {self.value}"

    def save(self, *args, **kwargs):
        if not self.url and self.database in EXTERNAL_ID_URLS and self.value:
            self.url = EXTERNAL_ID_URLS[self.database].format(value=self.value)
        super().save(*args, **kwargs)


# The parts a version owns, in the order the record page shows them.
VERSION_PART_MODELS = (
    HazardLink,
    Harm,
    Citation,
    PolicyRecommendation,
    RecommendationAuthority,
    EntityRole,
    EntityResponse,
    Classification,
    Jurisdiction,
    ExternalId,
)


class SignOff(models.Model):
    """A reviewer's decision on one check of one version.

    Sign-offs count only while the version stays in review: sending it back
    for edits voids them (``voided_at``), and a fresh review starts over.
    """

    version = models.ForeignKey(
        RecordVersion, on_delete=models.CASCADE, related_name="sign_offs", verbose_name=_("version")
    )
    check_type = models.CharField(_("check"), max_length=20, choices=Check.choices)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("signed on"), auto_now_add=True)
    voided_at = models.DateTimeField(_("voided on"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "check_type"],
                condition=Q(voided_at__isnull=True),
                name="one_active_sign_off_per_check",
            ),
        ]

    def __str__(self):
        return labelled(self.version, f"{self.get_check_type_display()} – {self.get_decision_display()}")


class Action(models.TextChoices):
    CREATED = "created", _("Created")
    REVISION_STARTED = "revision_started", _("Revision started")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED_TO_DRAFT = "returned_to_draft", _("Returned to draft")
    SIGNED_OFF = "signed_off", _("Signed off")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # Reference data the version shows changed while it was in review or
    # approved: its sign-offs are void and a new review round starts.
    REVIEW_RESTARTED = "review_restarted", _("Review restarted (reference data changed)")
    REDACTION_REQUESTED = "redaction_requested", _("Redaction requested")
    REDACTED = "redacted", _("Redacted")
    REDACTION_DECLINED = "redaction_declined", _("Redaction declined")
    # A published version recreated from our own export (workflow.restore_record).
    RESTORED = "restored", _("Restored from an export")


# Each of these starts a review round: the sign-offs of a round are those
# given after it started.
ROUND_STARTS = (Action.SUBMITTED, Action.REVIEW_RESTARTED)


class WorkflowEvent(models.Model):
    """The audit trail of intent: who moved which version from what to what.

    Written by incidents.publishing.workflow in the same transaction as the change it
    records; never edited afterwards.
    """

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="events", verbose_name=_("record"))
    version = models.ForeignKey(
        RecordVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="events", verbose_name=_("version")
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow events")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.record} {self.get_action_display()} ({self.actor})"


class ChecklistItem(models.Model):
    """One question a reviewer answers before deciding on a check.

    Configurable by publishers (roles.py). An item that is no longer wanted
    is made inactive, not deleted: past sign-offs answered it.
    """

    check_type = models.CharField(_("check"), max_length=20, choices=Check.choices)
    text = models.CharField(_("text"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True, help_text=_("Only active items are asked at sign-off."))

    TRANSLATED_FIELDS = ("text",)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["check_type", "order", "id"]

    def __str__(self):
        return labelled(self.get_check_type_display(), localized_str(self, "text"))


class SignOffAnswer(models.Model):
    """A reviewer's answer to one checklist item, kept with the sign-off.

    ``item_text`` is the item as the reviewer read it (in ``item_language``)
    when deciding: an item's wording may change later, the answer may not.
    """

    sign_off = models.ForeignKey(SignOff, on_delete=models.CASCADE, related_name="answers", verbose_name=_("sign-off"))
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="answers", verbose_name=_("checklist item")
    )
    item_text = models.CharField(_("item as the reviewer read it"), max_length=300)
    item_language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    ticked = models.BooleanField(_("ticked"), default=False)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        ordering = ["sign_off", "item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["sign_off", "item"], name="one_answer_per_item_per_sign_off"),
        ]

    def __str__(self):
        return labelled(self.sign_off, f"{self.item_text} ({'✓' if self.ticked else '✗'})")


@dataclass(frozen=True)
class PinnedReference:
    """One reference row a kind of part shows, and the field pinning its state."""

    part_model: type
    path: str  # from the part: "source", "term.taxonomy"
    state_field: str  # "source_state", "taxonomy_state"
    target: type  # Source, Taxonomy
    lookup: str  # the row's id from the part, for queries: "source_id", "term__taxonomy_id"


@cache
def pinned_references() -> tuple[PinnedReference, ...]:
    """Every reference row a part shows, with the field pinning it (read
    when first asked: the related models are known once all apps are loaded)."""
    found = []
    for part_model in VERSION_PART_MODELS:
        for path, state_field in part_model.PINS:
            model, steps = part_model, []
            for step in path.split("."):
                relation = model._meta.get_field(step)
                steps.append(relation.name)
                model = relation.related_model
            found.append(PinnedReference(part_model, path, state_field, model, "__".join(steps) + "_id"))
    return tuple(found)


def reference_rows_shown(version) -> dict:
    """{reference model: a condition on its rows (a ``Q``): shown by the
    parts of ``version`` (a pk, or an ``OuterRef`` to one)}: a source cited,
    an entity involved, a term and its taxonomy."""
    shown = {}
    for pinned in pinned_references():
        condition = Q(id__in=pinned.part_model.objects.filter(version_id=version).values(pinned.lookup))
        shown[pinned.target] = shown[pinned.target] | condition if pinned.target in shown else condition
    return shown


class RedactionReason(models.TextChoices):
    PERSONAL_DATA = "personal_data", _("personal data")
    LEGAL = "legal", _("legal reasons")
    SAFETY = "safety", _("safety")


class RedactionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPLIED = "applied", _("Applied")
    DECLINED = "declined", _("Declined")


class Redaction(models.Model):
    """The removal of a passage from a published version: the one change a
    published version may undergo (docs/architecture.md, "Redaction").

    A publisher requests it; a second person (a reviewer or another
    publisher) applies or declines it, through the workflow. Once applied,
    the passage is erased from the database, and this row keeps who, when,
    why and a hash of the passage: never the passage itself.
    """

    version = models.ForeignKey(
        RecordVersion, on_delete=models.PROTECT, related_name="redactions", verbose_name=_("version")
    )
    field = models.CharField(_("field"), max_length=100, help_text=_("Where the passage is, e.g. “narrative”."))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    # Kept only until the request is decided; then emptied (see passage_hash).
    passage = models.TextField(_("passage"), blank=True)
    passage_hash = models.CharField(_("SHA-256 of the passage"), max_length=64, editable=False)
    reason = models.CharField(_("reason"), max_length=20, choices=RedactionReason.choices)
    explanation = models.TextField(
        _("explanation for the second person"),
        blank=True,
        help_text=_("Not public. Say why this passage must go; do not repeat it."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RedactionStatus.choices, default=RedactionStatus.REQUESTED, editable=False
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested on"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    # Rows where the passage was found and erased, for the audit (no text).
    erased_rows = models.PositiveIntegerField(_("rows erased"), default=0)

    class Meta:
        verbose_name = _("redaction")
        verbose_name_plural = _("redactions")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # Two people: whoever requested a redaction does not decide it.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="redaction_decided_by_a_second_person",
            ),
            # A decided redaction keeps no passage.
            models.CheckConstraint(
                condition=Q(status=RedactionStatus.REQUESTED) | Q(passage=""),
                name="decided_redaction_keeps_no_passage",
            ),
        ]
        permissions = [
            ("request_redaction", _("Can request the redaction of a published passage")),
            ("decide_redaction", _("Can apply or decline a redaction requested by someone else")),
        ]

    def __str__(self):
        return labelled(self.version, f"{self.get_reason_display()} ({self.get_status_display()})")


class RelatedRecord(models.Model):
    """One of a published record's related records, with why (computed when
    a version is published, withdrawn or merged: incidents/related.py, never
    per request).

    Derived data, rewritten whole for a record whenever it may change, so it
    keeps no history. The reasons are counts, worded in the reader's
    language when shown (``related.reasons``). Readers see only rows whose
    related record is published (``record_page.neighbours``), so a row left
    behind by a later withdrawal could never show one.
    """

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="related_rows", verbose_name=_("record"))
    related = models.ForeignKey(
        Record, on_delete=models.CASCADE, related_name="related_to_rows", verbose_name=_("related record")
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.PositiveIntegerField(_("score"))
    shared_entities = models.PositiveSmallIntegerField(_("entities in common"), default=0)
    shared_harm_types = models.PositiveSmallIntegerField(_("harm types in common"), default=0)
    shared_sectors = models.PositiveSmallIntegerField(_("sectors in common"), default=0)
    shared_countries = models.PositiveSmallIntegerField(_("countries in common"), default=0)

    class Meta:
        verbose_name = _("related record")
        verbose_name_plural = _("related records")
        ordering = ["record", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["record", "related"], name="unique_related_record"),
            models.UniqueConstraint(fields=["record", "rank"], name="unique_related_record_rank"),
            models.CheckConstraint(condition=~Q(related=F("record")), name="record_not_related_to_itself"),
            models.CheckConstraint(condition=Q(rank__gte=1, rank__lte=5), name="at_most_five_related_records"),
        ]

    def __str__(self):
        return f"{self.record_id} → {self.related_id} ({self.rank})"


class ListEntry(models.Model):
    """One row per live version (the published version of a record that is
    not withdrawn): what the public list filters, sorts and counts by,
    without joining versions, records and five part tables at every request
    (bench/README.md, "List and search at scale").

    Derived data, written only by ``incidents.publishing.workflow``
    (``refresh_list_entries``) in the transaction of each event that changes
    the live versions (publication, withdrawal, redaction, restore, a
    change to a term), and by the bench generator. The record is unique:
    a record has at most one entry, so a superseded version cannot stay
    listed beside its successor.

    On PostgreSQL, migration 0014_list_entries adds columns the model does
    not declare (like the search columns of 0002): the facet values as
    arrays (``countries``, ``entity_ids``, ``term_ids`` with every broader
    term, ``databases``) and one search document per language
    (``search_en``, ``search_fr``: the version's document and its harms'),
    with GIN indexes, so that a search, its filters and every facet count
    are read from this one table. SQLite has only the declared columns.
    """

    version = models.OneToOneField(
        RecordVersion, on_delete=models.CASCADE, primary_key=True, related_name="list_entry", editable=False
    )
    record = models.OneToOneField(Record, on_delete=models.CASCADE, related_name="list_entry", editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, editable=False)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, editable=False)
    verification_level = models.PositiveSmallIntegerField(choices=VerificationLevel.choices, editable=False)
    occurred_on = models.DateField(null=True, editable=False)
    occurred_until = models.DateField(null=True, editable=False)
    published_at = models.DateTimeField(editable=False)
    # When the record's v1 was published: the default order ("newest").
    first_published_at = models.DateTimeField(editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["-first_published_at", "-version"], name="incidents_listentry_newest"),
            models.Index(fields=["-published_at", "-version"], name="incidents_listentry_updated"),
        ]

    def __str__(self):
        return f"{self.record_id}/{self.version_id}"
