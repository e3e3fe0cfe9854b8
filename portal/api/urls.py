"""The public credit file in the JSON API under /api/v1/ (mounted by creditsite/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("enterprises/<str:uscc>/", views.CreditFileView.as_view(), name="api-enterprise"),
    path(
        "enterprises/<str:uscc>/records/",
        views.CreditFileRecordsView.as_view(),
        name="api-enterprise-records",
    ),
]
