"""The site's own URLs plus one trivial view, the baseline every page is
compared against. Only the bench settings use this URLconf: the product
has no such endpoint."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def trivial(request):
    """A view that does nothing: what the middleware and server alone cost."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench-trivial"), *site_urlpatterns]
