"""Deadlines: desk pages (under orgs/<slug>/), the creator's extension page (under portal/) and
the API (under api/v1/)."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from influencer_ops.api import ORG_API
from programs.deadlines import api as api_deadlines
from programs.deadlines import views

page_patterns: list[URLPattern | URLResolver] = [
    path("desk/extensions/", views.DeskExtensionsView.as_view(), name="desk_extensions"),
    path(
        "desk/extensions/<int:pk>/decide/",
        views.DeskExtensionDecideView.as_view(),
        name="desk_extension_decide",
    ),
    path(
        "programs/<int:pk>/due-dates/",
        views.ProgramDueDatesView.as_view(),
        name="program_due_dates",
    ),
]
portal_patterns: list[URLPattern | URLResolver] = [
    path(
        "deliverables/<int:pk>/extension/",
        views.PortalExtensionView.as_view(),
        name="portal_extension_request",
    ),
]

router = SimpleRouter()
router.register(rf"{ORG_API}/extensions", api_deadlines.ExtensionViewSet, basename="api-extension")
api_patterns: list[URLPattern | URLResolver] = [
    *router.urls,
    # An explicit path: /me/deliverables/ itself is another module's ViewSet.
    path(
        "me/deliverables/<int:pk>/extension/",
        api_deadlines.MyDeliverableExtensionView.as_view(),
        name="api-my-deliverable-extension",
    ),
]
