from django.urls import path

from . import views
from .statistics.page import statistics_page

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("enterprises/<str:code>/", views.enterprise_file, name="enterprise-file"),
    path("enterprises/<str:code>/report.pdf", views.report_pdf, name="enterprise-report"),
    path("reports/verify/<str:code>/", views.report_verify, name="report-verify"),
    path("commitments/", views.commitments, name="commitments"),
    path("policies/", views.policies, name="policies"),
    path("statistics/", statistics_page, name="statistics"),
]
