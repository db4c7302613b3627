"""URLs of the payments app (payouts): pages under /orgs/<slug>/, the portal, the API."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from payments.payouts import api as api_payouts
from payments.payouts import views

page_patterns: list[URLPattern | URLResolver] = [
    path("payments/payouts/", views.PayoutListView.as_view(), name="payout_list"),
    path("payments/payouts/bulk/", views.PayoutBulkView.as_view(), name="payout_bulk"),
    path(
        "payments/payouts/creators/",
        views.PayoutCreatorSearchView.as_view(),
        name="payout_creator_search",
    ),
    path("payments/payouts/<int:pk>/", views.PayoutDetailView.as_view(), name="payout_detail"),
    *(
        path(
            f"payments/payouts/<int:pk>/{action}/",
            views.PayoutActionView.as_view(action=action),
            name=f"payout_{action}",
        )
        for action in ("adjust", "hold", "release", "cancel")
    ),
]
portal_patterns: list[URLPattern | URLResolver] = [
    path("payouts/", views.PortalPayoutsView.as_view(), name="portal_payouts"),
]
api_patterns: list[URLPattern | URLResolver] = [
    path(
        "orgs/<slug:org_slug>/payouts/",
        api_payouts.PayoutViewSet.as_view({"get": "list"}),
        name="api-payout-list",
    ),
    path(
        "orgs/<slug:org_slug>/payouts/<int:pk>/",
        api_payouts.PayoutViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="api-payout-detail",
    ),
    path(
        "me/payouts/",
        api_payouts.MyPayoutViewSet.as_view({"get": "list"}),
        name="api-my-payout-list",
    ),
    path(
        "me/payouts/<int:pk>/",
        api_payouts.MyPayoutViewSet.as_view({"get": "retrieve"}),
        name="api-my-payout-detail",
    ),
]
