"""
The facets of the list: the choices of each filter, with the number of
published records each would give.

A facet's counts are computed with every *other* filter applied, so that its
other values stay visible and their counts say what choosing them would add.
A term's count includes the records classified under its narrower terms.
The counts of a selection (filters and search) are the same for every
reader until the next publication, and cached until then
(``choices.cached``).
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Q

from incidents.models import (
    Classification,
    EntityRole,
    ExternalId,
    Jurisdiction,
    Kind,
    Severity,
    VerificationLevel,
)
from taxonomy.models import Entity

from .choices import cached

# How many entities the entity facet lists (the most frequent, and those chosen).
ENTITY_FACET_SIZE = 15
# Aggregates per facet query: PostgreSQL allows 1,664 result columns.
_AGGREGATES_PER_QUERY = 400


@dataclass
class Option:
    value: str
    label: object  # text, or a model instance whose "name" is shown with {% text %}
    count: int
    selected: bool
    children: list["Option"] = field(default_factory=list)

    @property
    def has_label_object(self):
        return not isinstance(self.label, str)


@dataclass
class Facet:
    name: str
    legend: object
    options: list[Option]
    legend_object: object = None  # a taxonomy: its name is shown with {% text %}

    @property
    def selected(self):
        return [option for option in self.options if option.selected]


# The columns of the facets that are plain choices of the version or record.
CHOICE_FACETS = {
    "kind": ("record__kind", Kind),
    "severity": ("severity", Severity),
    "verification": ("verification_level", VerificationLevel),
}


class FacetSet:
    """The facets of one request's list (a ``RecordBrowser``): every
    filter's choices and counts."""

    def __init__(self, browser):
        self.browser = browser
        self.form = browser.form
        self.taxonomies = browser.taxonomies
        self.stamp = browser.stamp
        self.active_filters = browser.active_filters
        self.is_filtered = browser.is_filtered
        self.filtered = browser.filtered
        self.listing = browser.listing

    @cached_property
    def counts(self):
        """Every facet's counts, as plain numbers keyed by value or id.

        They are the same for every reader of the same selection until the
        next publication, and cached until then (see ``cached``), under the
        selection's parameters: the unfiltered list's, and a filtered list's
        or a search's, so that its next pages, another order or the same
        search by another reader count nothing again (at 100,000 records,
        counting a common word's matches is most of its page's time:
        bench/README.md, "List and search at scale").
        """
        return cached(f"counts:{self.browser.selection_key}", self._count, self.stamp)

    @cached_property
    def total(self):
        kinds = self.counts["kind"]
        chosen = self.form.value("kind") if "kind" in self.active_filters else kinds
        return sum(kinds.get(kind, 0) for kind in chosen)

    def _base(self, name):
        """The versions a facet counts: every filter applied but its own."""
        return self.filtered(exclude=name if name in self.active_filters else None)

    def _count(self):
        if self.listing is not None:
            return self.listing.facet_counts()
        counts = {}
        # Facets whose own filter is not in use share one base, and one query.
        shared = [name for name in CHOICE_FACETS if name not in self.active_filters]
        groups = ([shared] if shared else []) + [[name] for name in CHOICE_FACETS if name in self.active_filters]
        for names in groups:
            counts.update(_choice_counts(self._base(names[0]), names))
        counts["country"] = dict(
            Jurisdiction.objects.filter(version__in=self._base("country").values("pk"))
            .order_by()
            .values_list("country")
            .annotate(n=Count("version", distinct=True))
            .values_list("country", "n")
        )
        roles = (
            EntityRole.objects.filter(version__in=self._base("entity").values("pk"))
            .order_by()
            .values("entity_id", "entity__slug")
            .annotate(n=Count("version", distinct=True))
        )
        # Ties broken by slug, not id: the same facet after a restore.
        entities = dict(roles.order_by("-n", "entity__slug").values_list("entity_id", "n")[:ENTITY_FACET_SIZE])
        selected = self.form.value("entity", [])
        if selected:
            entities.update(roles.filter(entity__slug__in=selected).values_list("entity_id", "n"))
        counts["entity"] = entities
        counts["external"] = dict(
            ExternalId.objects.filter(version__in=self._base("external").values("pk"))
            .order_by()
            .values_list("database")
            .annotate(n=Count("version", distinct=True))
            .values_list("database", "n")
        )
        counts["term"] = {}
        unselected = [t for t in self.taxonomies if t.field_name not in self.active_filters]
        groups = ([unselected] if unselected else []) + [
            [t] for t in self.taxonomies if t.field_name in self.active_filters
        ]
        for taxonomies in groups:
            subtrees = {pk: ids for t in taxonomies for pk, ids in t.subtree.items()}
            counts["term"].update(_count_by_subtree(self._base(taxonomies[0].field_name), subtrees))
        return counts

    def facets(self) -> list[Facet]:
        form = self.form
        facets = [
            self._choice_facet("kind", form.fields["kind"]),
            self._choice_facet("severity", form.fields["severity"], reverse=True),
            self._choice_facet("verification", form.fields["verification"], reverse=True),
            self._country_facet(),
            self._entity_facet(),
            self._choice_facet("external", form.fields["external"]),
            *self._taxonomy_facets(),
        ]
        return [facet for facet in facets if facet.options]

    def _selected(self, name):
        return {str(value) for value in self.form.value(name, [])}

    def _choice_facet(self, name, form_field, reverse=False):
        counts = self.counts[name]
        selected = self._selected(name)
        choices = list(form_field.choices)
        if reverse:
            choices.reverse()
        options = [
            Option(str(value), str(label), counts.get(value, 0), str(value) in selected) for value, label in choices
        ]
        return Facet(name, form_field.label, [o for o in options if o.count or o.selected])

    def _country_facet(self):
        counts = self.counts["country"]
        selected = self._selected("country")
        options = [
            Option(code, str(name), counts.get(code, 0), code in selected)
            for code, name in self.form.fields["country"].choices
        ]
        return Facet("country", self.form.fields["country"].label, [o for o in options if o.count or o.selected])

    def _entity_facet(self):
        counts = self.counts["entity"]
        selected = self._selected("entity")
        entities = Entity.objects.filter(Q(pk__in=counts) | Q(slug__in=selected))
        options = [Option(e.slug, e, counts.get(e.pk, 0), e.slug in selected) for e in entities]
        options.sort(key=lambda o: (-o.count, o.value))
        return Facet("entity", self.form.fields["entity"].label, options)

    def _taxonomy_facets(self):
        """One facet per taxonomy; a term's count includes its narrower terms."""
        counts = self.counts["term"]
        facets = []
        for taxonomy in self.taxonomies:
            selected = self._selected(taxonomy.field_name)

            def option(node, selected=selected):
                children = [child for child in map(option, node.children) if child.count or child.selected]
                term = node.term
                return Option(term.slug, term, counts.get(term.pk, 0), term.slug in selected, children)

            options = [o for o in map(option, taxonomy.roots) if o.count or o.selected]
            facets.append(Facet(taxonomy.field_name, taxonomy.taxonomy.name, options, legend_object=taxonomy.taxonomy))
        return facets


