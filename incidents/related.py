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
(``compute``: a fixed number of queries); its neighbours — the records that
listed it and the ``NEIGHBOURS`` records sharing the most with it — are
recomputed by a task (``workflow.refresh_related_neighbours``, queued in the
publication's transaction: at once in development and tests, by the worker
in production), since a harm type or a sector can be shared by tens of
thousands of records. ``manage.py compute_related`` recomputes every record
(through ``workflow.recompute_related``, which moves the changed pages'
stamps), for what the bound leaves out.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from taxonomy.models import SECTOR

from .models import Classification, EntityRole, Harm, Jurisdiction, Record, RecordVersion, RelatedRecord

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
BROAD = ("harm_types", "sectors")

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


# What finds a related record: (kind of thing, part model, the thing's column
# on the part, which of the record's own parts show one). A country
# (``Jurisdiction.country``) only adds to the score of a record found.
FINDING = (
    ("entities", EntityRole, "entity_id", {}),
    ("harm_types", Harm, "harm_type_id", {"harm_type__isnull": False}),
    ("sectors", Classification, "term_id", {"term__taxonomy__slug": SECTOR}),
)
FINDING_KINDS = tuple(name for name, _model, _column, _extra in FINDING)


def _shared_by_version(model, column, extra, own, among):
    """Per version of ``among`` (``version_id``): how many of the values of
    ``column`` that ``own``'s parts show (those matching ``extra``) its parts
    show too (as ``n``); versions sharing none are left out."""
    values = model.objects.filter(version__in=own, **extra).values(column)
    return (
        model.objects.filter(version__in=among.values("pk"), **{f"{column}__in": values})
        .values("version_id")
        .annotate(n=Count(column, distinct=True))
        .order_by()
    )


def _statement(record, limit):
    """The SQL and parameters of ``candidates``: every kind scored in one
    statement (issue 12: one query per kind cost a publication about 250 ms
    at 100,000 records; bench/README.md, "Publishing after related records").

    Entities, harm types and sectors each give their matches per version; a
    UNION ALL of the three, summed per version, is every record found. A
    country is counted only for those, by a count per found version (a
    country alone is shared by tens of thousands). The querysets inside are
    the ORM's, so "live", "published" and the window keep one definition."""
    own = Record.objects.published().filter(pk=record.pk).values("live_version_id")
    others = RecordVersion.objects.live().exclude(record_id=record.pk).order_by()
    # The window: publications at or after the RECENT_WINDOW-th most recent
    # (so ties with it are in), or all when there are fewer (then the oldest
    # bounds it). Both are read from an end of the published_at index.
    newest = others.order_by("-published_at").values("published_at")
    bound = Coalesce(Subquery(newest[RECENT_WINDOW - 1 : RECENT_WINDOW]), Subquery(newest.reverse()[:1]))
    recent = others.filter(published_at__gte=bound)
    # Parameters in the order of their placeholders in the statement below:
    # the countries' count comes first.
    countries, params = (
        Jurisdiction.objects.filter(version__in=own).values("country").order_by().query.sql_with_params()
    )
    params = list(params)
    matches = []
    for name, model, column, extra in FINDING:
        among = recent if name in BROAD else others
        sql, kind_params = _shared_by_version(model, column, extra, own, among).query.sql_with_params()
        counts = ", ".join(f"{'n' if kind == name else '0'} AS {kind}" for kind in FINDING_KINDS)
        matches.append(f"SELECT version_id, {counts} FROM ({sql}) {name}")  # noqa: S608 (names and the ORM's SQL)
        params += kind_params
    quote = connection.ops.quote_name
    versions, jurisdictions = quote(RecordVersion._meta.db_table), quote(Jurisdiction._meta.db_table)
    sums = ", ".join(f"SUM({kind}) AS {kind}" for kind in FINDING_KINDS)
    score = " + ".join(f"{weight} * {kind}" for kind, weight in WEIGHTS.items())
    statement = f"""
        SELECT record_id, entities, harm_types, sectors, countries FROM (
            SELECT v.record_id, v.published_at, found.entities, found.harm_types, found.sectors,
                (SELECT COUNT(DISTINCT j.country) FROM {jurisdictions} j
                    WHERE j.version_id = found.version_id AND j.country IN ({countries})) AS countries
            FROM (SELECT version_id, {sums} FROM ({" UNION ALL ".join(matches)}) matches GROUP BY version_id) found
            JOIN {versions} v ON v.id = found.version_id
        ) scored
        ORDER BY {score} DESC, published_at DESC, record_id"""  # noqa: S608 (names and the ORM's SQL; values as parameters)
    if limit is not None:
        statement += " LIMIT %s"
        params.append(limit)
    return statement, params


def candidates(record, limit=None) -> list[Shared]:
    """The published records sharing something with ``record``'s live
    version, with what, best first: by score, then the most recently
    published, then the oldest id; the first ``limit`` of them (all with
    None; none if ``record`` is not published). One query."""
    statement, params = _statement(record, limit)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        # int(): PostgreSQL's SUM of counts is a numeric.
        return [Shared(*map(int, row)) for row in cursor.fetchall()]


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
