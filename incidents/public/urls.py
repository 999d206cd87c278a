from django.urls import path

from incidents.public import feeds
from incidents.public.views import browse, indexes, methodology, records, reference

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
    path("entities/", indexes.entity_index, name="entities"),
    path("entities/<slug:slug>/", reference.entity_detail, name="entity"),
    path("entities/<slug:slug>/feed.atom", feeds.entity_atom_feed, name="entity-feed-atom"),
    path("entities/<slug:slug>/feed.json", feeds.entity_json_feed, name="entity-feed-json"),
    path("taxonomy/", indexes.taxonomy_index, name="taxonomies"),
    path("taxonomy/<slug:taxonomy>/<slug:term>/", reference.term_detail, name="term"),
    path("taxonomy/<slug:taxonomy>/<slug:term>/feed.atom", feeds.term_atom_feed, name="term-feed-atom"),
    path("taxonomy/<slug:taxonomy>/<slug:term>/feed.json", feeds.term_json_feed, name="term-feed-json"),
    path("sources/<int:pk>/", reference.source_detail, name="source"),
    # Counts of published records, as charts and tables (views/indexes.py).
    path("statistics/", indexes.statistics_page, name="statistics"),
    # Methodology pages, written by publishers (views/methodology.py).
    path("methodology/", methodology.methodology_index, name="methodology"),
    path("methodology/<slug:slug>/", methodology.methodology_page, name="methodology-page"),
    path("feeds/records.atom", feeds.atom_feed, name="feed-atom"),
    path("feeds/records.json", feeds.json_feed, name="feed-json"),
]
