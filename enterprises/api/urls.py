"""The JSON API under /api/v1/ (mounted by creditsite/urls.py)."""

from django.urls import path

from repair.api import RepairEligibilityView

from . import evaluation, public, views

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
    path("enterprises/<str:uscc>/", public.CreditFileView.as_view(), name="api-enterprise"),
    path(
        "enterprises/<str:uscc>/records/",
        public.CreditFileRecordsView.as_view(),
        name="api-enterprise-records",
    ),
    path(
        "enterprises/<str:uscc>/records/<int:record_id>/repair-eligibility/",
        RepairEligibilityView.as_view(),
        name="api-repair-eligibility",
    ),
]
