"""
Loading and arranging one published version for the public record page.

A record page costs the same number of SQL queries whatever the size of the
record: its stamp in one small query (``page_stamp``: all a ``304`` or a
cached page needs), the record with its changelog in one
(``record_with_versions``), each kind of part (harms, citations, …) in one,
with the reference rows they show joined in (``PART_PREFETCHES``).

Only public content enters here: records through ``Record.objects.published()``
(or ``withdrawn()``, for the notice), versions through
``RecordVersion.objects.published()``, and linked hazards and incidents
through ``Record.objects.published()``.
"""

import hashlib
from dataclasses import dataclass
from functools import cache
from itertools import groupby

from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models import F, FilteredRelation, Prefetch, Q, prefetch_related_objects
from django.utils import translation
from django.utils.safestring import mark_safe

from core import rendering
from core.i18n import Localized, localized
from core.links import safe_url
from core.rendering import (
    CitationTarget,
    citation_anchor,
    citation_keys,
    marked_fallback,
    render_markdown,
    text_from_html,
)
from incidents import pins, related
from incidents.models import (
    PUBLIC_ID_RE,
    PUBLIC_STATUSES,
    Citation,
    Classification,
    EntityResponse,
    EntityRole,
    ExternalId,
    Harm,
    HazardLink,
    Jurisdiction,
    Kind,
    PolicyRecommendation,
    RecommendationAuthority,
    Record,
    RecordVersion,
    Redaction,
    RedactionStatus,
    Status,
)
from incidents.public import record_reads
from taxonomy.models import SECTOR, Taxonomy, Term

# Parts of a version, each in one query with the reference rows it shows and
# their states as reviewed (incidents/pins.py). Hazard links keep only
# hazards the public may read: a link to a draft hazard, or to a withdrawn
# one, is not shown.
PART_PREFETCHES = (
    Prefetch(
        "harms",
        queryset=Harm.objects.select_related("harm_type__taxonomy", "harm_type_state", "harm_type_taxonomy_state"),
    ),
    Prefetch("citations", queryset=Citation.objects.select_related("source", "source_state")),
    Prefetch(
        "recommendations",
        queryset=PolicyRecommendation.objects.select_related("authority", "source", "authority_state", "source_state"),
    ),
    Prefetch("entity_roles", queryset=EntityRole.objects.select_related("entity", "entity_state")),
    Prefetch("responses", queryset=EntityResponse.objects.select_related("entity", "entity_state")),
    Prefetch(
        "classifications",
        queryset=Classification.objects.select_related("term__taxonomy", "term_state", "taxonomy_state"),
    ),
    Prefetch("jurisdictions", queryset=Jurisdiction.objects.all()),
    Prefetch("external_ids", queryset=ExternalId.objects.all()),
    Prefetch(
        "hazard_links",
        queryset=HazardLink.objects.filter(hazard__in=Record.objects.published()).select_related(
            "hazard__live_version"
        ),
    ),
)


# The further authorities of recommendations: read only for versions that
# have recommendations (RecommendationAuthority.recommendation is one of the
# version's own), so that a version without any costs no query for them.
AUTHORITIES = Prefetch(
    "recommendation_authorities",
    queryset=RecommendationAuthority.objects.select_related("recommendation", "entity", "entity_state"),
)
NO_AUTHORITIES = Prefetch("recommendation_authorities", queryset=RecommendationAuthority.objects.none())


def prefetch_parts(versions):
    """Load the parts of these versions, one query per kind of part (none for
    the further authorities of versions without recommendations), showing
    the reference rows as the versions' reviewers saw them (drafts show them
    as they are). On PostgreSQL, all of it in one statement
    (``record_reads.load``)."""
    versions = list(versions)
    if versions and record_reads.available(versions[0]._state.db or "default"):
        record_reads.load(versions, using=versions[0]._state.db or "default")
        return
    prefetch_related_objects(versions, *PART_PREFETCHES)
    recommending = [version for version in versions if version.recommendations.all()]
    prefetch_related_objects(recommending, AUTHORITIES)
    # An empty queryset (.none()) runs no query, and leaves ``.all()`` empty
    # without one.
    prefetch_related_objects([version for version in versions if not version.recommendations.all()], NO_AUTHORITIES)
    pins.apply(versions)


# The record, and the stamp its pages' validators and caches depend on --------


def _public_records():
    return Record.objects.published() | Record.objects.withdrawn() | Record.objects.merged()


