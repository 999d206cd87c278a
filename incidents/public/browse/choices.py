"""
What a reader may choose in the list's filters: the taxonomies and terms,
countries and entities that published records use.

A term, country or entity nobody published stays out: editors' new reference
rows become public with the first published version that uses them
(docs/architecture.md, "Promises").

What only a publication or a withdrawal can change (the terms and countries
in use, the unfiltered counts) is cached under a key made of the latest
publication and withdrawal dates (``publication_stamp``), so it is never
stale, in any process, and needs no invalidation.
"""

import hashlib
from dataclasses import dataclass, field

from django import forms
from django.core.cache import cache
from django.core.validators import validate_slug
from django.db import connections
from django.db.models import Subquery

from incidents.models import PUBLIC_STATUSES, Classification, EntityRole, Jurisdiction, Record, RecordVersion
from taxonomy.models import Entity, Taxonomy, Term, TermMapping

# Term filters are named after their taxonomy ("term-sector"); the prefix keeps
# a taxonomy called "kind" or "page" from clashing with the other parameters.
TERM_PREFIX = "term-"

# Caching what only a publication can change ------------------------------------

# Which terms and countries published records use, and the counts of the
# unfiltered list, change only when a version is published or a record
# withdrawn. They are cached under a key holding the time of the latest of
# those events, read from two indexed columns at each request: a publication
# or a withdrawal makes a new key, so no process ever serves stale counts
# and nothing has to be invalidated. Names of terms and entities are read
# as they are, not cached: record pages show them as reviewed
# (incidents/pins.py), but the filters' labels here show a publisher's
# correction at once (docs/architecture.md, "Reviewed means pinned").
CACHE_SECONDS = 24 * 3600


def publication_stamp(using="default") -> str:
    """Changes whenever a version is published or a record withdrawn.

    The last public version's id is part of it: a database restored from an
    export (imports/dossier.py) has the same publication dates under new ids,
    and what is cached by this stamp holds ids."""
    if using not in _stamp_statements:
        _stamp_statements[using] = _stamp_query().query.get_compiler(using=using).as_sql()
    sql, params = _stamp_statements[using]
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone() or (None, None, None, None)
    # An opaque key: the values as the database gives them (on SQLite,
    # dates as text), never compared with anything but another stamp.
    return "/".join(str(value.isoformat() if hasattr(value, "isoformat") else value) for value in row)


# The stamp's statement per database, compiled once per process: building
# its four subqueries with the ORM took several milliseconds of every list,
# search and home page, for a statement that runs in 0.3 ms.
_stamp_statements: dict = {}


def _stamp_query():
    # Each part reads the end of an index (published_at, the primary key,
    # withdrawn_at), in one statement: an aggregate with a FILTER would read
    # every version, on every request of the list and the home page.
    last_id = RecordVersion.objects.filter(status__in=PUBLIC_STATUSES).order_by("-pk").values("pk")[:1]
    last_at = RecordVersion.objects.filter(published_at__isnull=False).order_by("-published_at")
    withdrawn = Record.objects.filter(withdrawn_at__isnull=False).order_by("-withdrawn_at")
    # A redaction erases text that cached names and labels may hold.
    redacted = RecordVersion.objects.filter(redacted_at__isnull=False).order_by("-redacted_at")
    return (
        RecordVersion.objects.filter(pk=Subquery(last_id))
        .annotate(
            last=Subquery(last_at.values("published_at")[:1]),
            withdrawn=Subquery(withdrawn.values("withdrawn_at")[:1]),
            redacted=Subquery(redacted.values("redacted_at")[:1]),
        )
        .order_by()
        .values_list("pk", "last", "withdrawn", "redacted")[:1]
    )


def reference_stamp() -> str:
    """Changes whenever an entity, term, term mapping or taxonomy is saved:
    for what shows their current slugs and codes beside their published
    names (the indexes). Each part reads the end of a history table's key."""
    latest = [
        model.history.order_by("-history_id").values_list("history_id", flat=True).first()
        for model in (Entity, Term, TermMapping, Taxonomy)
    ]
    return "/".join(str(value) for value in latest)


