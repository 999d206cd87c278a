from django.urls import path

from . import feeds
from .views import browse, records

app_name = "incidents"

urlpatterns = [
    path("", browse.home, name="home"),
    path("incidents/", browse.record_list, name="list"),
    path("incidents/<str:public_id>/", records.record_detail, name="record"),
    path("feeds/records.atom", feeds.atom_feed, name="feed-atom"),
    path("feeds/records.json", feeds.json_feed, name="feed-json"),
]
