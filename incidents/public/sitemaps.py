"""
sitemap.xml: the home page, the list, the indexes and statistics, the
methodology pages, every published record, and the pages of every entity
and term a published version shows, in both languages, each URL with its
``hreflang`` alternates.

Served as a sitemap index (/sitemap.xml) pointing at paginated sections
(/sitemap-records.xml?p=2), so that 100,000 records stay within the
protocol's limits (50,000 URLs a file) and each file stays small; the index
and every page take the same time whatever the number of records
(``RecordSitemap``).

The index and the sections but the methodology pages' are kept until the
next publication (``index``, ``section``): a section of 2,500 records took
Django about 0.6 s to write (20,000 addresses reversed and templated), and
the index about 40 ms to count the records' pages, at every crawl.
"""

from functools import cached_property
from types import SimpleNamespace

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse

from incidents.models import Record, RecordVersion, pinned_references
from incidents.public import page_cache
from incidents.public.browse.choices import cached, publication_stamp, reference_stamp
from pages.models import Page
from taxonomy.models import Entity, Term


class DossierSitemap(Sitemap):
    i18n = True
    alternates = True
    # x-default: the unprefixed URL, which redirects by Accept-Language.
    x_default = True
    # URLs per file, counting each language: the protocol allows 50,000;
    # 5,000 keeps each file near 2 MB, and Django writes one in about half
    # a second (14,000 entities in one file took 2.8 s).
    limit = 5000


class PagesSitemap(DossierSitemap):
    changefreq = "daily"

    def items(self):
        return [
            ("incidents:home", ()),
            ("incidents:list", ()),
            ("incidents:statistics", ()),
            ("incidents:entities", ()),
            ("incidents:taxonomies", ()),
            ("incidents:methodology", ()),
            *(
                ("incidents:methodology-page", (slug,))
                for slug in Page.objects.order_by("order", "slug").values_list("slug", flat=True)
            ),
        ]

    def location(self, item):
        name, args = item
        return reverse(name, args=args)


class RecordSitemap(DossierSitemap):
    """The published records, by ranges of record ids: page ``n`` lists the
    records whose id is in ((n - 1) × RECORDS_PER_PAGE, n × RECORDS_PER_PAGE],
    each in both languages.

    Each page (and the index) then costs the same whatever the number of
    records: an index range scan of at most RECORDS_PER_PAGE rows, never an
    OFFSET past the earlier pages nor a list of every record in memory, which
    Django's own paginated i18n sitemap builds on every request. A page may
    hold fewer URLs than the limit (ids of drafts or withdrawn records), even
    none, never more.
    """

    @property
    def records_per_page(self):
        return self.limit // len(self._languages())

    def items(self):
        # Published and not withdrawn only; plain dicts keep the rows light.
        return Record.objects.published().order_by("pk").values("pk", "public_id", "live_version__published_at")

    @cached_property
    def paginator(self):
        return _IdRangePaginator(self)

    def location(self, record):
        return reverse("incidents:record", args=[record["public_id"]])

    def lastmod(self, record):
        return record["live_version__published_at"]

    def get_latest_lastmod(self):
        # The newest live version's publication: the published_at index,
        # read from its end, not every record.
        return RecordVersion.objects.live().order_by("-published_at").values_list("published_at", flat=True).first()


