"""The lists app's part of the JSON API under /api/v1/ (mounted by creditsite/urls.py)."""

from django.urls import path

from .views import CheckView, ListEntriesView, ListsView

urlpatterns = [
    path("check/", CheckView.as_view(), name="api-check"),
    path("lists/", ListsView.as_view(), name="api-lists"),
    path("lists/<slug:slug>/entries/", ListEntriesView.as_view(), name="api-list-entries"),
]
