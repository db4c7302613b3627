from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

org_patterns = [
    path("", views.OrgHomeView.as_view(), name="org_home"),
    path("members/", views.MemberListView.as_view(), name="org_members"),
    path("members/<int:pk>/", views.MemberEditView.as_view(), name="org_member_edit"),
    path(
        "invitations/<int:pk>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="org_invitation_revoke",
    ),
    path("brands/", views.BrandListView.as_view(), name="org_brands"),
    path("brands/<int:pk>/", views.BrandEditView.as_view(), name="org_brand_edit"),
    path("settings/", views.SettingsView.as_view(), name="org_settings"),
    path("audit/", views.AuditView.as_view(), name="org_audit"),
]

invitation_patterns = [
    path("", views.InvitationAcceptView.as_view(), name="invitation_accept"),
]

ORG = r"orgs/(?P<org_slug>[-a-zA-Z0-9_]+)"
router = SimpleRouter()
router.register(rf"{ORG}/brands", api.BrandViewSet, basename="api-brand")
router.register(rf"{ORG}/members", api.MemberViewSet, basename="api-member")
router.register(rf"{ORG}/invitations", api.InvitationViewSet, basename="api-invitation")
router.register(rf"{ORG}/audit-events", api.AuditEventViewSet, basename="api-audit-event")
router.register(rf"{ORG}", api.OrganizationViewSet, basename="api-organization")

api_patterns = [
    path("me/memberships/", api.MyMembershipsView.as_view(), name="api_my_memberships"),
    *router.urls,
]
