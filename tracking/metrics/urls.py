"""Routes of imported metrics: the import page (under orgs/<slug>/) and the API (under
api/v1/). The portal has no metrics pages."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from influencer_ops.api import ORG_API
from tracking.metrics import api as api_metrics
from tracking.metrics import views as views_metrics

redirect_patterns: list[URLPattern | URLResolver] = []
page_patterns: list[URLPattern | URLResolver] = [
    path("metrics/import/", views_metrics.MetricsImportView.as_view(), name="metrics_import"),
]
portal_patterns: list[URLPattern | URLResolver] = []

router = SimpleRouter()
router.register(rf"{ORG_API}/metrics", api_metrics.MetricViewSet, basename="api-metric")
api_patterns: list[URLPattern | URLResolver] = [*router.urls]
