"""The supervision app's part of the JSON API under /api/v1/ (mounted by creditsite/urls.py)."""

from django.urls import path

from .views import CommitmentListView, DrawListView, InspectionListView, PlanDrawView, PlanListView

urlpatterns = [
    path("inspection-plans/", PlanListView.as_view(), name="api-inspection-plans"),
    path("inspection-plans/<int:pk>/draw/", PlanDrawView.as_view(), name="api-plan-draw"),
    path("draws/", DrawListView.as_view(), name="api-draws"),
    path("inspections/", InspectionListView.as_view(), name="api-inspections"),
    path("commitments/", CommitmentListView.as_view(), name="api-commitments"),
]
