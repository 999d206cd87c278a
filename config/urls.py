from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from api.pages import api_page, data_download, data_page
from api.views import api
from core.availability import healthz
from core.views import set_language
from incidents.public import sitemaps
from incidents.public.views.discovery import robots_txt

urlpatterns = [
    # The admin speaks the editor's language (Accept-Language or the
    # language cookie); public pages carry theirs in the URL, and "/"
    # redirects to /en/ or /fr/ by Accept-Language (LocaleMiddleware).
    path("admin/", admin.site.urls),
    # Django's set_language, which also remembers a signed-in user's choice
    # for their e-mails (core/views.py).
    path("i18n/setlang/", set_language, name="set_language"),
    # For load balancers: JSON, 200 or 503 (core/availability.py).
    path("healthz", healthz, name="healthz"),
    # Crawlers look for these at the root, whatever the language.
    path("robots.txt", robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemaps.index, name="sitemap-index"),
    path("sitemap-<section>.xml", sitemaps.section, name="sitemap-section"),
    # The read-only JSON API (api/views.py), described at /api/v1/openapi.json.
    path("api/v1/", api.urls),
    # The latest bulk export (api/export.py), described at /en/data/.
    path("data/dossier-export.zip", data_download, name="data-download"),
]

urlpatterns += i18n_patterns(
    path("api/", api_page, name="api-docs"),
    path("data/", data_page, name="data"),
    # Reports from the public (intake/urls.py): a form and its status pages.
    path("report/", include("intake.urls")),
    path("", include("incidents.public.urls")),
    prefix_default_language=True,
)
