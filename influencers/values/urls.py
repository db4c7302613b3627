"""What a creator won't promote: the portal page and the /api/v1/me/ endpoints."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from influencers.values import api, views

# Under /portal/.
portal_patterns: list[URLPattern | URLResolver] = [
    path("values/", views.PortalValuesView.as_view(), name="portal_values"),
    path(
        "values/exclusions/<int:pk>/remove/",
        views.PortalExclusionRemoveView.as_view(),
        name="portal_exclusion_remove",
    ),
]

router = SimpleRouter()
router.register(r"me/exclusions", api.MyExclusionViewSet, basename="api-my-exclusion")

api_patterns: list[URLPattern | URLResolver] = [
    path("me/values/", api.MyValuesView.as_view(), name="api_my_values"),
    *router.urls,
]
