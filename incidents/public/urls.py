from django.urls import path

from incidents.public import feeds
from incidents.public.views import browse, records, reference

app_name = "incidents"

urlpatterns = [
    path("", browse.home, name="home"),
    path("incidents/", browse.record_list, name="list"),
    # Record pages (views/records.py). Hazards use the same URLs: /incidents/HAZ-0001/.
    path("incidents/<str:public_id>/", records.record_detail, name="record"),
    path("incidents/<str:public_id>/v<int:number>/", records.version_detail, name="version"),
    path("incidents/<str:public_id>/v<int:number>/cite.bib", records.cite_bibtex, name="cite_bibtex"),
    path("incidents/<str:public_id>/v<int:number>/cite.json", records.cite_csl_json, name="cite_csl_json"),
    path("incidents/<str:public_id>/changes/", records.record_changes, name="changes"),
    # Reference data and the records that use it (views/reference.py).
    path("entities/<slug:slug>/", reference.entity_detail, name="entity"),
    path("taxonomy/<slug:taxonomy>/<slug:term>/", reference.term_detail, name="term"),
    path("sources/<int:pk>/", reference.source_detail, name="source"),
    path("feeds/records.atom", feeds.atom_feed, name="feed-atom"),
    path("feeds/records.json", feeds.json_feed, name="feed-json"),
]
