"""
What the API reads, at a number of queries that does not grow with the data
answered (pinned in tests/test_api.py). Only published content: records
through ``incidents.public.record_page`` (``Record.objects.published()``,
``RecordVersion.objects.published()``), the list through the public list's
``RecordBrowser`` (live versions), reference rows through ``pins.public_rows``.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Q

from evidence.models import Source
from incidents import pins
from incidents.diff import stale_translations
from incidents.models import Record, RecordVersion
from incidents.public import record_page
from incidents.public.statistics import counts as statistics_counts
from taxonomy.models import Entity, TermMapping


class RecordNotFoundError(Exception):
    pass


class RecordWithdrawnError(Exception):
    """A withdrawn record: its notice, not its content."""

    def __init__(self, record):
        self.record = record


class RecordMergedError(Exception):
    """A duplicate merged into another record: where it leads, not its content."""

    def __init__(self, record):
        self.record = record


def _readable(public_id):
    """The public record at ``public_id``, or why its content is not shown."""
    record = record_page.public_record(public_id)
    if record is None:
        raise RecordNotFoundError
    if record.merged_into_id is not None:
        raise RecordMergedError(record)
    if record.withdrawn_at is not None or record.live_version_id is None:
        raise RecordWithdrawnError(record)
    return record


@dataclass
class LoadedRecord:
    record: Record
    version: RecordVersion
    versions: list
    stale: dict
    mappings: dict
    redactions: dict
    related: list = field(default_factory=list)  # Records with their shared_* counts, best first


def _read_stamp() -> str:
    public = Record.objects.filter(Q(live_version__isnull=False) | Q(withdrawn_at__isnull=False))
    found = public.aggregate(last=Max("updated_at"), count=Count("pk"))
    return f"{found['last'] and found['last'].isoformat()}/{found['count']}"


STAMP_KEY = "dossier:api-stamp"


def stamp() -> str:
    """Changes whenever what the API answers can: a publication, a
    withdrawal or a redaction moves its record's ``updated_at``. Drafts,
    reviews and edits of reference rows leave it alone (a published version
    shows reference rows as pinned), so it tells no one when editors work.

    Kept in a shared cache (Redis) as the records' own stamps are
    (``record_page.page_stamp``), and for the same reasons: every save of a
    record drops it at once and writes the new one when the transaction
    commits (``forget_stamp``); readers only ``add``, so a value read
    before a commit cannot replace the one written after it."""
    cached = record_page.stamps_cached()
    if cached and (found := cache.get(STAMP_KEY)) is not None:
        return found
    found = _read_stamp()
    if cached:
        cache.add(STAMP_KEY, found, record_page.STAMP_CACHE_SECONDS)
    return found


def forget_stamp(sender, instance, **kwargs):
    """On every save (or deletion) of a record (connected in api/apps.py)."""
    if not record_page.stamps_cached():
        return
    cache.delete(STAMP_KEY)
    transaction.on_commit(lambda: cache.set(STAMP_KEY, _read_stamp(), record_page.STAMP_CACHE_SECONDS))


def term_mappings(terms) -> dict:
    """{term id: its external codes}, in one query."""
    mappings = {}
    ids = {term.pk for term in terms}
    if ids:
        for mapping in TermMapping.objects.filter(term_id__in=ids).order_by("scheme", "code"):
            mappings.setdefault(mapping.term_id, []).append(mapping)
    return mappings


def stale_fields(previous, version) -> dict:
    """{(model, pk): field names} whose French is stale in ``version``."""
    if previous is None:
        return {}
    stale = {}
    for entry in stale_translations(previous, version):
        obj = entry.item if entry.item is not None else version
        stale.setdefault((type(obj), obj.pk), set()).add(entry.name)
    return {key: frozenset(names) for key, names in stale.items()}


def load_record(public_id, number=None, stamp=None) -> LoadedRecord:
    """A published record's version ``number`` (its live one by default):
    from its stamp (``record_page.page_stamp``; ``stamp`` when the ETag read
    it already), the record and its versions in one query, as the record
    page reads them."""
    if stamp is None:
        stamp = record_page.page_stamp(public_id)
    usable = stamp is not None and not stamp.is_withdrawn and not stamp.merged_into
    found = record_page.record_with_versions(stamp) if usable else None
    if found is not None:
        record, versions = found
    else:
        # Withdrawn or merged (their notices need the record), not public,
        # or changed since the stamp was read: read afresh.
        record = _readable(public_id)
        versions = record_page.public_versions(record)
    chosen = record.live_version_id if number is None else None
    index = next(
        (i for i, v in enumerate(versions) if (v.pk == chosen if chosen else v.number == number)),
        None,
    )
    if index is None:
        raise RecordNotFoundError
    version = versions[index]
    previous = versions[index - 1] if index else None
    record_page.prefetch_parts([v for v in (previous, version) if v is not None])
    related_entries, _merged = record_page.neighbours(record, "en")
    terms = [c.term for c in version.classifications.all()] + [
        h.harm_type for h in version.harms.all() if h.harm_type_id
    ]
    return LoadedRecord(
        record=record,
        version=version,
        versions=versions,
        stale=stale_fields(previous, version),
        mappings=term_mappings(terms),
        redactions=record_page.applied_redactions(versions),
        related=[entry.record for entry in related_entries],
    )


def load_versions(public_id) -> LoadedRecord:
    """A published record and its published versions (no parts)."""
    record = _readable(public_id)
    versions = record_page.public_versions(record)
    return LoadedRecord(record, record.live_version, versions, {}, {}, {})


def public_entities():
    return sorted(pins.public_rows(Entity), key=lambda entity: entity.slug)


def public_sources():
    return sorted(pins.public_rows(Source), key=lambda source: source.pk)


def statistics() -> dict:
    """Published records counted by facet: the statistics page's own numbers
    (``incidents.public.statistics``), so the two always agree."""
    return statistics_counts()
