"""Routes of the reports: program report and org overview (with CSV), the creator's own
performance in the portal, and the same data from the API."""

from django.urls import URLPattern, URLResolver, path

from tracking.reports import api as api_reports
from tracking.reports import sales_api, sales_views, views

redirect_patterns: list[URLPattern | URLResolver] = []
page_patterns: list[URLPattern | URLResolver] = [
    path("programs/<int:pk>/report/", views.ProgramReportView.as_view(), name="program_report"),
    path(
        "programs/<int:pk>/report/<slug:table>.csv",
        views.ProgramReportCsvView.as_view(),
        name="program_report_csv",
    ),
    path("reports/", views.OrgOverviewView.as_view(), name="org_overview"),
    path("reports/programs.csv", views.OrgOverviewCsvView.as_view(), name="org_overview_csv"),
    path("reports/sales/", sales_views.SalesReportView.as_view(), name="org_overview_sales"),
    path(
        "reports/sales/<slug:table>.csv",
        sales_views.SalesReportCsvView.as_view(),
        name="org_overview_sales_csv",
    ),
]
portal_patterns: list[URLPattern | URLResolver] = [
    path("performance/<int:pk>/", views.PortalPerformanceView.as_view(), name="portal_performance"),
]
api_patterns: list[URLPattern | URLResolver] = [
    path(
        "orgs/<slug:org_slug>/programs/<int:pk>/report/",
        api_reports.ProgramReportViewSet.as_view({"get": "retrieve"}),
        name="api-program-report",
    ),
    path(
        "orgs/<slug:org_slug>/reports/sales/",
        sales_api.SalesReportViewSet.as_view({"get": "retrieve"}),
        name="api-sales-report",
    ),
    path(
        "me/enrollments/<int:pk>/performance/",
        api_reports.MyPerformanceViewSet.as_view({"get": "retrieve"}),
        name="api-my-performance",
    ),
]
