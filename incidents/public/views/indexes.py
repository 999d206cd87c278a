"""
The public indexes: statistics, entities from A to Z, and every taxonomy as
a tree, each with the number of published records.

Only reference rows a published version shows are listed, named as that
version shows them (``pins.public_rows``;
docs/architecture.md, "Reviewed means pinned"), and counted through live versions only
(``RecordVersion.objects.live()``). Each page costs a fixed number of
queries, whatever the number of rows (tests/test_indexes.py).
"""

import unicodedata
from dataclasses import dataclass, field

from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.i18n import localized
from incidents import pins
from incidents.models import (
    Classification,
    EntityRole,
    Harm,
    PolicyRecommendation,
    RecommendationAuthority,
    RecordVersion,
)
from incidents.public import charts, statistics
from incidents.public.browse.choices import cached, publication_stamp, reference_stamp
from taxonomy.models import Entity, Taxonomy, Term, TermMapping

# Statistics ------------------------------------------------------------------------


@require_safe
def statistics_page(request):
    total, facets = statistics.facets()
    shown = [
        {"facet": facet, "chart": charts.bar_chart(facet, f"chart-{facet.key.replace('_', '-')}")} for facet in facets
    ]
    return render(request, "incidents/statistics.html", {"total": total, "facets": shown})


# Entities ----------------------------------------------------------------------------


def sort_key(text: str) -> str:
    """How names are ordered and filed under a letter: accents and case
    ignored (« Écoles » under E, between « Dossier » and « Fonds »)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def letter_of(text: str) -> str:
    first = sort_key(text)[:1].upper()
    return first if "A" <= first <= "Z" else "#"


@dataclass
class Letter:
    letter: str
    entries: list = field(default_factory=list)

    @property
    def anchor(self):
        return "other" if self.letter == "#" else self.letter.lower()


def _live_counts(pairs) -> dict:
    """{row id: number of live versions} from (row id, live version id) pairs."""
    found = {}
    for row_id, version_id in pairs:
        found.setdefault(row_id, set()).add(version_id)
    return {row_id: len(versions) for row_id, versions in found.items()}


def entity_entries():
    """Every public entity as published, with the current slug its page
    answers at and its number of published records, by name; cached until
    the next publication or change of reference data."""
    return cached("entity-index", _entity_entries, publication_stamp() + reference_stamp())


def _entity_entries():
    live = RecordVersion.objects.live().values("pk")
    pairs = [
        *EntityRole.objects.filter(version__in=live).values_list("entity_id", "version_id"),
        *PolicyRecommendation.objects.filter(version__in=live, authority__isnull=False).values_list(
            "authority_id", "version_id"
        ),
        *RecommendationAuthority.objects.filter(version__in=live).values_list("entity_id", "version_id"),
    ]
    counts = _live_counts(pairs)
    entities = pins.public_rows(Entity)
    slugs = dict(Entity.objects.filter(pk__in=[e.pk for e in entities]).values_list("pk", "slug"))
    entries = []
    for entity in entities:
        name = localized(entity, "name")
        entries.append({"entity": entity, "name": name, "slug": slugs[entity.pk], "count": counts.get(entity.pk, 0)})
    return sorted(entries, key=lambda entry: (sort_key(entry["name"].text), entry["slug"]))


@require_safe
def entity_index(request):
    letters = {}
    entries = entity_entries()
    for entry in entries:
        letter = letter_of(entry["name"].text)
        letters.setdefault(letter, Letter(letter)).entries.append(entry)
    ordered = sorted(letters.values(), key=lambda group: (group.letter == "#", group.letter))
    return render(request, "incidents/entity_index.html", {"letters": ordered, "count": len(entries)})


# Taxonomies --------------------------------------------------------------------------


@dataclass
class Node:
    term: object  # as published (pinned), or as it is for a broader term no version pinned
    slug: str  # the current slug: where its page answers
    count: int = 0
    codes: list = field(default_factory=list)
    children: list = field(default_factory=list)


@dataclass
class Tree:
    taxonomy: object
    slug: str
    roots: list = field(default_factory=list)


def taxonomy_trees() -> list[Tree]:
    """Every taxonomy a published version shows, as a tree of the terms
    published versions show and their broader terms, each term with its
    external codes and the number of published records classified under it
    or a narrower term (a harm's type counts, as on the term's page); cached
    until the next publication or change of reference data."""
    return cached("taxonomy-index", _taxonomy_trees, publication_stamp() + reference_stamp())


def _taxonomy_trees() -> list[Tree]:
    published_terms = {term.pk: term for term in pins.public_rows(Term)}
    if not published_terms:
        return []
    published_taxonomies = {taxonomy.pk: taxonomy for taxonomy in pins.public_rows(Taxonomy)}
    # Every term of those taxonomies as it is: current slugs, and the broader
    # terms that keep the tree whole.
    current = {
        term.pk: term
        for term in Term.objects.filter(taxonomy__in={t.taxonomy_id for t in published_terms.values()}).select_related(
            "taxonomy"
        )
    }
    shown = set()
    for pk in published_terms:
        node, seen = current.get(pk), set()
        while node is not None and node.pk not in seen:  # a cycle stops the walk
            seen.add(node.pk)
            shown.add(node.pk)
            node = current.get(node.parent_id)
    live = RecordVersion.objects.live().values("pk")
    pairs = [
        *Classification.objects.filter(version__in=live).values_list("term_id", "version_id"),
        *Harm.objects.filter(version__in=live, harm_type__isnull=False).values_list("harm_type_id", "version_id"),
    ]
    under = {}
    for term_id, version_id in pairs:
        node, seen = current.get(term_id), set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            under.setdefault(node.pk, set()).add(version_id)
            node = current.get(node.parent_id)
    codes = {}
    for mapping in TermMapping.objects.filter(term_id__in=shown).order_by("scheme", "code"):
        codes.setdefault(mapping.term_id, []).append(mapping)
    nodes = {
        pk: Node(published_terms.get(pk, current[pk]), current[pk].slug, len(under.get(pk, ())), codes.get(pk, []))
        for pk in shown
    }
    trees = {}
    for pk in sorted(shown, key=lambda pk: (current[pk].order, current[pk].slug)):
        term = current[pk]
        tree = trees.get(term.taxonomy_id)
        if tree is None:
            taxonomy = published_taxonomies.get(term.taxonomy_id, term.taxonomy)
            tree = trees[term.taxonomy_id] = Tree(taxonomy, term.taxonomy.slug)
        parent = nodes.get(term.parent_id)
        (parent.children if parent is not None and term.parent_id != pk else tree.roots).append(nodes[pk])
    return sorted(trees.values(), key=lambda tree: (tree.taxonomy.order, tree.slug))


@require_safe
def taxonomy_index(request):
    return render(request, "incidents/taxonomy_index.html", {"trees": taxonomy_trees()})
