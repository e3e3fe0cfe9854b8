"""The JSON API under /api/v1/ (mounted by creditsite/urls.py)."""

from django.urls import path

from . import evaluation, views

# No app namespace: other apps mount their API under /api/v1/ as well; the
# "api-" prefix keeps the names apart.
urlpatterns = [
    path("departments/", views.DepartmentListView.as_view(), name="api-departments"),
    path("enterprises/", views.EnterpriseView.as_view(), name="api-enterprises"),
    path("records/", views.RecordView.as_view(), name="api-records"),
    path(
        "enterprises/<str:uscc>/evaluation/",
        evaluation.EvaluationView.as_view(),
        name="api-enterprise-evaluation",
    ),
    path("catalogue/", evaluation.CatalogueView.as_view(), name="api-catalogue"),
]
