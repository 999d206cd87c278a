"""
The public list's results: which published records match the query string's
filters and search, in which order, on which page.

Everything starts from ``RecordVersion.objects.live()`` (the live version of
each published record that is not withdrawn), so results, counts and facets
can only ever show published content.

How the filters combine: values of one filter are alternatives (incident OR
hazard), different filters must all hold (incident AND Canada). Choosing a
term includes the records classified under its narrower terms.

The other jobs of the list live beside this module: what may be chosen
(``choices``), the validation of the query string (``form``), the choices of
each filter with their counts (``facets``) and full-text search (``search``).
"""

import hashlib
from functools import cached_property

from django.core.paginator import EmptyPage, Paginator
from django.db import connections
from django.db.models import F, FilteredRelation, Q, Value
from django.db.models.functions import Coalesce, Collate, Lower, NullIf, Trim
from django.utils.formats import number_format
from django.utils.translation import ngettext

from core.i18n import DEFAULT_LANGUAGE
from incidents.models import Classification, EntityRole, ExternalId, Jurisdiction, RecordVersion

from . import listing, search
from .choices import public_countries, public_taxonomies, publication_stamp, tree_digest
from .facets import Facet, FacetSet
from .form import RecordFilterForm, Sort

PAGE_SIZE = 20


# ICU collations for sorting titles the way each language sorts them
# (PostgreSQL only; the database's own collation may be plain "C").
TITLE_COLLATIONS = {"en": "en-x-icu", "fr": "fr-x-icu"}


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
        # PostgreSQL reads the list from its entries (``listing``); SQLite
        # from the live versions and their parts, below.
        self.listing = listing.Listing(self) if listing.available() else None

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
        if value("external"):
            filters["external"] = Q(
                pk__in=ExternalId.objects.filter(database__in=value("external")).values("version_id")
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
        return self.search.filter(RecordVersion.objects.live().filter(*conditions), rank=rank)

    @property
    def is_filtered(self):
        return bool(self.query or self.active_filters)

    @cached_property
    def selection_key(self) -> str:
        """What the matching records depend on, besides what is published:
        every valid filter, the search with its language (which stems it)
        and the taxonomies' tree (a term moved under another); not the
        order or the page. What is cached per selection (the facet counts,
        the relevance threshold) is keyed by it and the publication stamp."""
        selection = []
        for name in self.form.fields:
            value = self.form.value(name)
            if name in ("q", "sort", "page") or not value:
                continue
            selection.append((name, sorted(map(str, value)) if isinstance(value, list) else str(value)))
        if self.query:
            selection.append(("q", self.query, self.lang))
        digest = hashlib.sha256(repr(selection).encode()).hexdigest()[:24]
        return f"{tree_digest(self.taxonomies)}:{digest}"

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
        title = Coalesce(NullIf(Trim(f"title_{self.lang}"), Value("")), f"title_{DEFAULT_LANGUAGE}")
        collation = self.title_collation(using)
        return Collate(title, collation) if collation else Lower(title)

    def title_collation(self, using):
        """The ICU collation of the page's language, where the database has it."""
        collation = TITLE_COLLATIONS[self.lang]
        if connections[using].vendor == "postgresql" and _has_collation(using, collation):
            return collation
        return None

    def result_versions(self, total=None):
        """The matching live versions in the page's order: a queryset, or on
        PostgreSQL a sequence read from the list's entries (``listing``);
        both slice and ``count()``."""
        if self.listing is not None:
            return self.listing.results(total)
        return self.ordered(self.filtered(rank=bool(self.query))).select_related("record")

    @cached_property
    def paginator(self):
        paginator = Paginator(self.result_versions(self.total), PAGE_SIZE)
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

    # Facets --------------------------------------------------------------

    @cached_property
    def facet_set(self):
        return FacetSet(self)

    @property
    def total(self):
        """The number of matching records (from the facet counts: no COUNT query)."""
        return self.facet_set.total

    def facets(self) -> list[Facet]:
        return self.facet_set.facets()


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
