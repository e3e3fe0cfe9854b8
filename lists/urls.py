"""Public pages of the lists (mounted at the site root by creditsite/urls.py)."""

from django.urls import path

from . import views

app_name = "lists"

urlpatterns = [
    path("lists/", views.lists_index, name="index"),
    path("lists/check/", views.check_page, name="check"),
    path("lists/<slug:slug>/", views.list_detail, name="detail"),
    path("lists/<slug:slug>/feed/", views.ListFeed(), name="feed"),
    path("lists/<slug:slug>/export.csv", views.list_export, name="export"),
    path("enterprises/<str:code>/feed/", views.EnterpriseFeed(), name="enterprise-feed"),
]
