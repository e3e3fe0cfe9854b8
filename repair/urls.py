from django.urls import path

from . import access_views, views

urlpatterns = [
    # The names of the former guidance pages stay, so links elsewhere keep working.
    path("repair/", views.repair_guide, name="repair-guide"),
    path("repair/new/", views.repair_new, name="repair-new"),
    path("repair/agencies/", views.agencies, name="repair-agencies"),
    path("repair/letter/<str:uscc>.pdf", views.commitment_letter, name="repair-letter"),
    path("repair/statistics/", views.statistics, name="repair-statistics"),
    path("repair/workbench/", views.workbench, name="repair-workbench"),
    path("repair/workbench/file/<slug:kind>/", views.workbench_file, name="repair-workbench-file"),
    path("repair/workbench/<int:pk>/", views.workbench_case, name="repair-workbench-case"),
    path(
        "repair/workbench/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="repair-attachment",
    ),
    path(
        "repair/workbench/<int:pk>/<slug:action>/",
        views.workbench_action,
        name="repair-workbench-action",
    ),
    path("objections/new/", views.objection_new, name="objection-guide"),
    # Verified access and case look-up (docs/rules.md §8.8).
    path("verify/", access_views.verify, name="repair-verify"),
    path("verify/code/", access_views.verify_code, name="repair-verify-code"),
    path("verify/end/", access_views.verify_end, name="repair-verify-end"),
    path("track/", access_views.lookup, name="repair-lookup"),
    path("track/<str:reference>/", access_views.track, name="repair-track"),
    path(
        "track/<str:reference>/decision.txt",
        access_views.decision_download,
        name="repair-decision",
    ),
    path(
        "track/<str:reference>/object/",
        access_views.refusal_objection,
        name="repair-refusal-objection",
    ),
]
