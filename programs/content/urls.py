"""Content pages (brand review, the creator's deliverables) and the content API."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from influencer_ops.api import ORG_API
from programs.content import api as api_content
from programs.content import views
from programs.content.media_views import PortalMediaView, StaffMediaView

page_patterns: list[URLPattern | URLResolver] = [
    path("programs/<int:pk>/content/", views.ProgramContentView.as_view(), name="program_content"),
    path(
        "content/deliverables/<int:pk>/",
        views.ContentDeliverableView.as_view(),
        name="content_deliverable",
    ),
    path("approvals/", views.ApprovalsInboxView.as_view(), name="approvals_inbox"),
    path("content/media/<int:pk>/", StaffMediaView.as_view(), name="content_media"),
    path(
        "content/media/<int:pk>/thumbnail/",
        StaffMediaView.as_view(),
        {"variant": "thumbnail"},
        name="content_media_thumbnail",
    ),
]
portal_patterns: list[URLPattern | URLResolver] = [
    path("deliverables/", views.PortalDeliverablesView.as_view(), name="portal_deliverables"),
    path(
        "deliverables/<int:pk>/", views.PortalDeliverableView.as_view(), name="portal_deliverable"
    ),
    path("media/<int:pk>/", PortalMediaView.as_view(), name="portal_media"),
    path(
        "media/<int:pk>/thumbnail/",
        PortalMediaView.as_view(),
        {"variant": "thumbnail"},
        name="portal_media_thumbnail",
    ),
]

router = SimpleRouter()
router.register(
    rf"{ORG_API}/deliverables", api_content.DeliverableViewSet, basename="api-deliverable"
)
router.register(rf"{ORG_API}/submissions", api_content.SubmissionViewSet, basename="api-submission")
router.register(r"me/deliverables", api_content.MyDeliverableViewSet, basename="api-my-deliverable")
api_patterns: list[URLPattern | URLResolver] = [*router.urls]
