"""Creator profiles (desk), CSV import, portal linking: pages and API."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from influencer_ops.api import ORG_API
from influencers import api, views

CREATORS = "creators"
CREATOR = f"{CREATORS}/<int:pk>"

page_patterns: list[URLPattern | URLResolver] = [
    path(f"{CREATORS}/", views.CreatorListView.as_view(), name="creator_list"),
    path(f"{CREATORS}/new/", views.CreatorCreateView.as_view(), name="creator_new"),
    path(f"{CREATORS}/import/", views.CreatorImportView.as_view(), name="creator_import"),
    path(f"{CREATOR}/", views.CreatorDetailView.as_view(), name="creator_detail"),
    path(f"{CREATOR}/edit/", views.CreatorEditView.as_view(), name="creator_edit"),
    path(f"{CREATOR}/milestone/", views.CreatorMilestoneView.as_view(), name="creator_milestone"),
    path(f"{CREATOR}/invite-to-portal/", views.CreatorInviteView.as_view(), name="creator_invite"),
    path(
        f"{CREATOR}/availability/",
        views.AvailabilityAddView.as_view(),
        name="creator_availability_add",
    ),
    path(
        f"{CREATOR}/availability/<int:item>/remove/",
        views.AvailabilityRemoveView.as_view(),
        name="creator_availability_remove",
    ),
    path(f"{CREATOR}/interests/", views.InterestAddView.as_view(), name="creator_interest_add"),
    path(
        f"{CREATOR}/interests/<int:item>/remove/",
        views.InterestRemoveView.as_view(),
        name="creator_interest_remove",
    ),
]

# Under /portal/.
portal_patterns: list[URLPattern | URLResolver] = [
    path("profile/", views.PortalProfileView.as_view(), name="portal_profile"),
    path("availability/", views.PortalAvailabilityView.as_view(), name="portal_availability"),
    path(
        "availability/<int:pk>/remove/",
        views.PortalAvailabilityRemoveView.as_view(),
        name="portal_availability_remove",
    ),
    path("interests/", views.PortalInterestsView.as_view(), name="portal_interests"),
    path(
        "interests/<int:pk>/remove/",
        views.PortalInterestRemoveView.as_view(),
        name="portal_interest_remove",
    ),
]

# At the root: the link a creator follows to join the portal.
link_patterns: list[URLPattern | URLResolver] = [
    path(
        "creator-invitations/<str:token>/",
        views.CreatorLinkAcceptView.as_view(),
        name="creator_link_accept",
    ),
]

router = SimpleRouter()
router.register(rf"{ORG_API}/creators", api.CreatorViewSet, basename="api-creator")

api_patterns: list[URLPattern | URLResolver] = [
    path("me/profile/", api.MyProfileView.as_view(), name="api_my_profile"),
    *router.urls,
]
