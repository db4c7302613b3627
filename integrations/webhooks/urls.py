"""URLs of outbound webhooks: pages under /orgs/<slug>/webhooks/, the API under
/api/v1/orgs/<slug>/webhooks/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from influencer_ops.api import ORG_API
from integrations.webhooks import api, views

page_patterns: list[URLPattern | URLResolver] = [
    path("webhooks/", views.WebhookListView.as_view(), name="webhook_list"),
    path("webhooks/<int:pk>/", views.WebhookDetailView.as_view(), name="webhook_detail"),
    path(
        "webhooks/<int:pk>/rotate-secret/",
        views.WebhookActionView.as_view(action="rotate"),
        name="webhook_rotate",
    ),
    path(
        "webhooks/<int:pk>/delete/",
        views.WebhookActionView.as_view(action="delete"),
        name="webhook_delete",
    ),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_pk>/replay/",
        views.WebhookReplayView.as_view(),
        name="webhook_replay",
    ),
]
portal_patterns: list[URLPattern | URLResolver] = []
router = SimpleRouter()
router.register(rf"{ORG_API}/webhooks/endpoints", api.EndpointViewSet, basename="api-webhook")
router.register(
    rf"{ORG_API}/webhooks/deliveries", api.DeliveryViewSet, basename="api-webhook-delivery"
)
api_patterns: list[URLPattern | URLResolver] = [*router.urls]
