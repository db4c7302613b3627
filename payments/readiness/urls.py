"""URLs of the payments app (readiness): pages under /orgs/<slug>/, the portal, the API."""

from __future__ import annotations

from typing import Any

from django.urls import path

from payments.readiness import views

CREATOR = "creators/<int:pk>/payout-readiness/"

page_patterns: list[Any] = [
    path(CREATOR, views.CreatorReadinessView.as_view(), name="creator_payout_readiness"),
    path(
        f"{CREATOR}tax-forms/<int:form_pk>/verify/",
        views.TaxFormVerifyView.as_view(),
        name="tax_form_verify",
    ),
    path(
        f"{CREATOR}tax-forms/<int:form_pk>/reject/",
        views.TaxFormRejectView.as_view(),
        name="tax_form_reject",
    ),
]
portal_patterns: list[Any] = [
    path("payout-details/", views.PortalPayoutDetailsView.as_view(), name="portal_payout_details"),
]
api_patterns: list[Any] = []
