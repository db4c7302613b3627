"""Candidate matching: the desk page (under orgs/<slug>/) and the API (under api/v1/)."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from influencer_ops.api import ORG_API
from programs.matching import api as api_matching
from programs.matching import views as views_matching

page_patterns: list[URLPattern | URLResolver] = [
    path(
        "desk/programs/<int:pk>/candidates/",
        views_matching.ProgramCandidatesView.as_view(),
        name="desk_program_candidates",
    ),
]

router = SimpleRouter()
router.register(
    rf"{ORG_API}/programs/(?P<program_pk>[0-9]+)/matches",
    api_matching.ProgramMatchViewSet,
    basename="api-program-matches",
)
api_patterns: list[URLPattern | URLResolver] = [*router.urls]
