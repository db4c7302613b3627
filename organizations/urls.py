from django.urls import path
from rest_framework.routers import SimpleRouter

from influencer_ops.api import ORG_API
from organizations import api, views

page_patterns = [
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
    path("audit/export.csv", views.AuditExportView.as_view(), name="org_audit_export"),
]

invitation_patterns = [
    path("", views.InvitationAcceptView.as_view(), name="invitation_accept"),
]

router = SimpleRouter()
router.register(rf"{ORG_API}/brands", api.BrandViewSet, basename="api-brand")
router.register(rf"{ORG_API}/members", api.MemberViewSet, basename="api-member")
router.register(rf"{ORG_API}/invitations", api.InvitationViewSet, basename="api-invitation")
router.register(rf"{ORG_API}/audit-events", api.AuditEventViewSet, basename="api-audit-event")
router.register(rf"{ORG_API}", api.OrganizationViewSet, basename="api-organization")

api_patterns = [
    path("me/memberships/", api.MyMembershipsView.as_view(), name="api_my_memberships"),
    *router.urls,
]
