"""Org-scoped REST endpoints: thin; the same services as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from influencer_ops.models import AuditEvent
from influencer_ops.pagination import cursor_pagination
from influencer_ops.schema import SingleObjectAutoSchema
from organizations import permissions, selectors, services
from organizations.access import OrgScopedViewSet
from organizations.models import Brand, Membership, Organization, StaffInvitation
from organizations.serializers import (
    AuditEventSerializer,
    BrandSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    MembershipRoleSerializer,
    MembershipSerializer,
    MyMembershipSerializer,
    OrganizationSerializer,
)


def _brands_of(organization: Organization, ids: list[int]) -> list[Brand]:
    brands = list(Brand.objects.filter(organization=organization, pk__in=ids))
    if len(brands) != len(set(ids)):
        raise ValidationError({"brands": ["Unknown brand."]})
    return brands


class MyMembershipsView(APIView):
    """The organizations the signed-in user belongs to, with their role in each."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MyMembershipSerializer(many=True))
    def get(self, request: Request) -> Response:
        memberships = selectors.memberships_of_user(user=request.user)
        return Response(MyMembershipSerializer(memberships, many=True).data)


class OrganizationViewSet(OrgScopedViewSet):
    """The organization itself (any member)."""

    serializer_class = OrganizationSerializer
    queryset = Organization.objects.none()
    schema = SingleObjectAutoSchema()  # GET answers the one org, not a page of orgs

    @extend_schema(responses=OrganizationSerializer)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(OrganizationSerializer(self.organization).data)


class BrandViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    OrgScopedViewSet,
):
    serializer_class = BrandSerializer
    queryset = Brand.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]
    capabilities = {
        "create": permissions.can_manage_brands,
        "partial_update": permissions.can_manage_brands,
    }

    def get_org_queryset(self) -> Any:
        return selectors.brand_list(organization=self.organization)

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.brand_create(
            organization=self.organization,
            actor=self.request.user,
            name=serializer.validated_data["name"],
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.brand_rename(
            brand=serializer.instance,
            actor=self.request.user,
            name=serializer.validated_data.get("name", serializer.instance.name),
        )


class MemberViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, OrgScopedViewSet
):
    serializer_class = MembershipSerializer
    queryset = Membership.objects.none()
    capabilities = {
        "*": permissions.can_view_members,
        "destroy": permissions.can_manage_members,
        "set_role": permissions.can_manage_members,
    }

    def get_org_queryset(self) -> Any:
        return selectors.member_list(organization=self.organization)

    def perform_destroy(self, instance: Membership) -> None:
        services.membership_remove(membership=instance, actor=self.request.user)

    @extend_schema(request=MembershipRoleSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"], url_path="role")
    def set_role(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = self.get_object()
        payload = MembershipRoleSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.membership_set_role(
            membership=membership,
            actor=request.user,
            role=payload.validated_data["role"],
            brands=_brands_of(self.organization, payload.validated_data["brands"]),
        )
        return Response(MembershipSerializer(self.get_object()).data)


class InvitationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, OrgScopedViewSet
):
    serializer_class = InvitationSerializer
    queryset = StaffInvitation.objects.none()
    capabilities = {"*": permissions.can_manage_members}

    def get_org_queryset(self) -> Any:
        return selectors.invitation_list(organization=self.organization)

    @extend_schema(request=InvitationCreateSerializer, responses={201: InvitationSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = InvitationCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        invitation, _token = services.invitation_create(
            organization=self.organization,
            actor=request.user,
            email=payload.validated_data["email"],
            role=payload.validated_data["role"],
            brands=_brands_of(self.organization, payload.validated_data["brands"]),
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: StaffInvitation) -> None:
        services.invitation_revoke(invitation=instance, actor=self.request.user)


class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    serializer_class = AuditEventSerializer
    queryset = AuditEvent.objects.none()
    capabilities = {"*": permissions.can_view_audit}
    pagination_class = cursor_pagination("-at", "-id")

    def get_org_queryset(self) -> Any:
        return selectors.audit_event_list(organization=self.organization)
