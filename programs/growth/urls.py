"""Growth routes: the creator's tier page (under portal/) and the API (theirs, the ISM's)."""

from django.urls import URLPattern, URLResolver, path

from programs.growth import api, views

portal_patterns: list[URLPattern | URLResolver] = [
    path("growth/", views.PortalGrowthView.as_view(), name="portal_growth"),
]
api_patterns: list[URLPattern | URLResolver] = [
    path("me/growth/", api.MyGrowthView.as_view(), name="api-my-growth"),
    path(
        "orgs/<slug:org_slug>/programs/<int:program_pk>/invite-suggestions/",
        api.ProgramInviteSuggestionViewSet.as_view({"get": "list"}),
        name="api-program-invite-suggestions",
    ),
]
