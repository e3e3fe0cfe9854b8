"""The repair app's part of the JSON API under /api/v1/ (mounted by creditsite/urls.py)."""

from django.urls import path

from . import access, views

urlpatterns = [
    path(
        "enterprises/<str:uscc>/records/<int:record_id>/repair-eligibility/",
        views.RepairEligibilityView.as_view(),
        name="api-repair-eligibility",
    ),
    # Verified access (docs/rules.md §8.8).
    path("access/codes/", access.AccessCodesView.as_view(), name="api-access-codes"),
    path("access/verify/", access.AccessVerifyView.as_view(), name="api-access-verify"),
    path("access/cases/", access.VerifiedCasesView.as_view(), name="api-access-cases"),
    path("objections/", views.ObjectionsView.as_view(), name="api-objections"),
    path(
        "objections/<str:reference>/",
        views.CaseView.as_view(kind="objection"),
        name="api-objection",
    ),
    path(
        "repair-applications/",
        views.RepairApplicationsView.as_view(),
        name="api-repair-applications",
    ),
    path(
        "repair-applications/<str:reference>/",
        views.CaseView.as_view(kind="repair"),
        name="api-repair-application",
    ),
]