def public_record(public_id) -> Record | None:
    """The record at ``public_id`` if the public may read it, read its
    withdrawal notice or be sent to the record it was merged into
    (``is_merged``: its content must not be shown); None for drafts,
    unknown and malformed ids alike."""
    if not PUBLIC_ID_RE.match(public_id or ""):
        return None
    return _public_records().filter(public_id=public_id).select_related("live_version", "merged_into").first()


@dataclass(frozen=True)
class PageStamp:
    """What a record's pages' ETags and cached renderings depend on, read
    from the record's own row (``page_stamp``) in one small query.

    ``updated_at`` moves with every event that changes what the record's
    public pages show, and only with those (incidents/publishing/workflow.py,
    ``_touch_pages``): its own publications, withdrawal and redactions; the
    publication, withdrawal or redaction of a record linked to it ("Materialized
    from" shows a hazard's title, a hazard lists its incidents); a change,
    through the workflow, to a reference row one of its published versions
    shows unpinned (parts from before pins show rows as they are). Reference
    rows shown pinned need no stamp: a published version shows them as its
    reviewers saw them (incidents/pins.py), whatever happens to them later.
    Editorial work anywhere else (a draft saved, a version submitted) leaves
    it alone: it wastes no cache and tells no one when editors work.
    """

    pk: int
    public_id: str
    live_version_id: int | None
    live_number: int | None
    updated_at: object
    withdrawn_at: object
    # The public id of the record it was merged into: every page of a
    # duplicate answers 301 there.
    merged_into: str | None = None

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None


# How long a stamp stays in a shared cache: a backstop only, since every save
# of the record replaces it (``forget_stamp``).
STAMP_CACHE_SECONDS = 10 * 60


def _stamp_key(public_id) -> str:
    return f"dossier:record-stamp:{public_id}"


def stamps_cached() -> bool:
    """Whether stamps are kept in the cache: only a cache every process
    shares (Redis in production). Local memory is per process, and a
    workflow event in another process (a management command) could not
    reach it."""
    return not isinstance(caches["default"], LocMemCache)


def _read_stamp(public_id) -> PageStamp | None:
    if record_reads.available():
        row = record_reads.stamp_row(public_id)
        return PageStamp(*row) if row is not None else None
    row = (
        _public_records()
        .filter(public_id=public_id)
        .values_list(
            "pk",
            "public_id",
            "live_version_id",
            "live_version__number",
            "updated_at",
            "withdrawn_at",
            "merged_into__public_id",
        )
        .first()
    )
    return PageStamp(*row) if row is not None else None


def page_stamp(public_id) -> PageStamp | None:
    """The stamp of the public record at ``public_id`` (None as for
    ``public_record``): from a shared cache when it holds it, or in one
    query on the record's row and its live version's number, no model
    instance; so a ``304`` or a cached page costs next to nothing."""
    if not PUBLIC_ID_RE.match(public_id or ""):
        return None
    cached = stamps_cached()
    if cached and (stamp := django_cache.get(_stamp_key(public_id))) is not None:
        return stamp
    return _stamp_from_database(public_id, cached)


def _stamp_from_database(public_id, cached):
    stamp = _read_stamp(public_id)
    if cached and stamp is not None:
        # add, not set: a stamp written after a commit (forget_stamp) wins
        # over one read before it.
        django_cache.add(_stamp_key(public_id), stamp, STAMP_CACHE_SECONDS)
    return stamp


def stamp_with(public_id, keys) -> tuple[PageStamp | None, dict]:
    """``page_stamp(public_id)``, and what the cache holds under ``keys``
    ({key: value} of those it holds): from a shared cache, in one round
    trip (a warm page: its stamp and the page itself). Nothing is read
    under ``keys`` for a record that is not public."""
    if not PUBLIC_ID_RE.match(public_id or ""):
        return None, {}
    if not stamps_cached():
        stamp = _read_stamp(public_id)
        return stamp, (django_cache.get_many(keys) if stamp is not None and keys else {})
    found = django_cache.get_many([_stamp_key(public_id), *keys])
    stamp = found.pop(_stamp_key(public_id), None)
    if stamp is None:
        stamp = _stamp_from_database(public_id, cached=True)
        if stamp is None:
            return None, {}
    return stamp, found


def forget_stamp(sender, instance, **kwargs):
    """On every save (or deletion) of a record: drop its cached stamp at
    once, so this transaction reads its own writes, and write the new one
    when the transaction commits, so that a reader who read the old row
    before the commit cannot put it back (``page_stamp`` only adds)."""
    if not stamps_cached():
        return
    key = _stamp_key(instance.public_id)
    django_cache.delete(key)

    def refresh():
        stamp = _read_stamp(instance.public_id)
        if stamp is None:
            django_cache.delete(key)
        else:
            django_cache.set(key, stamp, STAMP_CACHE_SECONDS)

    transaction.on_commit(refresh)


