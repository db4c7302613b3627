"""Recruiting API: the ISM's enrollments (invite, confirm, withdraw, amend) and the creator's
invitations (accept, decline). The same services as the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from influencer_ops.api import choice_param
from influencers.access import activate_creator_scope
from influencers.models import CreatorProfile
from organizations import permissions
from organizations.access import OrgScopedViewSet
from programs.models import Enrollment, Program, TermsVersion
from programs.recruiting import services as recruiting
from programs.states import EnrollmentState


class TermsVersionSerializer(serializers.ModelSerializer[TermsVersion]):
    class Meta:
        model = TermsVersion
        fields = ["number", "snapshot", "reason", "created_at", "accepted_at", "declined_at"]
        read_only_fields = fields


class EnrollmentSerializer(serializers.ModelSerializer[Enrollment]):
    program_name = serializers.CharField(source="program.name", read_only=True)
    creator_name = serializers.CharField(source="creator.display_name", read_only=True)
    terms = TermsVersionSerializer(source="terms_versions", many=True, read_only=True)

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "program",
            "program_name",
            "creator",
            "creator_name",
            "state",
            "waitlist_position",
            "invited_at",
            "expires_at",
            "accepted_at",
            "nda_accepted_at",
            "confirmed_at",
            "ended_at",
            "end_reason",
            "terms",
        ]
        read_only_fields = fields


class InviteSerializer(serializers.Serializer[Any]):
    program = serializers.IntegerField(min_value=1)
    creators = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=500
    )
    override_reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500)


class AmendSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500)
    fee = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True
    )
    per_click_rate = serializers.DecimalField(
        max_digits=8, decimal_places=4, min_value=Decimal("0"), required=False, allow_null=True
    )
    click_milestone = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    milestone_bonus = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True
    )
    guidelines = serializers.CharField(max_length=10000, required=False)
    disclosure_rule = serializers.CharField(max_length=200, required=False)
    nda_required = serializers.BooleanField(required=False)


class AcceptSerializer(serializers.Serializer[Any]):
    terms_version = serializers.IntegerField(min_value=1)
    accept_nda = serializers.BooleanField(default=False)


def _queryset(qs: Any) -> Any:
    return qs.select_related("program", "creator").prefetch_related("terms_versions")


class EnrollmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    """Enrollments of the org's programs. Filter with ?program=<id>&state=<state>."""

    serializer_class = EnrollmentSerializer
    queryset = Enrollment.objects.none()
    capabilities = {
        "*": permissions.can_use_desk,
        "invite": permissions.can_work_prelaunch,
        "confirm": permissions.can_work_prelaunch,
        "withdraw": permissions.can_work_prelaunch,
        "amend": permissions.can_work_prelaunch,
    }

    def get_org_queryset(self) -> Any:
        qs = _queryset(Enrollment.objects.filter(organization=self.organization))
        program = self.request.query_params.get("program")
        state = choice_param(self.request, "state", EnrollmentState.values)
        if program is not None:
            if not (program.isdigit() and int(program) > 0):
                raise ValidationError({"program": ["A program id is a whole number from 1."]})
            qs = qs.filter(program_id=int(program))
        if state:
            qs = qs.filter(state=state)
        return qs.order_by("program_id", "id")

    @extend_schema(
        parameters=[
            OpenApiParameter("program", int),
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
            raise NotFound("Not found.")
        ids = data["creators"]
        creators = list(CreatorProfile.objects.filter(organization=self.organization, pk__in=ids))
        if len(creators) != len(set(ids)):
            raise NotFound("Not found.")
        created = recruiting.enrollment_invite(
            program=program,
            creators=creators,
            actor=request.user,
            override_reason=data["override_reason"],
        )
        rows = _queryset(Enrollment.objects.filter(pk__in=[e.pk for e in created]))
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


class MyInvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """The signed-in creator's invitations and places, across the orgs they work with."""

    serializer_class = EnrollmentSerializer
    queryset = Enrollment.objects.none()
    lookup_value_regex = r"[0-9]+"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        try:
            activate_creator_scope(request)
        except Exception as exc:
            raise PermissionDenied("These endpoints are for creators.") from exc

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Enrollment.objects.none()
        return _queryset(
            Enrollment.objects.filter(creator__user=cast(Any, self.request.user)).exclude(
                state=EnrollmentState.WAITLISTED
            )
        ).order_by("-created_at", "-id")

    @extend_schema(request=AcceptSerializer, responses=EnrollmentSerializer)
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
            )
        else:
            recruiting.terms_accept(
                enrollment=enrollment, user=request.user, terms_version=data["terms_version"]
            )
        return Response(EnrollmentSerializer(self.get_object()).data)

    @extend_schema(request=ReasonSerializer, responses=EnrollmentSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        recruiting.invitation_decline(
            enrollment=self.get_object(), user=request.user, reason=payload.validated_data["reason"]
        )
        return Response(EnrollmentSerializer(self.get_object()).data)
