"""Invitations, terms, confirmations: desk pages, the creator's invitation page, and the API."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from influencer_ops.api import ORG_API
from programs.recruiting import api as api_recruiting
from programs.recruiting import views

page_patterns: list[URLPattern | URLResolver] = [
    path("desk/programs/<int:pk>/roster/", views.RosterView.as_view(), name="desk_program_roster"),
    path("desk/programs/<int:pk>/invite/", views.InviteView.as_view(), name="desk_program_invite"),
    # The org-side hub for one creator in one program; its old desk address redirects there.
    path("enrollments/<int:pk>/", views.EnrollmentView.as_view(), name="enrollment_detail"),
    path("desk/enrollments/<int:pk>/", views.EnrollmentMovedView.as_view(), name="desk_enrollment"),
]
portal_patterns: list[URLPattern | URLResolver] = [
    path("invitations/<int:pk>/", views.PortalInvitationView.as_view(), name="portal_invitation"),
]
router = SimpleRouter()
router.register(
    rf"{ORG_API}/enrollments",
    api_recruiting.EnrollmentViewSet,
    basename="api-enrollment",
)
router.register(r"me/invitations", api_recruiting.MyInvitationViewSet, basename="api-my-invitation")
api_patterns: list[URLPattern | URLResolver] = [*router.urls]
