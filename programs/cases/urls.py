"""Compliance cases: the team's pages, the creator's case page, and the API."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from influencer_ops.api import ORG_API
from programs.cases import api as api_cases
from programs.cases import views

page_patterns: list[URLPattern | URLResolver] = [
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("enrollments/<int:pk>/cases/new/", views.CaseNewView.as_view(), name="case_new"),
]
portal_patterns: list[URLPattern | URLResolver] = [
    path("cases/<int:pk>/", views.PortalCaseView.as_view(), name="portal_case"),
]
router = SimpleRouter()
router.register(rf"{ORG_API}/cases", api_cases.CaseViewSet, basename="api-case")
router.register(r"me/cases", api_cases.MyCaseViewSet, basename="api-my-case")
api_patterns: list[URLPattern | URLResolver] = [*router.urls]
