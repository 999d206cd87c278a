"""
Related records: up to five published records that share something with a
record, best first, each with why ("shares 3 entities", "same harm type and
sector"; in French « 3 entités en commun », « même type de préjudice et
même secteur »).

Computed when the public's view of a record changes (its publication,
withdrawal or merger, a restore: ``incidents.publishing.workflow`` calls
``refresh``), never per request: the record page reads the stored rows in
one query (``record_page.neighbours``). What is compared is each record's
live version: the entities it names (any role), the harm types of its harms,
its terms of the sector taxonomy, and its countries.

A shared country alone relates nothing (most records of a national monitor
share one): a related record shares at least an entity, a harm type or a
sector, and a shared country only adds to its score.

The work is bounded: a publication recomputes the record's own list
(``compute``: one statement, ``candidates``, scores every record it has
something in common with; the stored rows are rewritten if that changed);
its neighbours — the records that listed it and the ``NEIGHBOURS`` records
sharing the most with it — are recomputed by a task (``workflow.refresh_related_neighbours``, queued in the
publication's transaction: at once in development and tests, by the worker
in production), since a harm type or a sector can be shared by tens of
thousands of records. ``manage.py compute_related`` recomputes every record
(through ``workflow.recompute_related``, which moves the changed pages'
stamps), for what the bound leaves out.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from taxonomy.models import SECTOR, Taxonomy, Term

from .models import Classification, EntityRole, Harm, Jurisdiction, ListEntry, Record, RelatedRecord

MAX_RELATED = 5  # also a check constraint of RelatedRecord
# How many of the records sharing the most with a newly published one have
# their lists recomputed at once (besides those that listed it).
NEIGHBOURS = 50
# Records sharing only a harm type or a sector are sought among this many
# most recently published: tens of thousands share a common harm type, and
# counting them all cost a publication seconds at 100,000 records. Records
# sharing an entity are sought among all; a country only adds to the score
# of a record found otherwise.
RECENT_WINDOW = 5000

# How much each thing in common weighs: an organisation named in both
# records says more than a shared sector.
WEIGHTS = {"entities": 3, "harm_types": 2, "sectors": 2, "countries": 1}


@dataclass
class Shared:
    """What a record has in common with one other record."""

    related_id: int
    entities: int = 0
    harm_types: int = 0
    sectors: int = 0
    countries: int = 0

    @property
    def score(self) -> int:
        return sum(getattr(self, name) * weight for name, weight in WEIGHTS.items())


# Every published record sharing something with a record's live version, in
# one statement (``candidates``; bench/README.md, "Publishing after related
# records": one query per kind cost a publication about 250 ms at 100,000
# records). The live versions the public sees are read from the public
# list's entries (``ListEntry``: one per live version of a record neither
# withdrawn nor merged, kept by the workflow in the same transaction, before
# related records are computed), whose index on published_at gives the
# window without reading versions or records.
#
# - ``own``: the record's live version (none if it is not published);
# - ``recent``: the window for harm types and sectors: the RECENT_WINDOW
#   most recently published others (``newest``), and those published at the
#   same instant as the last of them (ties are in; all when there are fewer);
# - ``matches``: per kind, the other live versions sharing it and how many
#   distinct things they share (entities among all, the broad kinds in the
#   window), their UNION ALL summed per version in ``found``; a version
#   classifies under a term once (a unique constraint), but may show a harm
#   type twice, hence its DISTINCT pairs (hashed, where a COUNT(DISTINCT …)
#   would sort);
# - countries are counted for the versions found only: a country alone finds
#   nothing, and tens of thousands of records may share one.
#
# Best first: by score, then the most recently published, then the oldest id.
_CANDIDATES = """
WITH own AS (SELECT version_id FROM {entries} WHERE record_id = %(record)s),
newest AS (
    SELECT version_id, published_at FROM {entries} WHERE record_id <> %(record)s
    ORDER BY published_at DESC LIMIT %(window)s
),
recent AS (
    SELECT version_id FROM newest
    UNION
    SELECT version_id FROM {entries}
    WHERE record_id <> %(record)s AND published_at = (SELECT MIN(published_at) FROM newest)
),
matches AS (
    SELECT e.version_id, COUNT(DISTINCT e.entity_id) AS entities, 0 AS harm_types, 0 AS sectors
    FROM {entity_roles} e JOIN {entries} other ON other.version_id = e.version_id
    WHERE other.record_id <> %(record)s
        AND e.entity_id IN (SELECT entity_id FROM {entity_roles} WHERE version_id IN (SELECT version_id FROM own))
    GROUP BY e.version_id
    UNION ALL
    SELECT version_id, 0, COUNT(*), 0 FROM (
        SELECT DISTINCT h.version_id, h.harm_type_id
        FROM {harms} h
        WHERE h.version_id IN (SELECT version_id FROM recent)
            AND h.harm_type_id IN (SELECT harm_type_id FROM {harms} WHERE version_id IN (SELECT version_id FROM own))
    ) shared_harm_types
    GROUP BY version_id
    UNION ALL
    SELECT c.version_id, 0, 0, COUNT(*)
    FROM {classifications} c
    WHERE c.version_id IN (SELECT version_id FROM recent)
        AND c.term_id IN (
            SELECT own_c.term_id FROM {classifications} own_c
            JOIN {terms} t ON t.id = own_c.term_id
            JOIN {taxonomies} x ON x.id = t.taxonomy_id
            WHERE x.slug = %(sector)s AND own_c.version_id IN (SELECT version_id FROM own)
        )
    GROUP BY c.version_id
),
found AS (
    SELECT version_id, SUM(entities) AS entities, SUM(harm_types) AS harm_types, SUM(sectors) AS sectors
    FROM matches GROUP BY version_id
)
SELECT other.record_id, found.entities, found.harm_types, found.sectors, COUNT(DISTINCT j.country) AS countries,
    {score} AS score