def tree_digest(taxonomies) -> str:
    """A digest of the public taxonomies' trees (``public_taxonomies``):
    changes when a term is moved under another."""
    tree = sorted((pk, sorted(ids)) for t in taxonomies for pk, ids in t.subtree.items())
    return hashlib.sha256(repr(tree).encode()).hexdigest()[:16]


def cached(name, compute, stamp=None):
    key = f"dossier:browse:{name}:{stamp or publication_stamp()}"
    return cache.get_or_set(key, compute, CACHE_SECONDS)


# What may be chosen ----------------------------------------------------------


@dataclass
class TermNode:
    term: Term
    children: list["TermNode"] = field(default_factory=list)


@dataclass
class PublicTaxonomy:
    """A taxonomy with the terms that published records use (and their
    broader terms, so the tree stays whole)."""

    taxonomy: object
    roots: list[TermNode]
    terms: dict[str, Term]  # slug -> term
    subtree: dict[int, frozenset[int]]  # term id -> ids of the term and its narrower public terms

    @property
    def field_name(self):
        return f"{TERM_PREFIX}{self.taxonomy.slug}"

    def nodes(self):
        stack = list(reversed(self.roots))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


def _used_term_ids():
    return set(
        Classification.objects.filter(version__in=RecordVersion.objects.live().values("pk"))
        .order_by()
        .values_list("term_id", flat=True)
        .distinct()
    )


def public_taxonomies(stamp=None) -> list[PublicTaxonomy]:
    """Every taxonomy that classifies at least one published record.

    A term nobody published stays out: editors' new terms become public
    with the first published version that uses them (docs/architecture.md, "Promises", 1).
    """
    used = cached("used-terms", _used_term_ids, stamp)
    if not used:
        return []
    terms = {
        term.pk: term
        for term in Term.objects.filter(taxonomy__terms__in=used)
        .distinct()
        .select_related("taxonomy")
        .order_by("taxonomy__order", "taxonomy__slug", "order", "slug")
    }
    public = set()
    for term_id in used:
        node, seen = terms.get(term_id), set()
        while node is not None and node.pk not in seen:  # a cycle stops the walk
            seen.add(node.pk)
            public.add(node.pk)
            node = terms.get(node.parent_id)
    taxonomies = {}
    nodes = {pk: TermNode(term) for pk, term in terms.items() if pk in public}
    for node in nodes.values():
        term = node.term
        entry = taxonomies.setdefault(term.taxonomy_id, PublicTaxonomy(term.taxonomy, [], {}, {}))
        entry.terms[term.slug] = term
        parent = nodes.get(term.parent_id)
        if parent is not None and parent is not node:
            parent.children.append(node)
        else:
            entry.roots.append(node)
    for entry in taxonomies.values():
        for node in entry.nodes():
            ids, stack, seen = set(), [node], set()
            while stack:
                current = stack.pop()
                if current.term.pk in seen:
                    continue
                seen.add(current.term.pk)
                ids.add(current.term.pk)
                stack.extend(current.children)
            entry.subtree[node.term.pk] = frozenset(ids)
    return sorted(taxonomies.values(), key=lambda t: (t.taxonomy.order, t.taxonomy.slug))


def _used_countries():
    return sorted(
        Jurisdiction.objects.filter(version__in=RecordVersion.objects.live().values("pk"))
        .order_by()
        .values_list("country", flat=True)
        .distinct()
    )


def public_countries(stamp=None) -> list[str]:
    return cached("used-countries", _used_countries, stamp)


def public_entity_slugs(slugs) -> set[str]:
    """Those of ``slugs`` that name an entity of a published record."""
    valid = []
    for slug in slugs:
        try:
            validate_slug(slug)
        except forms.ValidationError:
            continue  # not a slug: it cannot name an entity (and may hold a NUL)
        valid.append(slug)
    if not valid:
        return set()
    return set(
        EntityRole.objects.filter(version__in=RecordVersion.objects.live().values("pk"), entity__slug__in=valid)
        .order_by()
        .values_list("entity__slug", flat=True)
        .distinct()
    )
