from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("", views.report, name="report"),
    path("status/<str:token>/", views.report_status, name="status"),
]