class _IdRangePaginator:
    """What Django's sitemap views ask of a paginator (``num_pages``,
    ``page(n).object_list``), by ranges of record ids."""

    def __init__(self, sitemap):
        self.sitemap = sitemap

    @cached_property
    def num_pages(self):
        last = self.sitemap.items().aggregate(last=Max("pk"))["last"] or 0
        return max(1, -(-last // self.sitemap.records_per_page))

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("not a number") from None
        if number < 1 or number > self.num_pages:
            raise EmptyPage("no such page")
        size = self.sitemap.records_per_page
        # A range of ids, read in the order of their public ids (HAZ-0001,
        # HAZ-0002 … INC-0001 …), not of their ids: a restored database, whose
        # ids differ, lists the same records the same way.
        records = (
            self.sitemap.items().filter(pk__gt=(number - 1) * size, pk__lte=number * size).order_by("kind", "number")
        )
        languages = self.sitemap._languages()
        return SimpleNamespace(object_list=[(record, lang) for record in records for lang in languages])


def _shown_by_a_published_version(model) -> Q:
    """A condition on ``model``'s rows (entities, terms): some part of a
    published version shows the row. One EXISTS per kind of part, each an
    index lookup per row (``incidents.pinned_references`` lists the parts),
    rather than a join of every part of every published version: the
    sitemap costs the same whatever the number of records."""
    published = RecordVersion.objects.published()
    shown = Q()
    for reference in pinned_references():
        if reference.target is model:
            parts = reference.part_model.objects.filter(version__in=published, **{reference.lookup: OuterRef("pk")})
            shown |= Q(Exists(parts))
    return shown


def _public_entity_slugs():
    return list(
        Entity.objects.filter(_shown_by_a_published_version(Entity)).order_by("slug").values_list("slug", flat=True)
    )


class EntitySitemap(DossierSitemap):
    """Entities a published version shows (their pages answer 404 otherwise)."""

    def items(self):
        return cached("sitemap-entities", _public_entity_slugs, publication_stamp() + reference_stamp())

    def location(self, slug):
        return reverse("incidents:entity", args=[slug])


class TermSitemap(DossierSitemap):
    """Terms a published version classifies under, and their broader terms."""

    def items(self):
        return cached("sitemap-terms", _public_term_paths, publication_stamp() + reference_stamp())

    def location(self, item):
        return reverse("incidents:term", args=list(item))


def _public_term_paths():
    """(taxonomy slug, term slug) of every term a published version shows,
    and of its broader terms, in order."""
    used = set(Term.objects.filter(_shown_by_a_published_version(Term)).values_list("pk", flat=True))
    if not used:
        return []
    terms = {
        pk: (parent, taxonomy, slug)
        for pk, parent, taxonomy, slug in Term.objects.filter(taxonomy__terms__in=used)
        .distinct()
        .values_list("pk", "parent_id", "taxonomy__slug", "slug")
    }
    shown = set()
    for pk in used:
        while pk in terms and pk not in shown:  # up to the top (a cycle stops the walk)
            shown.add(pk)
            pk = terms[pk][0]
    return sorted((terms[pk][1], terms[pk][2]) for pk in shown)


SITEMAPS = {"pages": PagesSitemap, "records": RecordSitemap, "entities": EntitySitemap, "terms": TermSitemap}


# What each cached section shows besides the records' publications: the
# entities' and terms' slugs. The methodology pages' section is not kept:
# publishers edit those pages outside the workflow, and it is short.
_SECTION_STAMPS = {
    "records": lambda: publication_stamp(),
    "entities": lambda: publication_stamp() + reference_stamp(),
    "terms": lambda: publication_stamp() + reference_stamp(),
}


def _kept(request, name, stamp, view, **kwargs):
    """Django's sitemap ``view``'s answer, rendered once per stamp, page
    (``?p=``) and site (its URLs are absolute), kept as record pages are
    (``page_cache``). Only a 200 is kept; a page number that cannot be one
    goes straight to Django's 404, and never into a key."""
    page = request.GET.get("p", "1")
    if not (page.isascii() and page.isdigit() and len(page) <= 6):
        return view(request, **kwargs)
    key = f"dossier:sitemap:{name}:{int(page)}"
    kept = page_cache.cached_page(request, key, stamp)
    if kept is not None:
        return kept
    response = view(request, **kwargs)
    if response.status_code == 200:
        response.render()
        page_cache.store_page(request, key, stamp, response)
    return response


def index(request):
    """/sitemap.xml: its sections and their pages, which publications change
    (the records' pages and their latest date, how many pages of entities
    and terms), and the reference rows' stamp with them, as their sections."""
    return _kept(
        request,
        "index",
        publication_stamp() + reference_stamp(),
        sitemap_views.index,
        sitemaps=SITEMAPS,
        sitemap_url_name="sitemap-section",
    )


def section(request, section):
    """/sitemap-<section>.xml[?p=n]."""
    if section not in _SECTION_STAMPS:
        return sitemap_views.sitemap(request, sitemaps=SITEMAPS, section=section)
    return _kept(
        request,
        f"section:{section}",
        _SECTION_STAMPS[section](),
        sitemap_views.sitemap,
        sitemaps=SITEMAPS,
        section=section,
    )
