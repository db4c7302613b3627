"""Order statement routes: the portal page, the staff page per creator, and the API."""

from django.urls import URLPattern, URLResolver, path

from commerce.statements import api, views

page_patterns: list[URLPattern | URLResolver] = [
    path("creators/<int:pk>/orders/", views.CreatorOrdersView.as_view(), name="creator_orders"),
]
portal_patterns: list[URLPattern | URLResolver] = [
    path("orders/", views.PortalOrdersView.as_view(), name="portal_orders"),
]
api_patterns: list[URLPattern | URLResolver] = [
    path("me/orders/", api.MyOrderViewSet.as_view({"get": "list"}), name="api-my-orders"),
    path(
        "orgs/<slug:org_slug>/creators/<int:pk>/orders/",
        api.CreatorOrderViewSet.as_view({"get": "list"}),
        name="api-creator-orders",
    ),
]