def _choice_counts(versions, names):
    """{facet name: {value: count}} for choice facets, in one query."""
    aggregates = {
        f"{name}__{value}": Count("pk", filter=Q(**{CHOICE_FACETS[name][0]: value}))
        for name in names
        for value in CHOICE_FACETS[name][1].values
    }
    result = versions.order_by().aggregate(**aggregates)
    return {name: {value: result[f"{name}__{value}"] for value in CHOICE_FACETS[name][1].values} for name in names}


def _count_by_subtree(versions, subtrees):
    """{term id: number of ``versions`` classified under the term or a narrower one}.

    A version is classified at most once under a given term, so a term
    without narrower terms is counted by a plain COUNT; only broader terms
    need COUNT(DISTINCT), a version being possibly classified under several
    of their narrower terms.
    """
    counts = {}
    classifications = Classification.objects.filter(version__in=versions.values("pk")).order_by()
    items = list(subtrees.items())
    for start in range(0, len(items), _AGGREGATES_PER_QUERY):
        chunk = items[start : start + _AGGREGATES_PER_QUERY]
        result = classifications.aggregate(
            **{f"t{pk}": Count("version", distinct=len(ids) > 1, filter=Q(term_id__in=ids)) for pk, ids in chunk}
        )
        counts.update({pk: result[f"t{pk}"] for pk, _ids in chunk})
    return counts
