"""Routes of orders: pages under orgs/<slug>/ (settings, CSV import, discount-code actions),
the API under api/v1/, and the inbound Shopify webhook under hooks/ (no login: signed)."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from commerce import api, views, webhook
from influencer_ops.api import ORG_API

page_patterns: list[URLPattern | URLResolver] = [
    path("orders/settings/", views.OrderSettingsView.as_view(), name="commerce_settings"),
    path("orders/import/", views.OrdersImportView.as_view(), name="orders_import"),
    path(
        "enrollments/<int:pk>/discount-codes/",
        views.DiscountCodeAddView.as_view(),
        name="discount_code_add",
    ),
    path(
        "enrollments/<int:pk>/discount-codes/<int:code_pk>/deactivate/",
        views.DiscountCodeDeactivateView.as_view(),
        name="discount_code_deactivate",
    ),
]
hook_patterns: list[URLPattern | URLResolver] = [
    path(
        "shopify/<slug:org_slug>/orders",
        webhook.shopify_webhook,
        {"topic": "orders"},
        name="shopify_orders",
    ),
    path(
        "shopify/<slug:org_slug>/refunds",
        webhook.shopify_webhook,
        {"topic": "refunds"},
        name="shopify_refunds",
    ),
]
router = SimpleRouter()
router.register(rf"{ORG_API}/orders", api.OrderViewSet, basename="api-order")
router.register(rf"{ORG_API}/discount-codes", api.DiscountCodeViewSet, basename="api-discount-code")
api_patterns: list[URLPattern | URLResolver] = [*router.urls]