def code_fingerprint() -> str:
    """A digest of the templates, catalogues, stylesheets and page code.

    Part of every ETag, so that a deployment that changes how pages look
    makes browsers fetch them again instead of keeping a 304'd old copy.
    Computed once per process; on every request in development, where
    templates change without a restart.
    """
    if settings.DEBUG:
        return _code_fingerprint.__wrapped__()
    return _code_fingerprint()


@cache
def _code_fingerprint() -> str:
    digest = hashlib.blake2b(digest_size=8)
    base = settings.BASE_DIR
    # api/: the JSON API's answers are validated by ETags of the same kind.
    patterns = (
        "templates/**/*.html",
        "locale/**/*.mo",
        "static/**/*.css",
        "incidents/**/*.py",
        "core/**/*.py",
        "api/**/*.py",
    )
    for pattern in patterns:
        for path in sorted(base.glob(pattern)):
            digest.update(str(path.relative_to(base)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def etag(stamp: PageStamp, lang, *extra) -> str:
    """The ETag of a public page of a record (its ``page_stamp``) in ``lang``."""
    parts = [
        code_fingerprint(),
        lang,
        stamp.pk,
        stamp.public_id,
        stamp.live_version_id,
        stamp.updated_at.isoformat(),
        stamp.withdrawn_at.isoformat() if stamp.withdrawn_at else "",
        *extra,
    ]
    return '"{}"'.format(hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=16).hexdigest())


def public_versions(record) -> list[RecordVersion]:
    """Every version of the record the public may read, oldest first."""
    return list(RecordVersion.objects.published().filter(record=record).order_by("number"))


def record_with_versions(stamp: PageStamp) -> tuple[Record, list[RecordVersion]] | None:
    """The published record of ``stamp`` and every version of it the public
    may read, oldest first, in one query (the record comes with its
    versions); None if it has none to show (withdrawn, since its stamp was
    read, or never published)."""
    if record_reads.available():
        versions = record_reads.versions_with_record(stamp.pk)
    else:
        versions = list(
            RecordVersion.objects.published().filter(record_id=stamp.pk).select_related("record").order_by("number")
        )
    if not versions:
        return None
    record = versions[0].record
    live = next((version for version in versions if version.status == Status.PUBLISHED), None)
    if live is None or live.pk != record.live_version_id:
        return None  # published or withdrawn meanwhile: the caller reads afresh
    for version in versions:
        version.record = record
    # The record's live version is one of those just read: no second query.
    Record._meta.get_field("live_version").set_cached_value(record, live)
    return record, versions


@dataclass(frozen=True)
class RelatedEntry:
    """A related record as the page lists it: the record (with its live
    version) and why, in the page's language."""

    record: Record
    reasons: list[str]


def neighbours(record, lang) -> tuple[list[RelatedEntry], list[Record]]:
    """(its related records, best first; the records merged into it, oldest
    merger first), in one query: the related records stored when versions
    were published (incidents/related.py), of which only published ones,
    and the duplicates merged into it."""
    found = record_reads.neighbours(record.pk) if record_reads.available() else _neighbours(record)
    duplicates = sorted((r for r in found if r.merged_into_id == record.pk), key=lambda r: (r.merged_at, r.pk))
    with translation.override(lang):
        listed_entries = [
            RelatedEntry(r, related.reasons(r))
            for r in sorted(found, key=lambda r: r.related_rank or 0)
            if r.merged_into_id is None and r.related_rank is not None
        ]
    return listed_entries, duplicates


def _neighbours(record) -> list[Record]:
    listed = Record.objects.published().filter(related_to_rows__record=record.pk).values("pk")
    merged = Record.objects.merged().filter(merged_into=record.pk).values("pk")
    return list(
        Record.objects.filter(Q(pk__in=listed) | Q(pk__in=merged))
        .annotate(
            row=FilteredRelation("related_to_rows", condition=Q(related_to_rows__record=record.pk)),
            related_rank=F("row__rank"),
            shared_entities=F("row__shared_entities"),
            shared_harm_types=F("row__shared_harm_types"),
            shared_sectors=F("row__shared_sectors"),
            shared_countries=F("row__shared_countries"),
        )
        .select_related("live_version")
    )


def materialized_incidents(hazard):
    """Published incidents whose *live* version says they materialized from
    this hazard. A link that exists only in a draft or an old version does
    not count."""
    return (
        Record.objects.published()
        .filter(kind=Kind.INCIDENT, live_version__hazard_links__hazard=hazard)
        .select_related("live_version")
        .order_by("-live_version__published_at", "-pk")
        .distinct()
    )


# Rendering ------------------------------------------------------------------


def _rendering_fingerprint():
    """Changes when the sanitizer's allow-list does, so that tightening it
    also reaches cached text (docs/architecture.md, "Promises", 6: sanitize at render time)."""
    allow_list = (
        sorted(rendering.ALLOWED_TAGS),
        sorted((tag, sorted(attrs)) for tag, attrs in rendering.ALLOWED_ATTRIBUTES.items()),
        sorted((tag, sorted(classes)) for tag, classes in rendering.ALLOWED_CLASSES.items()),
        sorted(rendering.URL_SCHEMES),
        rendering.LINK_REL,
    )
    return hashlib.blake2b(repr(allow_list).encode(), digest_size=6).hexdigest()


RENDERING_FINGERPRINT = _rendering_fingerprint()
# A day: a backstop for what the fingerprint cannot see (a Markdown upgrade).
RENDER_CACHE_SECONDS = 24 * 60 * 60
MARKDOWN_FIELDS = (("summary", "summary"), ("narrative", "narrative"), ("editorial_assessment", "assessment"))


def render_cache_key(version, lang) -> str:
    # published_at is in the key as well as the id: should ids ever be reused
    # (a restored database), a different version can never match.
    stamp = version.published_at.timestamp() if version.published_at else "none"
    # A redaction changes a published version's text: a new key, and the
    # workflow deletes the old one (it held the erased passage).
    redacted = version.redacted_at.timestamp() if version.redacted_at else "none"
    return f"dossier:record-text:{RENDERING_FINGERPRINT}:{version.pk}:{stamp}:{redacted}:{lang}"


def render_texts(version, targets, lang, use_cache=True) -> dict:
    """The version's Markdown fields as HTML, and its summary as plain text.

    A published version never changes, so its rendering is cached by version
    and language (the language is in the key: the texts, the citation labels
    and the "not yet translated" note all depend on it). Unpublished
    versions are rendered afresh every time, and so is every staff preview
    (``use_cache=False``): the public pages' cache is theirs alone.
    """
    cacheable = use_cache and version.status in PUBLIC_STATUSES
    key = render_cache_key(version, lang)
    if cacheable:
        cached = django_cache.get(key)
        if cached is not None:
            return _marked_safe(cached)
    texts, rendered = {}, {}
    with translation.override(lang):
        for field, prefix in MARKDOWN_FIELDS:
            value = localized(version, field, lang)
            rendered[field] = render_markdown(value.text, citations=targets, id_prefix=prefix)
            texts[field] = str(marked_fallback(value, rendered[field]))
    # The summary's own rendering, without the "not yet translated" note, as
    # plain text: the same words whatever the citations' ids.
    texts["summary_text"] = text_from_html(rendered["summary"])
    if cacheable:
        django_cache.set(key, texts, RENDER_CACHE_SECONDS)
    return _marked_safe(texts)


def _marked_safe(texts):
    # The HTML fields came out of core.rendering's sanitizer, here or before
    # they were cached; the cache is ours, not user input.
    return {name: value if name == "summary_text" else mark_safe(value) for name, value in texts.items()}  # noqa: S308 (sanitized, see above)


def summary_text(version, lang) -> str:
    """The summary as plain text, its inline citations as their labels."""
    _entries, targets = evidence(version, lang)
    return render_texts(version, targets, lang)["summary_text"]


# Arranging the page -----------------------------------------------------------


@dataclass
class EvidenceEntry:
    citation: Citation
    anchor: str
    label: Localized
    first_use: str  # id of the first inline citation of this source, or ""


@dataclass
class RecommendationEntry:
    recommendation: PolicyRecommendation
    source_href: str  # the source in the evidence list, or its own URL, or ""
    source_text: Localized | None
    authorities: list  # the entities it is attributed to, the first-named first


@dataclass
class TaxonomyGroup:
    taxonomy: Taxonomy
    terms: list[Term]


def _anchors(citations) -> dict[str, str]:
    """Each citation key's anchor in the evidence list, unique on the page
    even if two keys slug alike ("a.b" and "a-b")."""
    anchors, used = {}, set()
    for citation in citations:
        anchor = base = citation_anchor(citation.key)
        n = 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        anchors[citation.key] = anchor
    return anchors


def evidence(version, lang):
    citations = list(version.citations.all())
    anchors = _anchors(citations)
    labels = {citation.key: localized(citation, "label", lang) for citation in citations}
    targets = {
        key: CitationTarget(anchors[key], label.text, label.lang if label.is_fallback else "")
        for key, label in labels.items()
    }
    # The first inline citation of each source, in the order of the page.
    first_use = {}
    for field, prefix in MARKDOWN_FIELDS:
        for key in citation_keys(localized(version, field, lang).text):
            if key in anchors and key not in first_use:
                first_use[key] = f"cite-{prefix}-{anchors[key]}-1"
    entries = [
        EvidenceEntry(citation, anchors[citation.key], labels[citation.key], first_use.get(citation.key, ""))
        for citation in citations
    ]
    return entries, targets


def recommendations(version, entries, lang):
    by_source = {entry.citation.source_id: entry for entry in entries}
    result = []
    for recommendation in version.recommendations.all():
        source = recommendation.source
        attribution = localized(recommendation, "attribution", lang)
        text = attribution if attribution else (Localized(source.title, source.language, False) if source else None)
        href = ""
        if source is not None:
            cited = by_source.get(source.pk)
            href = f"#{cited.anchor}" if cited else safe_url(source.url)
        result.append(RecommendationEntry(recommendation, href, text, recommendation.authorities()))
    return result


def taxonomy_groups(version):
    classifications = sorted(
        version.classifications.all(),
        key=lambda c: (c.term.taxonomy.order, c.term.taxonomy.slug, c.order, c.pk),
    )
    return [
        TaxonomyGroup(taxonomy, [c.term for c in group])
        for taxonomy, group in groupby(classifications, key=lambda c: c.term.taxonomy)
    ]


@dataclass(frozen=True)
class ChangelogEntry:
    """A row of the public changelog: a version's publication, or a later
    redaction of it (the one change a published version may undergo)."""

    version: RecordVersion
    at: object  # when
    redaction: Redaction | None = None


def applied_redactions(versions) -> dict:
    """{version id: its applied redactions, oldest first}. No query unless
    one of ``versions`` was redacted (``redacted_at``)."""
    redacted = [version.pk for version in versions if version.redacted_at]
    found = {}
    if redacted:
        for redaction in Redaction.objects.filter(version__in=redacted, status=RedactionStatus.APPLIED).order_by(
            "decided_at", "pk"
        ):
            found.setdefault(redaction.version_id, []).append(redaction)
    return found


def changelog(versions, redactions) -> list[ChangelogEntry]:
    """The public changelog: each version's publication, then its redactions."""
    entries = []
    for version in versions:
        entries.append(ChangelogEntry(version, version.published_at))
        entries += [ChangelogEntry(version, r.decided_at, r) for r in redactions.get(version.pk, [])]
    return entries


def page_context(record, version, versions, lang, *, preview=False) -> dict:
    """What the record template needs to show ``version`` of ``record``.

    ``versions`` is the changelog (``public_versions(record)``); ``version``
    must be one of them, with its parts prefetched.

    The staff preview (``preview=True``, incidents/admin/preview.py) shows
    any version the same way, including one that has no number or
    publication date yet: ``unpublished`` is then true, and the preview adds
    ``upcoming_number``, the number it will get if it is published next (the
    template says "Draft of version n"). Public pages only ever show
    published versions, so for them ``unpublished`` is false.
    """
    entries, targets = evidence(version, lang)
    groups = taxonomy_groups(version)
    unpublished = version.status not in PUBLIC_STATUSES
    redactions = applied_redactions([*versions, version])
    related_entries, merged_records = neighbours(record, lang)
    context = {
        "record": record,
        "version": version,
        "live": record.live_version,
        "is_live": version.pk == record.live_version_id,
        "versions": versions,
        "changelog": changelog(versions, redactions),
        "redactions": redactions.get(version.pk, []),
        "first_published": versions[0].published_at if versions else version.published_at,
        "unpublished": unpublished,
        "texts": render_texts(version, targets, lang, use_cache=not preview),
        "evidence": entries,
        "recommendations": recommendations(version, entries, lang),
        "taxonomy_groups": groups,
        "sectors": [term for group in groups if group.taxonomy.slug == SECTOR for term in group.terms],
        "hazards": [link.hazard for link in version.hazard_links.all()],
        "incidents": list(materialized_incidents(record)) if record.kind == Kind.HAZARD else [],
        "related_records": related_entries,
        "merged_records": merged_records,
    }
    return context
