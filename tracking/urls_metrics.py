"""Routes of imported metrics: the import page (under orgs/<slug>/) and the API (under
api/v1/). The portal has no metrics pages."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from . import api_metrics, views_metrics

redirect_patterns: list[URLPattern | URLResolver] = []
page_patterns: list[URLPattern | URLResolver] = [
    path("metrics/import/", views_metrics.MetricsImportView.as_view(), name="metrics_import"),
]
portal_patterns: list[URLPattern | URLResolver] = []

ORG = r"orgs/(?P<org_slug>[-a-zA-Z0-9_]+)"
router = SimpleRouter()
router.register(rf"{ORG}/metrics", api_metrics.MetricViewSet, basename="api-metric")
api_patterns: list[URLPattern | URLResolver] = [*router.urls]
