"""
sitemap.xml: the home page, the list, and every published record, in both
languages, each URL with its ``hreflang`` alternates.

Served as a sitemap index (/sitemap.xml) pointing at paginated sections
(/sitemap-records.xml?p=2), so that 100,000 records stay within the
protocol's limits and each file stays small.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from incidents.models import Record


class DossierSitemap(Sitemap):
    i18n = True
    alternates = True
    # x-default: the unprefixed URL, which redirects by Accept-Language.
    x_default = True


class PagesSitemap(DossierSitemap):
    changefreq = "daily"

    def items(self):
        return ["incidents:home", "incidents:list"]

    def location(self, name):
        return reverse(name)


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


SITEMAPS = {"pages": PagesSitemap, "records": RecordSitemap}
