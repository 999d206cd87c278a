"""
The public list's query string: filters, search, sort order, page, and the
facets (the choices for each filter, with their number of records).

Everything starts from ``RecordVersion.objects.live()`` (the live version of
each published record that is not withdrawn), so counts, facets and results
can only ever show published content.

How the filters combine: values of one filter are alternatives (incident OR
hazard), different filters must all hold (incident AND Canada). A facet's
counts are computed with every *other* filter applied, so that its other
values stay visible and their counts say what choosing them would add.
Choosing a term includes the records classified under its narrower terms.

Bad input never raises: ``RecordFilterForm`` validates each parameter; the
page shows the errors in the reader's language and applies the valid ones.

What only a publication or a withdrawal can change (the terms and countries
in use, the unfiltered counts) is cached under a key made of the latest
publication and withdrawal dates (``publication_stamp``), so it is never
stale, in any process, and needs no invalidation.
"""

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from django import forms
from django.core.cache import cache
from django.core.paginator import EmptyPage, Paginator
from django.core.validators import validate_slug
from django.db import connections
from django.db.models import Count, F, FilteredRelation, Max, Q, Value
from django.db.models.functions import Coalesce, Collate, Lower, NullIf, Trim
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy
from django_countries import countries as all_countries

from core.i18n import DEFAULT_LANGUAGE
from incidents.models import (
    Classification,
    EntityRole,
    Jurisdiction,
    Kind,
    Record,
    RecordVersion,
    Severity,
    VerificationLevel,
)
from taxonomy.models import Entity, Term

from . import search

PAGE_SIZE = 20
# Values one filter accepts at once: more is never a reader's choice.
MAX_VALUES = 20
# How many entities the entity facet lists (the most frequent, and those chosen).
ENTITY_FACET_SIZE = 15
# Term filters are named after their taxonomy ("term-sector"); the prefix keeps
# a taxonomy called "kind" or "page" from clashing with the other parameters.
TERM_PREFIX = "term-"
# Aggregates per facet query: PostgreSQL allows 1,664 result columns.
_AGGREGATES_PER_QUERY = 400


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "new"
    UPDATED = "updated"
    OCCURRED = "occurred"
    SEVERITY = "severity"
    TITLE = "title"


SORT_CHOICES = [
    (Sort.RELEVANCE, _("Relevance")),
    (Sort.NEWEST, _("Newest first")),
    (Sort.UPDATED, _("Recently updated")),
    (Sort.OCCURRED, _("Date of occurrence")),
    (Sort.SEVERITY, _("Severity")),
    (Sort.TITLE, _("Title (A to Z)")),
]

# ICU collations for sorting titles the way each language sorts them
# (PostgreSQL only; the database's own collation may be plain "C").
TITLE_COLLATIONS = {"en": "en-x-icu", "fr": "fr-x-icu"}


def live_versions():
    """The live version of every published record that is not withdrawn."""
    return RecordVersion.objects.live()


# Caching what only a publication can change ------------------------------------

# Which terms and countries published records use, and the counts of the
# unfiltered list, change only when a version is published or a record
# withdrawn. They are cached under a key holding the time of the latest of
# those events, read from two indexed columns at each request: a publication
# or a withdrawal makes a new key, so no process ever serves stale counts
# and nothing has to be invalidated. Names of terms and entities are never
# cached: a publisher's correction to one shows at once (DESIGN.md, promise 1).
CACHE_SECONDS = 24 * 3600


def publication_stamp() -> str:
    """Changes whenever a version is published or a record withdrawn."""
    published = RecordVersion.objects.aggregate(last=Max("published_at"))["last"]
    withdrawn = Record.objects.aggregate(last=Max("withdrawn_at"))["last"]
    return f"{published and published.isoformat()}/{withdrawn and withdrawn.isoformat()}"


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
        Classification.objects.filter(version__in=live_versions().values("pk"))
        .order_by()
        .values_list("term_id", flat=True)
        .distinct()
    )


