"""Recruiting API: the ISM's enrollments (invite, confirm, withdraw, amend) and the creator's
invitations (accept, decline). The same services as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from influencer_ops.api import choice_param, id_param, id_parameter
from influencer_ops.pagination import cursor_pagination
from influencers.access import CreatorScopedViewSet
from influencers.models import CreatorProfile
from organizations import permissions
from organizations.access import OrgScopedViewSet
from programs.models import Enrollment, Program
from programs.recruiting import selectors
from programs.recruiting import services as recruiting
from programs.recruiting.serializers import (
    AcceptSerializer,
    AmendSerializer,
    EnrollmentSerializer,
    InviteSerializer,
    MyInvitationSerializer,
    ReasonSerializer,
)
from programs.states import EnrollmentState


class EnrollmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    """Enrollments of the org's programs. Filter with ?program=<id>&state=<state>."""

    serializer_class = EnrollmentSerializer
    queryset = Enrollment.objects.none()
    # A big org has hundreds of thousands: paged by cursor, never counted (#18).
    pagination_class = cursor_pagination("program_id", "id")
    capabilities = {
        "*": permissions.can_use_desk,
        "invite": permissions.can_work_prelaunch,
        "confirm": permissions.can_work_prelaunch,
        "withdraw": permissions.can_work_prelaunch,
        "amend": permissions.can_amend_terms,
    }

    def get_org_queryset(self) -> Any:
        program = id_param(self.request, "program")
        state = choice_param(self.request, "state", EnrollmentState.values)
        return selectors.org_enrollments(
            organization=self.organization,
            program_id=program,
            state=state,
        )

    @extend_schema(
        parameters=[
            id_parameter("program"),
            OpenApiParameter("state", str, enum=EnrollmentState.values),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=InviteSerializer, responses={201: EnrollmentSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def invite(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = InviteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        program = Program.objects.filter(organization=self.organization, pk=data["program"]).first()
        if program is None:
            raise NotFound(gettext("Not found."))
        ids = data["creators"]
        creators = list(CreatorProfile.objects.filter(organization=self.organization, pk__in=ids))
        if len(creators) != len(set(ids)):
            raise NotFound(gettext("Not found."))
        created = recruiting.enrollment_invite(
            program=program,
            creators=creators,
            actor=request.user,
            override_reason=data["override_reason"],
        )
        rows = selectors.with_terms(Enrollment.objects.filter(pk__in=[e.pk for e in created]))
        return Response(EnrollmentSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=EnrollmentSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        recruiting.enrollment_confirm(enrollment=self.get_object(), actor=request.user)
        return Response(EnrollmentSerializer(self.get_object()).data)

    @extend_schema(request=ReasonSerializer, responses=EnrollmentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        recruiting.enrollment_withdraw(
            enrollment=self.get_object(),
            actor=request.user,
            reason=payload.validated_data["reason"],
        )
        return Response(EnrollmentSerializer(self.get_object()).data)

    @extend_schema(request=AmendSerializer, responses=EnrollmentSerializer)
    @action(detail=True, methods=["post"])
    def amend(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = AmendSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        reason = data.pop("reason")
        changes = {k: v for k, v in data.items() if v is not None}
        recruiting.terms_amend(
            enrollment=self.get_object(), actor=request.user, reason=reason, changes=changes
        )
        return Response(EnrollmentSerializer(self.get_object()).data)


class MyInvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CreatorScopedViewSet):
    """The signed-in creator's invitations and places, across the orgs they work with."""

    serializer_class = MyInvitationSerializer
    queryset = Enrollment.objects.none()

    def get_creator_queryset(self) -> QuerySet[Enrollment]:
        return selectors.creator_invitations(user=self.request.user)

    @extend_schema(request=AcceptSerializer, responses=MyInvitationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrollment = self.get_object()
        payload = AcceptSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if enrollment.state == EnrollmentState.INVITED:
            recruiting.invitation_accept(
                enrollment=enrollment,
                user=request.user,
                terms_version=data["terms_version"],
                accept_nda=data["accept_nda"],
                acknowledge_conflict=data["acknowledge_conflict"],
            )
        else:
            recruiting.terms_accept(
                enrollment=enrollment, user=request.user, terms_version=data["terms_version"]
            )
        return Response(MyInvitationSerializer(self.get_object()).data)

    @extend_schema(request=ReasonSerializer, responses=MyInvitationSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        recruiting.invitation_decline(
            enrollment=self.get_object(), user=request.user, reason=payload.validated_data["reason"]
        )
        return Response(MyInvitationSerializer(self.get_object()).data)
