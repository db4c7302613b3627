"""Creator REST endpoints: thin; the same services and selectors as the pages.

Staff: /api/v1/orgs/<slug>/creators/ (desk roles read; ISM and admins write).
Creators: /api/v1/me/profile/ (their own profile in each org; never internal notes).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions as api_exceptions
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from influencer_ops.csv_import import CSVTextParser, PlainTextParser, csv_text_from_request
from influencer_ops.pagination import cursor_pagination
from influencers import selectors, services
from influencers.access import CreatorAPIView
from influencers.models import CreatorProfile
from influencers.serializers import (
    OWN_EDITABLE,
    CreatorCreateSerializer,
    CreatorDetailSerializer,
    CreatorFilterSerializer,
    CreatorLinkSerializer,
    CreatorSerializer,
    CreatorUpdateSerializer,
    ImportReportSerializer,
    ImportTextSerializer,
    ImportUploadSerializer,
    MilestoneInputSerializer,
    OwnProfileSerializer,
    OwnProfileUpdateSerializer,
)
from organizations import permissions
from organizations.access import OrgScopedViewSet
from programs.recruiting import services as recruiting


def _validated(serializer_class: type[Any], data: Any) -> dict[str, Any]:
    payload = serializer_class(data=data)
    payload.is_valid(raise_exception=True)
    return dict(payload.validated_data)


@contextmanager
def _field_errors() -> Iterator[None]:
    """A service's refusal of one field becomes a 400 on that field."""
    try:
        yield
    except services.FieldError as exc:
        raise api_exceptions.ValidationError({exc.field: [str(exc)]}) from exc


class CreatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    """The org's creators. Every desk role reads (with internal notes); ISM and admins write."""

    serializer_class = CreatorSerializer
    queryset = CreatorProfile.objects.none()
    # A big org has tens of thousands: paged by cursor off creator_org_name, never counted.
    pagination_class = cursor_pagination("display_name", "id")
    http_method_names = ["get", "post", "patch", "head", "options"]
    capabilities = {
        "*": permissions.can_use_desk,
        "create": permissions.can_work_prelaunch,
        "partial_update": permissions.can_work_prelaunch,
        "import_csv": permissions.can_work_prelaunch,
        "milestone": permissions.can_work_prelaunch,
        "invite": permissions.can_work_prelaunch,
    }

    def get_org_queryset(self) -> QuerySet[CreatorProfile]:
        if self.action == "list":
            params = _validated(CreatorFilterSerializer, self.request.query_params)
            return selectors.creator_list(organization=self.organization, **params)
        return selectors.creator_detail(organization=self.organization)

    def get_serializer_class(self) -> type[CreatorSerializer]:
        return CreatorSerializer if self.action == "list" else CreatorDetailSerializer

    def _detail(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=pk)
        return Response(CreatorDetailSerializer(fresh).data, status=status_code)

    @extend_schema(parameters=[CreatorFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=CreatorCreateSerializer, responses={201: CreatorDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = _validated(CreatorCreateSerializer, request.data)
        with _field_errors():
            creator = services.creator_create(
                organization=self.organization, actor=request.user, **payload
            )
        return self._detail(creator.pk, status.HTTP_201_CREATED)

    @extend_schema(request=CreatorUpdateSerializer, responses=CreatorDetailSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        creator = self.get_object()
        payload = _validated(CreatorUpdateSerializer, request.data)
        values = {f: payload.get(f, getattr(creator, f)) for f in services.PROFILE_FIELDS}
        with _field_errors():
            services.creator_update(
                profile=creator, actor=request.user, handles=payload.get("handles"), **values
            )
        return self._detail(creator.pk)

    @extend_schema(request=MilestoneInputSerializer, responses=CreatorDetailSerializer)
    @action(detail=True, methods=["post"])
    def milestone(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change the click milestone; the reason is required and kept in the history. Each open
        place whose milestone comes from the creator gets a terms amendment to accept."""
        creator = self.get_object()
        payload = _validated(MilestoneInputSerializer, request.data)
        with _field_errors():
            recruiting.creator_milestone_correct(profile=creator, actor=request.user, **payload)
        return self._detail(creator.pk)

    @extend_schema(request=None, responses={201: CreatorLinkSerializer})
    @action(detail=True, methods=["post"], url_path="invite-to-portal")
    def invite(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """E-mail the creator a one-time link (14 days) to connect their login."""
        link, _token = services.creator_link_invite(
            profile=self.get_object(),
            actor=request.user,
        )
        return Response(CreatorLinkSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={
            "multipart/form-data": ImportUploadSerializer,
            "text/csv": OpenApiTypes.STR,
            "application/json": ImportTextSerializer,
        },
        responses={
            201: ImportReportSerializer,
            400: OpenApiResponse(
                ImportReportSerializer, description="Some rows have problems: nothing saved."
            ),
        },
        description=(
            "Import creators from CSV: all rows or none. Header row required; columns "
            f"{', '.join(services.IMPORT_COLUMNS)} (only display_name and email are "
            "required; categories and languages are ';'-separated)."
        ),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, JSONParser, CSVTextParser, PlainTextParser],
    )
    def import_csv(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = services.creators_import_csv(
            organization=self.organization,
            actor=request.user,
            file_text=csv_text_from_request(request),
        )
        code = status.HTTP_201_CREATED if report.ok else status.HTTP_400_BAD_REQUEST
        return Response(ImportReportSerializer(report).data, status=code)


ORG_PARAMETER = OpenApiParameter(
    "org",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    description=(
        "The organization's slug. GET: only that org's profile. PATCH: required when you "
        "work with several organizations."
    ),
)


class MyProfileView(CreatorAPIView):
    """The signed-in creator's own profile, one per organization they work with.

    GET answers a list (one entry per org, optionally narrowed by ``?org=``); PATCH changes
    location, languages, categories and rate_per_post of the profile in ``?org=`` (or the only
    one). Internal notes are never shown; other fields are not the creator's to change.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[ORG_PARAMETER], responses=OwnProfileSerializer(many=True))
    def get(self, request: Request) -> Response:
        profiles = selectors.own_profiles(user=request.user)
        slug = request.query_params.get("org", "")
        if slug:
            profiles = profiles.filter(organization__slug=slug)
        return Response(OwnProfileSerializer(profiles, many=True).data)

    @extend_schema(
        parameters=[ORG_PARAMETER],
        request=OwnProfileUpdateSerializer,
        responses=OwnProfileSerializer,
    )
    def patch(self, request: Request) -> Response:
        profile = self._chosen(request.query_params.get("org", ""))
        payload = _validated(OwnProfileUpdateSerializer, request.data)
        values = {f: payload.get(f, getattr(profile, f)) for f in OWN_EDITABLE}
        with _field_errors():
            services.profile_update_own(profile=profile, user=request.user, **values)
        fresh = selectors.own_profile(user=request.user, org_slug=profile.organization.slug)
        return Response(OwnProfileSerializer(fresh).data)

    def _chosen(self, slug: str) -> CreatorProfile:
        if not slug:
            if len(self.creator_profiles) > 1:
                raise api_exceptions.ValidationError(
                    {"org": ["You work with several organizations: say which one (?org=)."]}
                )
            if not self.creator_profiles:
                raise api_exceptions.NotFound(
                    gettext("No organization has connected your profile yet.")
                )
            slug = self.creator_profiles[0].organization.slug
        profile = selectors.own_profile(user=self.request.user, org_slug=slug)
        if profile is None:
            raise api_exceptions.NotFound(gettext("You do not work with this organization."))
        return profile