def public_taxonomies(stamp=None) -> list[PublicTaxonomy]:
    """Every taxonomy that classifies at least one published record.

    A term nobody published stays out: editors' new terms become public
    with the first published version that uses them (DESIGN.md, promise 1).
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
        Jurisdiction.objects.filter(version__in=live_versions().values("pk"))
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
        EntityRole.objects.filter(version__in=live_versions().values("pk"), entity__slug__in=valid)
        .order_by()
        .values_list("entity__slug", flat=True)
        .distinct()
    )


# The form --------------------------------------------------------------------


class FacetField(forms.MultipleChoiceField):
    """Checkboxes of one filter; at most MAX_VALUES values."""

    default_error_messages = {
        "too_many": ngettext_lazy("Choose at most %(limit)d value.", "Choose at most %(limit)d values.", "limit"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(**kwargs)

    def validate(self, value):
        if len(value) > MAX_VALUES:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many", params={"limit": MAX_VALUES})
        super().validate(value)


class TypedFacetField(FacetField, forms.TypedMultipleChoiceField):
    pass


def _iso_date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        # type="date" inputs need ISO dates, whatever the page's language.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class RecordFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search records"),
        required=False,
        max_length=search.MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = FacetField(label=_("Kind"), choices=Kind.choices)
    severity = TypedFacetField(label=_("Severity"), choices=Severity.choices, coerce=int)
    verification = TypedFacetField(label=_("Verification level"), choices=VerificationLevel.choices, coerce=int)
    country = FacetField(label=_("Jurisdiction"))
    entity = FacetField(label=_("Entity"))
    date_from = _iso_date_field(_("Occurred on or after"))
    date_to = _iso_date_field(_("Occurred on or before"))
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(label=_("Page"), min_value=1, required=False)

    def __init__(self, data, *, taxonomies, countries, **kwargs):
        super().__init__(data, **kwargs)
        self.taxonomies = taxonomies
        self.fields["country"].choices = sorted(
            ((code, all_countries.name(code) or code) for code in countries), key=lambda choice: str(choice[1])
        )
        submitted = data.getlist("entity")[:MAX_VALUES] if data is not None and hasattr(data, "getlist") else []
        self.fields["entity"].choices = [(slug, slug) for slug in sorted(public_entity_slugs(submitted))]
        for taxonomy in taxonomies:
            self.fields[taxonomy.field_name] = FacetField(
                label=taxonomy.taxonomy.name, choices=[(slug, slug) for slug in taxonomy.terms]
            )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the date range cannot be before its start."))
        return cleaned

    def value(self, name, default=None):
        """A parameter's cleaned value; an invalid one counts as not given."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or default


# Facets ------------------------------------------------------------------------


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


# Browsing ------------------------------------------------------------------------


# The columns of the facets that are plain choices of the version or record.
CHOICE_FACETS = {
    "kind": ("record__kind", Kind),
    "severity": ("severity", Severity),
    "verification": ("verification_level", VerificationLevel),
}


