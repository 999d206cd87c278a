"""
The shapes of demo records, so that ``records.py`` reads as plain content.

Entities, sources and terms are named by the slugs and keys of
``reference.py``; records name each other by their demo key.
"""

import datetime
from dataclasses import dataclass, field
from enum import StrEnum

from incidents.models import AssessmentStatus, DatePrecision, Kind, Severity, VerificationLevel

from .text import T

ASSESSED = AssessmentStatus.ASSESSED
NOT_ASSESSED = AssessmentStatus.NOT_ASSESSED


class Stage(StrEnum):
    """How far through the workflow the demo takes a version."""

    DRAFT = "draft"
    IN_REVIEW = "in review"
    ONE_SIGN_OFF = "in review, one sign-off"
    CHANGES_REQUESTED = "changes requested"
    APPROVED = "approved"
    PUBLISHED = "published"


@dataclass(frozen=True)
class HarmSpec:
    description: T
    harm_type: str  # a term slug of the harm-type taxonomy
    severity: int
    affected_group: T


@dataclass(frozen=True)
class CitationSpec:
    source: str  # a SourceSpec key
    key: str  # as cited in the text: [@key]
    label: T
    corroborates: T
    is_primary: bool = False


@dataclass(frozen=True)
class RecommendationSpec:
    text: T
    attribution: T
    authority: str | None = None  # an entity slug
    source: str | None = None  # a SourceSpec key
    further_authorities: tuple[str, ...] = ()  # entity slugs, for a joint recommendation
    status: str = ASSESSED


@dataclass(frozen=True)
class RoleSpec:
    entity: str
    role: str
    note: T = T("")


@dataclass(frozen=True)
class ResponseSpec:
    """An entity's response to the record (right of reply): its own words."""

    entity: str  # the slug of an entity the record names
    responded_on: datetime.date
    text: T
    url: str = ""  # its official statement, if published


@dataclass(frozen=True)
class PlaceSpec:
    country: str
    region: T = T("")


@dataclass(frozen=True)
class Content:
    """Everything in a record's first version."""

    title: T
    summary: T
    narrative: T
    ai_system: T
    verification_level: int = VerificationLevel.UNVERIFIED
    severity: int = Severity.MODERATE
    occurred_on: datetime.date | None = None
    occurred_until: datetime.date | None = None
    occurrence_precision: str = DatePrecision.DAY
    first_reported_on: datetime.date | None = None
    # For a record first published by another monitor: the date it was.
    published_elsewhere_on: datetime.date | None = None
    editorial_assessment: T = T("")
    assessment_status: str = NOT_ASSESSED
    recommendations_status: str = NOT_ASSESSED
    taxonomy_status: str = NOT_ASSESSED
    harms: tuple[HarmSpec, ...] = ()
    citations: tuple[CitationSpec, ...] = ()
    recommendations: tuple[RecommendationSpec, ...] = ()
    entities: tuple[RoleSpec, ...] = ()
    responses: tuple[ResponseSpec, ...] = ()
    classifications: tuple[tuple[str, str], ...] = ()  # (taxonomy slug, term slug)
    jurisdictions: tuple[PlaceSpec, ...] = ()
    materialized_from: tuple[str, ...] = ()  # demo keys of hazard records
    external_ids: tuple[tuple[str, ...], ...] = ()  # (database, identifier) or (database, identifier, link)


@dataclass(frozen=True)
class Revision:
    """An edit of a published record: a new draft, changed as described."""

    editor: str  # a demo username
    # Field of the version -> new text, per language: {"summary_fr": "..."}.
    text_changes: dict[str, str] = field(default_factory=dict)
    # When given, the version's recommendations are edited in place, in order.
    recommendations: tuple[RecommendationSpec, ...] | None = None
    added_harms: tuple[HarmSpec, ...] = ()
    change_note: T = T("")
    published_elsewhere_on: datetime.date | None = None
    stage: Stage = Stage.PUBLISHED


INITIAL_PUBLICATION = T("Initial publication", "Première publication")


@dataclass(frozen=True)
class DemoRecord:
    # Stable name of the record across runs; kept in the history of its first
    # draft (see loader.DEMO_REASON_PREFIX), never shown to readers.
    key: str
    kind: str
    editor: str  # the demo username who writes the first version
    content: Content
    stage: Stage = Stage.PUBLISHED
    change_note: T = INITIAL_PUBLICATION
    # The reviewer's comment when the stage is CHANGES_REQUESTED.
    changes_requested: str = ""
    revisions: tuple[Revision, ...] = ()

    @property
    def is_incident(self):
        return self.kind == Kind.INCIDENT
