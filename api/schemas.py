"""The shapes of the API's answers, as the OpenAPI description states them.

django-ninja validates every answer against these before sending it, so the
description (``/api/v1/openapi.json``) cannot drift from what is served.
The data itself is built by ``api.data``.
"""

import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field


class Languages(Schema):
    """A name or label in each language (English standing in for a missing French name)."""

    en: str
    fr: str


class Text(Schema):
    text: str = Field(description="Markdown, with inline citations as [@key].")
    status: Literal["complete", "missing", "stale"] = Field(
        description="missing: empty (readers are shown the English); stale: the English changed in this "
        "version while this text stayed as it was."
    )


class Texts(Schema):
    en: Text
    fr: Text


class Choice(Schema):
    value: int | str
    label: Languages


class Pages(Schema):
    """The public web page in each language."""

    en: str
    fr: str


class Occurrence(Schema):
    on: datetime.date | None
    until: datetime.date | None
    precision: str = Field(description="day, month, year or approximate")


class Licence(Schema):
    name: str
    url: str


class Credit(Schema):
    name: str
    url: str
    licence: Licence


class Taxonomy(Schema):
    slug: str
    name: Languages


class Code(Schema):
    scheme: str = Field(description="oecd, aiid (CSET), mit or other")
    code: str
    label: str


class Term(Schema):
    slug: str
    name: Languages
    taxonomy: Taxonomy
    codes: list[Code]
    pages: Pages


class Entity(Schema):
    slug: str
    name: Languages
    kind: str
    website: str | None
    pages: Pages


class Source(Schema):
    id: int
    title: str = Field(description="In the source's own language.")
    language: str
    publisher: Languages
    authors: str
    published_on: datetime.date | None
    url: str | None
    archived_url: str | None
    source_type: str
    pages: Pages


class Harm(Schema):
    description: Texts
    harm_type: Term | None
    severity: Choice
    affected_group: Texts


class Citation(Schema):
    key: str
    label: Texts
    corroborates: Texts
    is_primary: bool
    source: Source


class Recommendation(Schema):
    text: Texts
    authority: Entity | None
    authorities: list[Entity]
    source: Source | None
    attribution: Texts
    status: str


class EntityRole(Schema):
    entity: Entity
    role: Choice
    note: Texts


class EntityResponse(Schema):
    entity: Entity
    text: Texts = Field(description="The entity's own words (Markdown), recorded faithfully, not checked for accuracy.")
    date: datetime.date = Field(description="The date of the response.")
    url: str | None = Field(description="The entity's official statement, if it published one.")


class Jurisdiction(Schema):
    country: str = Field(description="ISO 3166-1 alpha-2")
    name: Languages
    region: Texts


class LinkedRecord(Schema):
    id: str
    title: Texts
    api_url: str
    pages: Pages


class SharedCounts(Schema):
    entities: int
    harm_types: int
    sectors: int
    countries: int


class RelatedRecord(LinkedRecord):
    shared: SharedCounts = Field(description="How many entities, harm types, sectors and countries both records show.")
    reasons: dict[str, list[str]] = Field(description="Why, in each language: “shares 3 entities”.")


class ExternalId(Schema):
    database: Literal["aiid", "oecd_aim", "aiaaic", "caim"]
    name: Languages
    id: str
    url: str | None


class ChangelogEntry(Schema):
    version: int
    date: datetime.datetime
    published_elsewhere_on: datetime.date | None = Field(
        description="For a version first published by another monitor: the date it was published there."
    )
    change: Texts | None = Field(description="The change note of a publication; null for a redaction.")
    redaction: Choice | None = Field(description="The reason of a redaction; null for a publication.")


class Record(Schema):
    id: str
    kind: Literal["incident", "hazard"]
    version: int
    is_live: bool
    latest_version: int
    published_at: datetime.datetime
    published_elsewhere_on: datetime.date | None = Field(
        description="For a version first published by another monitor: the date it was published there."
    )
    first_published_at: datetime.datetime
    redacted_at: datetime.datetime | None
    title: Texts
    summary: Texts
    narrative: Texts
    editorial_assessment: Texts
    change_note: Texts
    ai_system: Texts
    occurred: Occurrence
    first_reported_on: datetime.date | None
    severity: Choice
    verification_level: Choice
    assessment_status: str
    recommendations_status: str
    taxonomy_status: str
    harms: list[Harm]
    citations: list[Citation]
    recommendations: list[Recommendation]
    entities: list[EntityRole]
    responses: list[EntityResponse] = Field(description="Responses from entities the record names (right of reply).")
    classifications: list[Term]
    jurisdictions: list[Jurisdiction]
    materialized_from: list[LinkedRecord]
    external_ids: list[ExternalId]
    changelog: list[ChangelogEntry]
    related: list[RelatedRecord] = Field(
        default_factory=list,
        description="Up to five related published records, best first, computed when versions are published "
        "(the record page's list). In the API only, not in the export.",
    )
    permalinks: Pages = Field(description="This version's permanent page, in each language.")
    pages: Pages = Field(description="The record's page (its current version), in each language.")
    licence: Licence
    credits: list[Credit]


class RecordSummary(Schema):
    id: str
    kind: Literal["incident", "hazard"]
    version: int
    title: Texts
    summary: Texts
    published_at: datetime.datetime
    occurred: Occurrence
    severity: Choice
    verification_level: Choice
    api_url: str
    pages: Pages


class Version(Schema):
    version: int
    published_at: datetime.datetime
    redacted_at: datetime.datetime | None
    is_live: bool
    change: Texts
    api_url: str
    permalinks: Pages


class RecordList(Schema):
    count: int
    next: str | None = Field(description="The next page, or null on the last one.")
    previous: str | None
    results: list[RecordSummary]


class EntityList(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[Entity]


class SourceList(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[Source]


class TermNode(Schema):
    slug: str
    name: Languages
    codes: list[Code]
    pages: Pages
    children: list["TermNode"]


class TaxonomyTree(Schema):
    slug: str
    name: Languages
    terms: list[TermNode]


class Count(Schema):
    value: int | str | None
    label: Languages
    count: int


class Statistics(Schema):
    total: int
    year: list[Count] = Field(description="By year of occurrence; value null: date unknown.")
    kind: list[Count]
    harm_type: list[Count]
    sector: list[Count]
    jurisdiction: list[Count]
    severity: list[Count]
    verification_level: list[Count]


class Error(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict, description="Messages by parameter.")


class Merged(Schema):
    detail: str
    id: str
    merged_into: str
    merged_at: datetime.datetime
    api_url: str


class Withdrawn(Schema):
    detail: str
    id: str
    withdrawn_at: datetime.datetime
    reason: Languages