FROM found
JOIN {entries} other ON other.version_id = found.version_id
LEFT JOIN {jurisdictions} j ON j.version_id = found.version_id
    AND j.country IN (SELECT country FROM {jurisdictions} WHERE version_id IN (SELECT version_id FROM own))
GROUP BY other.record_id, other.published_at, found.entities, found.harm_types, found.sectors
ORDER BY score DESC, other.published_at DESC, other.record_id
"""
# The score in SQL: WEIGHTS over the statement's columns.
_SCORE_TERMS = {
    "entities": "found.entities",
    "harm_types": "found.harm_types",
    "sectors": "found.sectors",
    "countries": "COUNT(DISTINCT j.country)",
}


def _statement(record, limit):
    """The SQL of ``candidates`` for ``record`` and its parameters."""
    table = {
        name: connection.ops.quote_name(model._meta.db_table)
        for name, model in [
            ("entries", ListEntry),
            ("entity_roles", EntityRole),
            ("harms", Harm),
            ("classifications", Classification),
            ("jurisdictions", Jurisdiction),
            ("terms", Term),
            ("taxonomies", Taxonomy),
        ]
    }
    score = " + ".join(f"{weight} * {_SCORE_TERMS[kind]}" for kind, weight in WEIGHTS.items())
    statement = _CANDIDATES.format(score=score, **table)
    params = {"record": record.pk, "window": RECENT_WINDOW, "sector": SECTOR}
    if limit is not None:
        statement += "LIMIT %(limit)s\n"
        params["limit"] = limit
    return statement, params


def candidates(record, limit=None) -> list[Shared]:
    """The published records sharing something with ``record``'s live
    version, with what, best first; the first ``limit`` of them (all with
    None; none if ``record`` is not published). One query."""
    statement, params = _statement(record, limit)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        # int(): PostgreSQL's SUM of counts is a numeric.
        return [Shared(*map(int, row[:5])) for row in cursor.fetchall()]


def _rows(record) -> list[tuple]:
    """What ``record``'s stored rows say, comparable with a fresh computation."""
    return list(
        RelatedRecord.objects.filter(record=record)
        .order_by("rank")
        .values_list(
            "related_id", "rank", "score", "shared_entities", "shared_harm_types", "shared_sectors", "shared_countries"
        )
    )


def compute(record) -> bool:
    """Store ``record``'s related records afresh; return whether they changed
    (then its pages show something else: the caller moves their stamp)."""
    best = candidates(record, MAX_RELATED)
    wanted = [
        (s.related_id, rank, s.score, s.entities, s.harm_types, s.sectors, s.countries)
        for rank, s in enumerate(best, start=1)
    ]
    if wanted == _rows(record):
        return False
    RelatedRecord.objects.filter(record=record).delete()
    RelatedRecord.objects.bulk_create(
        RelatedRecord(
            record_id=record.pk,
            related_id=related_id,
            rank=rank,
            score=score,
            shared_entities=entities,
            shared_harm_types=harm_types,
            shared_sectors=sectors,
            shared_countries=countries,
        )
        for related_id, rank, score, entities, harm_types, sectors, countries in wanted
    )
    return True


@transaction.atomic
def refresh_neighbours(record) -> list[Record]:
    """Recompute the lists ``record``'s change may affect: those that listed
    it, and those of the ``NEIGHBOURS`` records sharing the most with its
    live version now. Returns the records whose list changed, and those that
    list ``record`` (they show its title, which a publication may change)."""
    listing = set(RelatedRecord.objects.filter(related=record).values_list("record_id", flat=True))
    affected = listing | {shared.related_id for shared in candidates(record, NEIGHBOURS)}
    affected.discard(record.pk)
    changed = set(listing)
    for other in Record.objects.filter(pk__in=affected).order_by("pk"):
        if compute(other):
            changed.add(other.pk)
    return list(Record.objects.filter(pk__in=changed).order_by("pk"))


@transaction.atomic
def compute_all() -> list[Record]:
    """Recompute every record's related records; return the records whose
    list changed (the caller moves their pages' stamp). Records that are no
    longer published keep none."""
    RelatedRecord.objects.exclude(record__in=Record.objects.published()).delete()
    return [record for record in Record.objects.published().order_by("pk") if compute(record)]


# Wording ----------------------------------------------------------------------


def reasons(row) -> list[str]:
    """Why ``row`` (a RelatedRecord, or anything with its ``shared_*``
    counts) is related, in the active language: ["shares 3 entities",
    "same harm type and sector"]."""
    found = []
    if row.shared_entities:
        found.append(
            ngettext("shares %(count)d entity", "shares %(count)d entities", row.shared_entities)
            % {"count": row.shared_entities}
        )
    if row.shared_harm_types and row.shared_sectors:
        found.append(_("same harm type and sector"))
    elif row.shared_harm_types:
        found.append(_("same harm type"))
    elif row.shared_sectors:
        found.append(_("same sector"))
    if row.shared_countries:
        found.append(_("same country"))
    return found
