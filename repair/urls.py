from django.urls import path

from . import views

urlpatterns = [
    # The names of the former guidance pages stay, so links elsewhere keep working.
    path("repair/", views.repair_guide, name="repair-guide"),
    path("repair/new/", views.repair_new, name="repair-new"),
    path("repair/statistics/", views.statistics, name="repair-statistics"),
    path("repair/workbench/", views.workbench, name="repair-workbench"),
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
    path("track/<str:reference>/", views.track, name="repair-track"),
]
