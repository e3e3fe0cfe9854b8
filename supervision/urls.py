"""Public pages of supervision (mounted at the site root by creditsite/urls.py)."""

from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("inspections/", views.inspections, name="inspections"),
]
