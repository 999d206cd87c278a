from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # The admin speaks the editor's language (Accept-Language or the
    # language cookie); public pages carry theirs in the URL, and "/"
    # redirects to /en/ or /fr/ by Accept-Language (LocaleMiddleware).
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("", include("incidents.urls")),
    prefix_default_language=True,
)
