"""URLs of the payments app (runs): pages under /orgs/<slug>/, the portal, the API."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from influencer_ops.api import ORG_API
from payments.runs import api as api_runs
from payments.runs import views

page_patterns: list[URLPattern | URLResolver] = [
    path("payments/runs/", views.RunListView.as_view(), name="payment_run_list"),
    path("payments/runs/preview/", views.RunPreviewView.as_view(), name="payment_run_preview"),
    path("payments/runs/<int:pk>/", views.RunDetailView.as_view(), name="payment_run_detail"),
    path(
        "payments/runs/<int:pk>/progress/",
        views.RunProgressView.as_view(),
        name="payment_run_progress",
    ),
    path("payments/runs/<int:pk>/payouts.csv", views.RunCsvView.as_view(), name="payment_run_csv"),
    path(
        "payments/runs/<int:pk>/export.csv",
        views.RunExportView.as_view(),
        name="payment_run_export",
    ),
    path(
        "payments/runs/<int:pk>/<slug:action>/",
        views.RunActionView.as_view(),
        name="payment_run_action",
    ),
    path("payments/schedule/", views.ScheduleView.as_view(), name="payment_schedule"),
]
portal_patterns: list[URLPattern | URLResolver] = []
router = SimpleRouter()
router.register(
    rf"{ORG_API}/payment-runs",
    api_runs.PaymentRunViewSet,
    basename="api-payment-run",
)
api_patterns: list[URLPattern | URLResolver] = [
    *router.urls,
    path(
        "orgs/<slug:org_slug>/payment-schedule/",
        api_runs.PaymentScheduleViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="api-payment-schedule",
    ),
]
