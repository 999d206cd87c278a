"""
sitemap.xml: the home page, the list, the indexes and statistics, the
methodology pages, every published record, and the pages of every entity
and term a published version shows, in both languages, each URL with its
``hreflang`` alternates.

Served as a sitemap index (/sitemap.xml) pointing at paginated sections
(/sitemap-records.xml?p=2), so that 100,000 records stay within the
protocol's limits and each file stays small.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Q
from django.urls import reverse

from incidents.models import Record, RecordVersion
from pages.models import Page
from taxonomy.models import Entity, Term


class DossierSitemap(Sitemap):
    i18n = True
    alternates = True
    # x-default: the unprefixed URL, which redirects by Accept-Language.
    x_default = True


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
    # URLs per file, counting each language: 5,000 keeps each file near 2 MB.
    limit = 5000

    def items(self):
        # Published and not withdrawn only; plain dicts keep 100,000 rows light.
        return Record.objects.published().order_by("kind", "number").values("public_id", "live_version__published_at")

    def location(self, record):
        return reverse("incidents:record", args=[record["public_id"]])

    def lastmod(self, record):
        return record["live_version__published_at"]


class EntitySitemap(DossierSitemap):
    """Entities a published version shows (their pages answer 404 otherwise)."""

    def items(self):
        published = RecordVersion.objects.published().values("pk")
        return (
            Entity.objects.filter(Q(roles__version__in=published) | Q(recommendations__version__in=published))
            .order_by("slug")
            .values_list("slug", flat=True)
            .distinct()
        )

    def location(self, slug):
        return reverse("incidents:entity", args=[slug])


class TermSitemap(DossierSitemap):
    """Terms a published version classifies under, and their broader terms."""

    def items(self):
        published = RecordVersion.objects.published().values("pk")
        used = set(
            Term.objects.filter(Q(classifications__version__in=published) | Q(harms__version__in=published))
            .values_list("pk", flat=True)
            .distinct()
        )
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

    def location(self, item):
        return reverse("incidents:term", args=list(item))


SITEMAPS = {"pages": PagesSitemap, "records": RecordSitemap, "entities": EntitySitemap, "terms": TermSitemap}