class RecordBrowser:
    """One request's view of the published records: the validated query
    string, the matching records, the current page and the facets."""

    def __init__(self, data, lang):
        self.lang = lang if lang in TITLE_COLLATIONS else DEFAULT_LANGUAGE
        self.stamp = publication_stamp()
        self.taxonomies = public_taxonomies(self.stamp)
        self.form = RecordFilterForm(data, taxonomies=self.taxonomies, countries=public_countries(self.stamp))
        self.form.is_valid()  # errors are shown; the valid parameters still apply
        self.search = search.Search(self.form.value("q", ""), self.lang)
        self.query = self.search.query

    # Filters -----------------------------------------------------------

    @cached_property
    def active_filters(self):
        """{facet name: condition on the live versions} for every valid
        parameter given."""
        value = self.form.value
        filters = {}
        if value("kind"):
            filters["kind"] = Q(record__kind__in=value("kind"))
        if value("severity"):
            filters["severity"] = Q(severity__in=value("severity"))
        if value("verification"):
            filters["verification"] = Q(verification_level__in=value("verification"))
        if value("country"):
            filters["country"] = Q(
                pk__in=Jurisdiction.objects.filter(country__in=value("country")).values("version_id")
            )
        if value("entity"):
            filters["entity"] = Q(
                pk__in=EntityRole.objects.filter(entity__slug__in=value("entity")).values("version_id")
            )
        for taxonomy in self.taxonomies:
            slugs = value(taxonomy.field_name)
            if slugs:
                ids = set().union(*(taxonomy.subtree[taxonomy.terms[slug].pk] for slug in slugs))
                filters[taxonomy.field_name] = Q(
                    pk__in=Classification.objects.filter(term_id__in=ids).values("version_id")
                )
        start, end = value("date_from"), value("date_to")
        if start or end:
            filters["dates"] = occurred_between(start, end)
        return filters

    def filtered(self, exclude=None, rank=False):
        """Live versions matching the search and every filter but ``exclude``."""
        conditions = [condition for name, condition in self.active_filters.items() if name != exclude]
        return self.search.filter(live_versions().filter(*conditions), rank=rank)

    @property
    def is_filtered(self):
        return bool(self.query or self.active_filters)

    # Results -------------------------------------------------------------

    @cached_property
    def sort(self):
        sort = self.form.value("sort")
        if sort == Sort.RELEVANCE and not self.query:
            sort = None
        return sort or (Sort.RELEVANCE if self.query else Sort.NEWEST)

    def ordered(self, versions):
        sort = self.sort
        if sort == Sort.RELEVANCE:
            return versions.order_by("-search_rank", "-published_at", "-pk")
        if sort == Sort.UPDATED:
            return versions.order_by("-published_at", "-pk")
        if sort == Sort.OCCURRED:
            return versions.order_by(F("occurred_on").desc(nulls_last=True), "-published_at", "-pk")
        if sort == Sort.SEVERITY:
            return versions.order_by("-severity", "-published_at", "-pk")
        if sort == Sort.TITLE:
            return versions.alias(sort_title=self._title_expression(versions.db)).order_by("sort_title", "pk")
        return with_first_publication(versions).order_by("-first_published_at", "-pk")

    def _title_expression(self, using):
        lang = self.lang
        title = Coalesce(NullIf(Trim(f"title_{lang}"), Value("")), f"title_{DEFAULT_LANGUAGE}")
        if connections[using].vendor == "postgresql" and _has_collation(using, TITLE_COLLATIONS[lang]):
            return Collate(title, TITLE_COLLATIONS[lang])
        return Lower(title)

    @cached_property
    def paginator(self):
        versions = self.ordered(self.filtered(rank=True)).select_related("record")
        paginator = Paginator(versions, PAGE_SIZE)
        # Known from the kind facet (every record has one kind): spares a
        # COUNT query over the whole selection.
        paginator.count = self.total
        return paginator

    @cached_property
    def page_problem(self):
        """Why the page asked for cannot be shown ("" when it can)."""
        number = self.form.value("page", 1)
        if number > 1 and number > self.paginator.num_pages:
            pages = self.paginator.num_pages
            return ngettext(
                "There is no page %(page)s: the results fill %(count)s page.",
                "There is no page %(page)s: the results fill %(count)s pages.",
                pages,
            ) % {"page": number_format(number, force_grouping=True), "count": number_format(pages, force_grouping=True)}
        return ""

    @cached_property
    def page(self):
        """The requested page; past the last one, an empty page (and
        ``page_problem`` says why)."""
        try:
            return self.paginator.page(self.form.value("page", 1))
        except EmptyPage:
            return None

    @cached_property
    def snippets(self):
        if not self.query or self.page is None:
            return {}
        return self.search.snippets(self.page.object_list)

    def results(self):
        """(version, snippet) for the current page."""
        if self.page is None:
            return []
        snippets = self.snippets
        return [(version, snippets.get(version.pk)) for version in self.page.object_list]

    # Counts ----------------------------------------------------------------

    @cached_property
    def counts(self):
        """Every facet's counts, as plain numbers keyed by value or id.

        The unfiltered list's counts are the same for every reader until the
        next publication: they are cached (see ``cached``).
        """
        if self.is_filtered:
            return self._count()
        # A publisher may move a term under another: the tree is in the key.
        tree = sorted((pk, sorted(ids)) for t in self.taxonomies for pk, ids in t.subtree.items())
        digest = hashlib.sha256(repr(tree).encode()).hexdigest()[:16]
        return cached(f"unfiltered-counts:{digest}", self._count, self.stamp)

    @cached_property
    def total(self):
        kinds = self.counts["kind"]
        chosen = self.form.value("kind") if "kind" in self.active_filters else kinds
        return sum(kinds.get(kind, 0) for kind in chosen)

    def _base(self, name):
        """The versions a facet counts: every filter applied but its own."""
        return self.filtered(exclude=name if name in self.active_filters else None)

    def _count(self):
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
            .values("entity_id")
            .annotate(n=Count("version", distinct=True))
        )
        entities = dict(roles.order_by("-n", "entity_id").values_list("entity_id", "n")[:ENTITY_FACET_SIZE])
        selected = self.form.value("entity", [])
        if selected:
            entities.update(roles.filter(entity__slug__in=selected).values_list("entity_id", "n"))
        counts["entity"] = entities
        counts["term"] = {}
        unselected = [t for t in self.taxonomies if t.field_name not in self.active_filters]
        groups = ([unselected] if unselected else []) + [
            [t] for t in self.taxonomies if t.field_name in self.active_filters
        ]
        for taxonomies in groups:
            subtrees = {pk: ids for t in taxonomies for pk, ids in t.subtree.items()}
            counts["term"].update(_count_by_subtree(self._base(taxonomies[0].field_name), subtrees))
        return counts

    # Facets --------------------------------------------------------------

    def facets(self) -> list[Facet]:
        form = self.form
        facets = [
            self._choice_facet("kind", form.fields["kind"]),
            self._choice_facet("severity", form.fields["severity"], reverse=True),
            self._choice_facet("verification", form.fields["verification"], reverse=True),
            self._country_facet(),
            self._entity_facet(),
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


def occurred_between(start, end) -> Q:
    """Versions whose occurrence (a day, or a range) overlaps [start, end]."""
    condition = Q(occurred_on__isnull=False)
    if end:
        condition &= Q(occurred_on__lte=end)
    if start:
        # The occurrence ends on its last day, or on its only day.
        condition &= Q(occurred_until__gte=start) | Q(occurred_until__isnull=True, occurred_on__gte=start)
    return condition


def with_first_publication(versions):
    """Annotate ``first_published_at``: when the record's v1 was published.

    A join on v1 rather than a subquery per row: PostgreSQL then walks the
    published_at index and stops after one page of results.
    """
    return versions.annotate(
        first_version=FilteredRelation("record__versions", condition=Q(record__versions__number=1)),
        first_published_at=F("first_version__published_at"),
    ).filter(first_published_at__isnull=False)


_collations = {}


def _has_collation(using, name):
    key = (using, name)
    if key not in _collations:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_collation WHERE collname = %s", [name])
            _collations[key] = cursor.fetchone() is not None
    return _collations[key]
